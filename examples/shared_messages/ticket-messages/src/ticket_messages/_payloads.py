"""The data the ticket desk's messages carry."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ticket_messages._tickets import TICKET_ID_PATTERN

EscalationLevel = Literal["high", "urgent"]
"""How far a ticket is escalated: add a value here and every service, the worker and the
client accept it (the worker's ``--level`` choices are read from it)."""


class Payload(BaseModel):
    """A payload model whose attribute docstrings describe its fields in the AsyncAPI docs."""

    model_config = ConfigDict(use_attribute_docstrings=True)


class WatchTicket(Payload):
    """The ticket a connection wants to follow."""

    ticket_id: str = Field(pattern=TICKET_ID_PATTERN)
    """The ticket's id."""


class NoteDraft(Payload):
    """A note a client wants to add to a ticket."""

    ticket_id: str = Field(pattern=TICKET_ID_PATTERN)
    """The ticket the note is for."""
    author: str = Field(min_length=1, max_length=40)
    """Who writes the note."""
    text: str = Field(min_length=1, max_length=2000)
    """The note itself."""


class Note(Payload):
    """A note as every watcher of the ticket sees it."""

    ticket_id: str = Field(pattern=TICKET_ID_PATTERN)
    """The ticket the note belongs to."""
    author: str
    """Who wrote the note."""
    text: str
    """The note itself."""
    service: str
    """The service that relayed the note, such as ``fastapi`` or ``django``."""


class Watching(Payload):
    """The connection receives a ticket's notes and escalations from now on."""

    ticket_id: str = Field(pattern=TICKET_ID_PATTERN)
    """The ticket being watched."""
    service: str
    """The service the connection is served by."""


class Escalation(Payload):
    """A ticket needs attention sooner than its queue would give it."""

    ticket_id: str = Field(pattern=TICKET_ID_PATTERN)
    """The escalated ticket."""
    level: EscalationLevel = "high"
    """How urgent the ticket now is."""
    reason: str = Field(min_length=1, max_length=500)
    """Why it was escalated."""
