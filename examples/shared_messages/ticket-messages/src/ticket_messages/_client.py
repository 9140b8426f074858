"""What clients send to a ticket desk service."""

from __future__ import annotations

from typing import Literal, TypeAlias

from chanx.messages import BaseMessage, MessageUnion, PingMessage
from ticket_messages._payloads import NoteDraft, WatchTicket


class WatchTicketMessage(BaseMessage):
    """Follow a ticket: its notes and escalations reach this connection from the reply on."""

    action: Literal["watch"] = "watch"
    """Always ``watch``."""
    payload: WatchTicket
    """The ticket."""


class PostNoteMessage(BaseMessage):
    """Add a note to a ticket; every connection watching it receives the note."""

    action: Literal["post_note"] = "post_note"
    """Always ``post_note``."""
    payload: NoteDraft
    """The note."""


ClientMessage: TypeAlias = PingMessage | WatchTicketMessage | PostNoteMessage
"""Any message a client may send."""

ClientMessages: MessageUnion[ClientMessage] = MessageUnion(
    PingMessage, WatchTicketMessage, PostNoteMessage
)
"""Parses a frame a client sent, for a test server or a proxy that inspects traffic."""
