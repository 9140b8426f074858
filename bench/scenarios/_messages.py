"""The messages and handlers of the ``dispatch`` scenario, shared by every contender.

``chanx.messages.base.BaseMessage`` and ``chanx.core.decorators.ws_handler`` exist both in the
workspace and in the released chanx 2.13.0, so this module imports in either environment: each
side builds the same classes on its own Chanx, and nothing is written twice.
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
    chat_reply_payload,
)
from chanx.core.decorators import ws_handler
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


# ---------------------------------------------------------------------------- handlers
class ChatHandlers:
    """The ten handlers of every Chanx contender's consumer (mixed into each framework's class)."""

    last_id: int = 0

    @ws_handler
    async def handle_chat(self, message: ChatMessage) -> ChatReplyMessage:
        """Store a chat line (here: number it) and acknowledge it."""
        self.last_id += 1
        return ChatReplyMessage(payload=chat_reply_payload(message.payload, self.last_id))

    @ws_handler
    async def handle_join(self, message: JoinMessage) -> AckMessage:
        """Join a room."""
        return AckMessage(payload=message.payload.room)

    @ws_handler
    async def handle_leave(self, message: LeaveMessage) -> AckMessage:
        """Leave a room."""
        return AckMessage(payload=message.payload.room)

    @ws_handler
    async def handle_history(self, message: HistoryMessage) -> AckMessage:
        """Send a room's history (here: nothing)."""
        return AckMessage(payload=message.payload.room)

    @ws_handler
    async def handle_typing(self, message: TypingMessage) -> None:
        """Note that someone types."""

    @ws_handler
    async def handle_edit(self, message: EditMessage) -> AckMessage:
        """Edit a chat line."""
        return AckMessage(payload=str(message.payload.message_id))

    @ws_handler
    async def handle_delete(self, message: DeleteMessage) -> AckMessage:
        """Delete a chat line."""
        return AckMessage(payload=str(message.payload.message_id))

    @ws_handler
    async def handle_react(self, message: ReactMessage) -> None:
        """React to a chat line."""

    @ws_handler
    async def handle_read(self, message: ReadMessage) -> None:
        """Mark a room read."""

    @ws_handler
    async def handle_presence(self, message: PresenceMessage) -> None:
        """Set one's presence."""
