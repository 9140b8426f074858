"""Encoding messages to frames and turning bad input into error frames."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Final

from pydantic import ValidationError

from chanx.core._camel import camel_name, camelize_keys
from chanx.messages import (
    ACTION_COMPLETE,
    ACTION_ERROR,
    ACTION_EVENT_COMPLETE,
    ACTION_GROUP_COMPLETE,
    ACTION_PING,
    ACTION_PONG,
    BaseMessage,
    MessageUnion,
)


def _frame(action: str, payload: Any) -> str:
    return json.dumps(
        {"action": action, "payload": payload}, separators=(",", ":"), ensure_ascii=False
    )


COMPLETE_FRAME: Final = _frame(ACTION_COMPLETE, None)
PING_FRAME: Final = _frame(ACTION_PING, None)
PONG_FRAME: Final = _frame(ACTION_PONG, None)
GROUP_COMPLETE_FRAME: Final = _frame(ACTION_GROUP_COMPLETE, None)
EVENT_COMPLETE_FRAME: Final = _frame(ACTION_EVENT_COMPLETE, None)

INVALID_JSON_DETAIL: Final = "Invalid JSON"
NOT_AN_OBJECT_DETAIL: Final = "The message must be a JSON object"
BINARY_DETAIL: Final = "Binary frames are not supported; send JSON text"
VALIDATOR_FAILED_DETAIL: Final = "Failed to validate the message"


def error_frame(detail: str, **extra: Any) -> str:
    """Return an ``error`` frame carrying one detail (and any extra fields)."""
    return _frame(ACTION_ERROR, {"detail": detail, **extra})


def message_too_large_frame(limit: int) -> str:
    """Return the ``error`` frame for a frame over ``max_message_size`` (it was not parsed)."""
    return error_frame(f"Message too large: the limit is {limit} bytes (max_message_size)")


def _status(code: int, camelize: bool) -> dict[str, int]:
    return {"statusCode" if camelize else "status_code": code}


def rate_limited_frame(described: str, action: str | None, camelize: bool = False) -> str:
    """Return the ``error`` frame for a frame over a rate limit.

    Args:
        described: The limit in words (:meth:`~chanx.core.RateLimit.describe`).
        action: The handler's action for a handler's own limit, None for the connection's.
        camelize: Whether the consumer's keys are camelCase on the wire (``statusCode``).
    """
    where = f"rate_limit of {action}" if action else "rate_limit"
    return error_frame(f"Rate limit exceeded: {described} ({where})", **_status(429, camelize))


def permission_denied_frame(action: str, camelize: bool = False) -> str:
    """Return the ``error`` frame for a frame a handler's permissions refused.

    Args:
        action: The refused frame's action.
        camelize: Whether the consumer's keys are camelCase on the wire (``statusCode``).
    """
    return error_frame(f"Permission denied for {action}", **_status(403, camelize))


INVALID_JSON_FRAME: Final = error_frame(INVALID_JSON_DETAIL)
NOT_AN_OBJECT_FRAME: Final = error_frame(NOT_AN_OBJECT_DETAIL)
BINARY_FRAME: Final = error_frame(BINARY_DETAIL)
VALIDATOR_FAILED_FRAME: Final = error_frame(VALIDATOR_FAILED_DETAIL)
NO_HANDLERS_FRAME: Final = _frame(
    ACTION_ERROR,
    [{"type": "union_tag_invalid", "loc": ["action"], "msg": "This endpoint accepts no messages"}],
)


def handler_timed_out_frame(action: str) -> str:
    """Return the ``error`` frame sent when a handler ran past ``handler_timeout``."""
    return error_frame(f"Timed out processing message for {action}")


def handler_failed_frame(action: str) -> str:
    """Return the ``error`` frame sent when a handler raised."""
    return error_frame(f"Failed to process message for {action}")


def encode(message: BaseMessage, camelize: bool) -> str:
    """Serialise a message to the text of one frame.

    Args:
        message: The message.
        camelize: Turn keys into camelCase.

    Returns:
        Compact JSON text.
    """
    if camelize:
        # ensure_ascii=False writes UTF-8 as Pydantic's own JSON does, so both paths agree.
        return json.dumps(
            camelize_keys(message.model_dump(mode="json")),
            separators=(",", ":"),
            ensure_ascii=False,
        )
    return message.model_dump_json()


def _clean_loc(loc: Sequence[int | str], union: MessageUnion[Any], camelize: bool) -> list[Any]:
    items = list(loc)
    # A discriminated union prefixes each location with the member's tag; the client sent a
    # frame, not a tagged union, so drop it.
    if items and items[0] in union.by_action:
        items = items[1:]
    if camelize:
        items = [camel_name(item) if isinstance(item, str) else item for item in items]
    return items


USER_CODE_ERRORS: Final = {
    "value_error": "Value error",
    "assertion_error": "Assertion failed",
}
"""Error kinds whose text an application's validator wrote, and what is sent instead."""


def validation_error_frame(exc: ValidationError, union: MessageUnion[Any], camelize: bool) -> str:
    """Turn a failed validation of a client frame into the ``error`` frame that answers it.

    Frame-level problems (not JSON, not an object) get a single detail; everything else is a
    list of ``{"type", "loc", "msg"}`` items. The client's input is never echoed back.

    Args:
        exc: The validation error.
        union: The union the frame was validated against.
        camelize: Whether the consumer uses camelCase keys.

    Returns:
        The text of the error frame.
    """
    errors = exc.errors(include_url=False, include_input=False)
    if len(errors) == 1 and not errors[0]["loc"]:
        kind = errors[0]["type"]
        if kind == "json_invalid":
            return INVALID_JSON_FRAME
        if kind in ("dict_type", "model_type", "model_attributes_type"):
            return NOT_AN_OBJECT_FRAME
    items = []
    expected = ", ".join(sorted(union.by_action))
    for error in errors:
        kind = error["type"]
        loc = _clean_loc(error["loc"], union, camelize)
        text = error["msg"]
        top_level = not error["loc"]  # the frame's own action, not a tagged union inside it
        if kind == "union_tag_not_found" and top_level:
            loc, text = ["action"], f"The message has no action; expected one of: {expected}"
        elif kind == "union_tag_invalid" and top_level:
            loc, text = ["action"], f"Unknown action; expected one of: {expected}"
        elif kind in USER_CODE_ERRORS:
            # The text comes from the application's own validator, which may quote the
            # input or internals; only a PydanticCustomError's message is meant for clients.
            text = USER_CODE_ERRORS[kind]
        elif kind == "union_tag_invalid":
            # Pydantic's text quotes the client's tag; name only the tags that are expected.
            tags = error.get("ctx", {}).get("expected_tags", "")
            text = f"Unknown tag; expected one of: {tags}"
        items.append({"type": kind, "loc": loc, "msg": text})
    return _frame(ACTION_ERROR, items)
