"""The fuzz tests' consumer handlers, and the answers the wire format allows them to give.

Each adapter's ``test_fuzz_receive.py`` builds its two consumers from :class:`FuzzHandlers`
and :class:`CamelFuzzHandlers` on its own ``AsyncJsonWebsocketConsumer``. :func:`check_answer`
is the oracle, from docs/core.md ("On the wire"): an answer is a reply of the consumer, or an
``error`` frame whose payload is ``{"detail": ...}`` for a frame-level problem or a list of
``{"type", "loc", "msg"}`` items, and never carries a traceback or the client's input back.
"""

from __future__ import annotations

import datetime
import json
import uuid
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from chanx.core import ChanxWebsocketMixin
from chanx.core.decorators import ws_handler
from chanx.messages import BaseMessage, PingMessage, PongMessage

CANARY = "qx7-CANARY-input-9vz"
"""A value no error frame would contain unless it echoed the client's input back."""
SECRET = "handler-secret-3kd"
"""The text of the exception the ``boom`` handler raises; it must stay in the server's logs."""
ACTIONS = {"ping", "chat", "boom"}
"""The actions the fuzz consumers handle."""
REPLIES = {"pong": "ping", "chat_reply": "chat"}
"""The action of each reply, and the action of the message it answers."""
BINARY_DETAIL = "Binary frames are not supported; send JSON text"
BINARY_ERROR = {"action": "error", "payload": {"detail": BINARY_DETAIL}}
NOT_A_MESSAGE = [{"detail": "Invalid JSON"}, {"detail": "The message must be a JSON object"}]
"""The answers to text that is not a JSON object."""
DETAILS = {
    *(error["detail"] for error in NOT_A_MESSAGE),
    BINARY_DETAIL,
    *(f"Failed to process message for {action}" for action in ACTIONS),
}
"""Every ``detail`` an error frame may carry."""
LEAKS = ("Traceback", 'File "', "RuntimeError", SECRET, CANARY)
"""Text an error frame must never carry: a traceback, the handler's error, the client's input."""


# ---------------------------------------------------------------------------- the consumers
class Line(BaseModel):
    """A chat line with fields of several kinds, for wrong-type and missing-field errors."""

    text: Annotated[str, Field(max_length=200)]
    reply_to: int | None = None
    tags: Annotated[list[str], Field(max_length=5)] = []
    mood: Literal["happy", "sad"] = "happy"
    counts: dict[str, int] = {}
    sent_at: datetime.datetime | None = None
    ident: uuid.UUID | None = None


class ChatMessage(BaseMessage):
    """A chat line from the client."""

    action: Literal["chat"] = "chat"
    payload: Line


class ChatReply(BaseMessage):
    """The chat line, sent back."""

    action: Literal["chat_reply"] = "chat_reply"
    payload: Line


class BoomMessage(BaseMessage):
    """Runs a handler that raises."""

    action: Literal["boom"] = "boom"


class FuzzHandlers(ChanxWebsocketMixin[BaseMessage]):
    """Answers ping, echoes chat lines, and fails on boom; one frame answers each frame."""

    send_completion = False

    @ws_handler
    async def handle_ping(self, message: PingMessage) -> PongMessage:
        return PongMessage()

    @ws_handler
    async def handle_chat(self, message: ChatMessage) -> ChatReply:
        return ChatReply(payload=message.payload)

    @ws_handler
    async def handle_boom(self, message: BoomMessage) -> None:
        raise RuntimeError(SECRET)


class CamelFuzzHandlers(FuzzHandlers):
    """The same handlers with camelCase keys on the wire, and a ``complete`` after each answer."""

    camelize = True
    send_completion = True


# ---------------------------------------------------------------------------- the oracle
def walk_keys(value: Any) -> Iterator[str]:
    """Every dict key anywhere in a decoded JSON value."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from walk_keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk_keys(item)


def check_error_payload(payload: Any) -> None:
    """An error frame's payload has one of the two documented shapes, and nothing more."""
    if isinstance(payload, dict):
        assert set(payload) == {"detail"}, payload
        assert payload["detail"] in DETAILS, payload
        return
    assert isinstance(payload, list), payload
    assert payload, "a validation error names at least one problem"
    for item in payload:
        assert isinstance(item, dict), item
        assert set(item) == {"type", "loc", "msg"}, item
        assert isinstance(item["type"], str), item
        assert isinstance(item["msg"], str), item
        assert item["msg"], item
        assert isinstance(item["loc"], list), item
        assert all(isinstance(part, str | int) for part in item["loc"]), item


def decoded_object(frame: str) -> dict[str, Any] | None:
    """The frame as a JSON object, if Python's own parser reads it as one."""
    try:
        value = json.loads(frame)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def check_answer(frame: str | bytes, text: str) -> dict[str, Any]:
    """Fail unless ``text`` is a documented answer to ``frame``; return it decoded.

    Args:
        frame: What the client sent.
        text: The text of the frame that answered it.

    Returns:
        The decoded answer.
    """
    # A real server encodes every text frame as UTF-8: one that cannot be is never delivered.
    text.encode("utf-8")
    answer = json.loads(text)
    assert isinstance(answer, dict), answer
    assert set(answer) == {"action", "payload"}, answer
    if isinstance(frame, bytes):
        assert answer == BINARY_ERROR
        return answer
    if answer["action"] != "error":
        # A reply: the frame was a valid message of that handler.
        sent = decoded_object(frame)
        assert sent is not None, (frame, answer)
        assert answer["action"] in REPLIES, answer
        # A camelCase consumer reads keys through a camelCase-to-snake_case conversion, which
        # also takes "Action" for "action": compare the key's letters only.
        actions = [value for key, value in sent.items() if key.replace("_", "").lower() == "action"]
        assert REPLIES[answer["action"]] in actions, (frame, answer)
        return answer
    check_error_payload(answer["payload"])
    for leak in LEAKS:
        assert leak not in text, f"{leak!r} leaked into {text!r}"
    assert "input" not in set(walk_keys(answer)), answer
    if decoded_object(frame) is None:
        # Not JSON, or JSON but not an object: a frame-level detail, never field errors.
        assert answer["payload"] in NOT_A_MESSAGE, (frame, answer)
    return answer
