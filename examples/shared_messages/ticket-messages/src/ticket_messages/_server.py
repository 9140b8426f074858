"""What a ticket desk service sends to its clients."""

from __future__ import annotations

from typing import Literal, TypeAlias

from chanx.messages import BaseMessage, ErrorMessage, MessageUnion, PongMessage
from ticket_messages._payloads import Escalation, Note, Watching


class WatchingMessage(BaseMessage):
    """The reply to ``watch``: the connection is in the ticket's group and misses nothing."""

    action: Literal["watching"] = "watching"
    """Always ``watching``."""
    payload: Watching
    """The ticket and the service."""


class NotePostedMessage(BaseMessage):
    """A note was added to a ticket; sent to every watcher, its author included if watching."""

    action: Literal["note_posted"] = "note_posted"
    """Always ``note_posted``."""
    payload: Note
    """The note."""


class TicketEscalatedMessage(BaseMessage):
    """A watched ticket was escalated, by a worker, an HTTP call or any other code."""

    action: Literal["ticket_escalated"] = "ticket_escalated"
    """Always ``ticket_escalated``."""
    payload: Escalation
    """The escalation."""


ServerMessage: TypeAlias = (
    WatchingMessage | NotePostedMessage | TicketEscalatedMessage | PongMessage | ErrorMessage
)
"""Any message a service may send to a client."""

ServerMessages: MessageUnion[ServerMessage] = MessageUnion(
    WatchingMessage, NotePostedMessage, TicketEscalatedMessage, PongMessage, ErrorMessage
)
"""Parses every frame a client receives: ``ServerMessages.parse_json(text)``."""
