"""The ticket desk's WebSocket messages, shared by its services, its worker and its clients.

- what clients send: :class:`WatchTicketMessage`, :class:`PostNoteMessage` (and Chanx's
  ``ping``), parsed by :data:`ClientMessages`;
- what services send: :class:`WatchingMessage`, :class:`NotePostedMessage`,
  :class:`TicketEscalatedMessage` (and Chanx's ``pong`` and ``error``), parsed by
  :data:`ServerMessages`;
- what any code sends to the services: :class:`EscalateTicketEvent`, addressed to
  :func:`ticket_group`.

It depends on ``chanx-messages`` alone.
"""

from ticket_messages._client import (
    ClientMessage,
    ClientMessages,
    PostNoteMessage,
    WatchTicketMessage,
)
from ticket_messages._events import EscalateTicketEvent
from ticket_messages._payloads import (
    Escalation,
    EscalationLevel,
    Note,
    NoteDraft,
    Payload,
    Watching,
    WatchTicket,
)
from ticket_messages._server import (
    NotePostedMessage,
    ServerMessage,
    ServerMessages,
    TicketEscalatedMessage,
    WatchingMessage,
)
from ticket_messages._tickets import TICKET_ID_PATTERN, ticket_group

__all__ = [
    "TICKET_ID_PATTERN",
    "ClientMessage",
    "ClientMessages",
    "EscalateTicketEvent",
    "Escalation",
    "EscalationLevel",
    "Note",
    "NoteDraft",
    "NotePostedMessage",
    "Payload",
    "PostNoteMessage",
    "ServerMessage",
    "ServerMessages",
    "TicketEscalatedMessage",
    "WatchTicket",
    "WatchTicketMessage",
    "Watching",
    "WatchingMessage",
    "ticket_group",
]
