"""The Django project of the ticket desk's Django service: settings and the ASGI application."""
