"""Typed message models for the Chanx wire format.

``chanx.messages`` depends on Pydantic only. It holds :class:`BaseMessage`, the standard frames
(:mod:`chanx.messages.incoming`, :mod:`chanx.messages.outgoing`), the reserved action names
(:mod:`chanx.messages.actions`) and :class:`MessageUnion`, which parses frames into the right
class.
"""

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
from chanx.messages._base import BaseMessage, message_actions
from chanx.messages._standard import (
    AuthenticationMessage,
    AuthenticationPayload,
    CompleteMessage,
    ErrorDetail,
    ErrorMessage,
    EventCompleteMessage,
    GroupCompleteMessage,
    PingMessage,
    PongMessage,
    ValidationErrorItem,
)
from chanx.messages._union import DuplicateActionError, MessageUnion

__all__ = [
    "ACTION_AUTHENTICATION",
    "ACTION_COMPLETE",
    "ACTION_ERROR",
    "ACTION_EVENT_COMPLETE",
    "ACTION_GROUP_COMPLETE",
    "ACTION_PING",
    "ACTION_PONG",
    "RESERVED_ACTIONS",
    "AuthenticationMessage",
    "AuthenticationPayload",
    "BaseMessage",
    "CompleteMessage",
    "DuplicateActionError",
    "ErrorDetail",
    "ErrorMessage",
    "EventCompleteMessage",
    "GroupCompleteMessage",
    "MessageUnion",
    "PingMessage",
    "PongMessage",
    "ValidationErrorItem",
    "message_actions",
]
