"""The frames Chanx itself sends and understands on every connection."""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from chanx.messages._actions import (
    ACTION_AUTHENTICATION,
    ACTION_COMPLETE,
    ACTION_ERROR,
    ACTION_EVENT_COMPLETE,
    ACTION_GROUP_COMPLETE,
    ACTION_PING,
    ACTION_PONG,
)
from chanx.messages._base import BaseMessage


class PingMessage(BaseMessage):
    """A liveness probe from the client; the server answers with ``pong``."""

    action: Literal["ping"] = ACTION_PING
    """Always ``ping``."""

    payload: None = None
    """Always ``null``."""


class PongMessage(BaseMessage):
    """The server's answer to ``ping``."""

    action: Literal["pong"] = ACTION_PONG
    """Always ``pong``."""

    payload: None = None
    """Always ``null``."""


class ValidationErrorItem(BaseModel):
    """One reason a frame failed validation."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    type: str
    """A machine-readable error kind, such as ``missing`` or ``string_type``."""

    loc: list[str | int]
    """Where in the frame the error is: field names and list indexes, outermost first."""

    msg: str
    """A human-readable explanation."""


class ErrorDetail(BaseModel):
    """A single error that is not about one field of the frame."""

    model_config = ConfigDict(use_attribute_docstrings=True, extra="allow")

    detail: str
    """A human-readable explanation."""


class ErrorMessage(BaseMessage):
    """Tells the client that the server could not process a frame or an operation.

    Validation failures carry a list of :class:`ValidationErrorItem`; every other error carries
    an :class:`ErrorDetail`. Error frames never echo the client's input back and never contain
    tracebacks.
    """

    action: Literal["error"] = ACTION_ERROR
    """Always ``error``."""

    payload: list[ValidationErrorItem] | ErrorDetail
    """The validation errors, or a single detail."""


class AuthenticationPayload(BaseModel):
    """The outcome of authenticating a connection."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    status_code: int
    """An HTTP-style status code: 200 on success, 401, 403, 404 or 500 otherwise."""

    status_text: str
    """The reason phrase or detail that goes with ``status_code``."""

    data: Any = None
    """Extra data the authenticator chose to share, such as the user's public profile."""


class AuthenticationMessage(BaseMessage):
    """Sent once after the handshake with the result of authentication.

    On failure the server closes the connection right after this frame, with close code
    ``4000 + status_code``.
    """

    action: Literal["authentication"] = ACTION_AUTHENTICATION
    """Always ``authentication``."""

    payload: AuthenticationPayload
    """The outcome."""


class CompleteMessage(BaseMessage):
    """Sent after a client frame has been fully handled, every reply to it included."""

    action: Literal["complete"] = ACTION_COMPLETE
    """Always ``complete``."""

    payload: None = None
    """Always ``null``."""


class GroupCompleteMessage(BaseMessage):
    """Sent by a recipient right after it relayed a group broadcast to its client."""

    action: Literal["group_complete"] = ACTION_GROUP_COMPLETE
    """Always ``group_complete``."""

    payload: None = None
    """Always ``null``."""


class EventCompleteMessage(BaseMessage):
    """Sent after a server-side event has been handled for this connection."""

    action: Literal["event_complete"] = ACTION_EVENT_COMPLETE
    """Always ``event_complete``."""

    payload: None = None
    """Always ``null``."""
