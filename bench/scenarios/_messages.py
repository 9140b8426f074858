"""The messages of the ``dispatch`` scenario, shared by every contender.

``chanx.messages.base.BaseMessage`` exists both in chanx-messages and in the released chanx
2.13.0, so this module imports in the workspace and in 2.13's own virtualenv alike: each side
builds the same classes on its own Chanx's base, and no class is written twice.
"""

from __future__ import annotations

from typing import Literal

from bench.scenarios._payloads import (
    ChatPayload,
    ChatReplyPayload,
    DeletePayload,
    EditPayload,
    PresencePayload,
    ReactPayload,
    ReadPayload,
    RoomPayload,
    TypingPayload,
)
from chanx.messages.base import BaseMessage


class ChatMessage(BaseMessage):
    """A chat line sent to a room."""

    action: Literal["chat"] = "chat"
    payload: ChatPayload


class ChatReplyMessage(BaseMessage):
    """The acknowledgement of a chat line."""

    action: Literal["chat_reply"] = "chat_reply"
    payload: ChatReplyPayload


class JoinMessage(BaseMessage):
    """Join a room."""

    action: Literal["join"] = "join"
    payload: RoomPayload


class LeaveMessage(BaseMessage):
    """Leave a room."""

    action: Literal["leave"] = "leave"
    payload: RoomPayload


class HistoryMessage(BaseMessage):
    """Ask for a room's recent lines."""

    action: Literal["history"] = "history"
    payload: RoomPayload


class TypingMessage(BaseMessage):
    """Started or stopped typing."""

    action: Literal["typing"] = "typing"
    payload: TypingPayload


class EditMessage(BaseMessage):
    """Edit a chat line."""

    action: Literal["edit"] = "edit"
    payload: EditPayload


class DeleteMessage(BaseMessage):
    """Delete a chat line."""

    action: Literal["delete"] = "delete"
    payload: DeletePayload


class ReactMessage(BaseMessage):
    """React to a chat line."""

    action: Literal["react"] = "react"
    payload: ReactPayload


class ReadMessage(BaseMessage):
    """Mark a room read."""

    action: Literal["read"] = "read"
    payload: ReadPayload


class PresenceMessage(BaseMessage):
    """Set one's presence."""

    action: Literal["presence"] = "presence"
    payload: PresencePayload


class AckMessage(BaseMessage):
    """A plain acknowledgement of the frames that need no data back."""

    action: Literal["ack"] = "ack"
    payload: str
