"""Standard frames every Chanx server may send to a client."""

from chanx.messages._standard import (
    AuthenticationMessage,
    AuthenticationPayload,
    CompleteMessage,
    ErrorDetail,
    ErrorMessage,
    EventCompleteMessage,
    GroupCompleteMessage,
    PongMessage,
    ValidationErrorItem,
)

__all__ = [
    "AuthenticationMessage",
    "AuthenticationPayload",
    "CompleteMessage",
    "ErrorDetail",
    "ErrorMessage",
    "EventCompleteMessage",
    "GroupCompleteMessage",
    "PongMessage",
    "ValidationErrorItem",
]
