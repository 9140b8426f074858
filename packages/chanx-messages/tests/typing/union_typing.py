"""Static checks of MessageUnion's types: mypy checks this file, and a test also runs it."""

from collections.abc import Mapping
from typing import Literal, assert_type

from pydantic import TypeAdapter

from chanx.messages import (
    BaseMessage,
    DuplicateActionError,
    ErrorDetail,
    ErrorMessage,
    MessageUnion,
    PingMessage,
    PongMessage,
    ValidationErrorItem,
    message_actions,
)


class ChatMessage(BaseMessage):
    action: Literal["chat"] = "chat"
    payload: str


# One class: the type parameter is that class exactly.
single = MessageUnion(ChatMessage)
assert_type(single, MessageUnion[ChatMessage])
assert_type(single.parse_json('{"action": "chat", "payload": "x"}'), ChatMessage)
assert_type(single.parse({"action": "chat", "payload": "x"}), ChatMessage)
assert_type(single.parse_json(b'{"action": "chat", "payload": "x"}'), ChatMessage)
assert_type(single.parse_json(bytearray(b'{"action": "chat", "payload": "x"}')), ChatMessage)

# Several classes without an annotation: mypy joins them to their common base.
joined = MessageUnion(PingMessage, ChatMessage)
assert_type(joined, MessageUnion[BaseMessage])
assert_type(joined.parse_json('{"action": "ping"}'), BaseMessage)

# Annotating the variable keeps the precise union, which isinstance then narrows.
precise: MessageUnion[PingMessage | ChatMessage] = MessageUnion(PingMessage, ChatMessage)
frame = precise.parse_json('{"action": "chat", "payload": "x"}')
assert_type(frame, PingMessage | ChatMessage)
if isinstance(frame, ChatMessage):
    assert_type(frame.payload, str)
else:
    assert_type(frame, PingMessage)
    assert_type(frame.payload, None)
assert isinstance(frame, ChatMessage)

# The public attributes.
assert_type(precise.types, tuple[type[PingMessage | ChatMessage], ...])
assert_type(precise.by_action, Mapping[str, type[PingMessage | ChatMessage]])
assert_type(precise.adapter, TypeAdapter[PingMessage | ChatMessage])
assert_type(len(precise), int)
assert_type(ChatMessage in precise, bool)

# The helpers around it.
assert_type(message_actions(ChatMessage), tuple[str, ...])
assert_type(PongMessage().action, Literal["pong"])
assert_type(
    ErrorMessage.model_validate({"payload": []}).payload, list[ValidationErrorItem] | ErrorDetail
)
error: TypeError = DuplicateActionError("a")


def _mistakes() -> None:
    """Mistakes mypy catches before runtime does; never called."""
    MessageUnion(PingMessage, dict)  # type: ignore[type-var]
    MessageUnion(PingMessage())  # type: ignore[arg-type]
    precise.by_action["x"] = ChatMessage  # type: ignore[index]
    PongMessage(payload=1)  # type: ignore[arg-type]
