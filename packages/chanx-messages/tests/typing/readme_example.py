from typing import Literal

from chanx.messages import BaseMessage, MessageUnion
from chanx.messages.incoming import PingMessage


class ChatMessage(BaseMessage):
    """A chat line typed by a user."""

    action: Literal["chat"] = "chat"
    payload: str


union = MessageUnion(PingMessage, ChatMessage)
message = union.parse_json('{"action": "chat", "payload": "hello"}')
assert isinstance(message, ChatMessage)
