"""The framework-agnostic engine of Chanx.

Declare handlers with :mod:`chanx.core.decorators`, subclass a consumer from
:mod:`chanx.core.websocket` (or from an adapter), authenticate with
:mod:`chanx.core.authenticators`, and test with :mod:`chanx.core.testing`.
"""

from chanx.core._auth import (
    AuthenticationFailed,
    AuthResult,
    BaseAuthenticator,
    CredentialAuthenticator,
    NotFound,
    PermissionDenied,
)
from chanx.core._config import ConsumerConfig, invalidate_settings
from chanx.core._consumer import ChanxWebsocketMixin
from chanx.core._consumer_base import ChannelLayerMissingError, ReceiveEvent
from chanx.core._decorators import channel, event_handler, ws_handler
from chanx.core._handlers import HandlerSpec
from chanx.core._handshake import Handshake
from chanx.core._limits import RateLimit

__all__ = [
    "AuthResult",
    "AuthenticationFailed",
    "BaseAuthenticator",
    "ChannelLayerMissingError",
    "ChanxWebsocketMixin",
    "ConsumerConfig",
    "CredentialAuthenticator",
    "HandlerSpec",
    "Handshake",
    "NotFound",
    "PermissionDenied",
    "RateLimit",
    "ReceiveEvent",
    "channel",
    "event_handler",
    "invalidate_settings",
    "ws_handler",
]
