"""Test tools for Chanx on FastAPI and Starlette: the communicator and event capture.

The pytest fixture ``chanx_fast_channels_layers`` comes from the plugin
:mod:`chanx.ext.fast_channels.pytest_plugin` and ``chanx_captured_events`` from
:mod:`chanx.core.pytest_plugin`; pytest loads both by itself.
"""

from chanx.core.testing import (
    DEFAULT_TIMEOUT,
    CapturedEvent,
    EventCapture,
    capture_broadcast_events,
)
from chanx.ext.fast_channels.testing._communicator import WebsocketCommunicator

__all__ = [
    "DEFAULT_TIMEOUT",
    "CapturedEvent",
    "EventCapture",
    "WebsocketCommunicator",
    "capture_broadcast_events",
]
