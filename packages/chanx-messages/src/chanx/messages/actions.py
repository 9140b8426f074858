"""The action names Chanx itself uses on the wire, as constants."""

from chanx.messages._actions import (
    ACTION_AUTHENTICATION,
    ACTION_COMPLETE,
    ACTION_ERROR,
    ACTION_EVENT_COMPLETE,
    ACTION_GROUP_COMPLETE,
    ACTION_PING,
    ACTION_PONG,
    RESERVED_ACTIONS,
)

__all__ = [
    "ACTION_AUTHENTICATION",
    "ACTION_COMPLETE",
    "ACTION_ERROR",
    "ACTION_EVENT_COMPLETE",
    "ACTION_GROUP_COMPLETE",
    "ACTION_PING",
    "ACTION_PONG",
    "RESERVED_ACTIONS",
]
