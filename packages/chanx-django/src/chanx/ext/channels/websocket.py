"""The consumer base class for Django Channels, and the engine names that go with it."""

from chanx.core.websocket import (
    BROADCAST_TYPE,
    EVENT_TYPE,
    LAYER_MISSING_CLOSE_CODE,
    ChannelLayerMissingError,
    ReceiveEvent,
)
from chanx.ext.channels._consumer import ENGINE_MESSAGE_TYPES, AsyncJsonWebsocketConsumer

__all__ = [
    "BROADCAST_TYPE",
    "ENGINE_MESSAGE_TYPES",
    "EVENT_TYPE",
    "LAYER_MISSING_CLOSE_CODE",
    "AsyncJsonWebsocketConsumer",
    "ChannelLayerMissingError",
    "ReceiveEvent",
]
