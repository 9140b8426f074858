"""Test tools that work with any Chanx adapter: a communicator and event capture."""

from chanx.core.testing._capture import CapturedEvent, EventCapture, capture_broadcast_events
from chanx.core.testing._communicator import DEFAULT_TIMEOUT, WebsocketCommunicator

__all__ = [
    "DEFAULT_TIMEOUT",
    "CapturedEvent",
    "EventCapture",
    "WebsocketCommunicator",
    "capture_broadcast_events",
]
