"""What travels over the example's WebSockets: one Pydantic model per kind of frame.

Attribute docstrings become field descriptions in the AsyncAPI document at ``/asyncapi/docs/``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from chanx.messages import BaseMessage

# --------------------------------------------------------------------------- chat


class NewMessagePayload(BaseModel):
    """A line a user types in a room."""

    text: str = Field(min_length=1, max_length=1000)
    """What the user wrote (1 to 1000 characters)."""


class NewMessage(BaseMessage):
    """A client posts a line to the room it is connected to."""

    action: Literal["new_message"] = "new_message"
    payload: NewMessagePayload


class RoomMessagePayload(BaseModel):
    """A line as everyone in the room sees it."""

    room: str
    """The room's name."""
    username: str
    """Who wrote it."""
    text: str
    """What they wrote."""


class RoomMessage(BaseMessage):
    """A line posted in the room, relayed to every connection in it (the sender's too)."""

    action: Literal["room_message"] = "room_message"
    payload: RoomMessagePayload


# --------------------------------------------------------------------------- notifications


class NotificationPayload(BaseModel):
    """A notification for every signed-in user."""

    title: str = Field(min_length=1, max_length=200)
    """A short headline."""
    body: str = Field(default="", max_length=2000)
    """More detail, possibly empty."""


class NotifyEvent(BaseMessage):
    """Server side: a view, a management command or a task asks to notify everyone."""

    action: Literal["notify"] = "notify"
    payload: NotificationPayload


class NotificationMessage(BaseMessage):
    """A notification, as each connected client receives it."""

    action: Literal["notification"] = "notification"
    payload: NotificationPayload


# --------------------------------------------------------------------------- echo


class EchoMessage(BaseMessage):
    """Any JSON payload, sent back as it came."""

    action: Literal["echo"] = "echo"
    payload: Any = None
    """Whatever JSON the client sent."""


class FailMessage(BaseMessage):
    """Ask the server to run a handler that raises, to see the ``error`` frame Chanx sends."""

    action: Literal["fail"] = "fail"
