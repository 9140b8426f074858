"""The Django app that serves the ticket WebSocket with the shared ``ticket_messages``."""
