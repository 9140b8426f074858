"""Test tools for Chanx on Django Channels: a communicator, a test case and pytest fixtures.

The pytest fixture ``chanx_channels_layers`` is registered by the package's ``pytest11``
entry point and ``chanx_captured_events`` by chanx-core's; neither needs an import.
"""

from chanx.core.testing import (
    DEFAULT_TIMEOUT,
    CapturedEvent,
    EventCapture,
    capture_broadcast_events,
)
from chanx.ext.channels.testing._communicator import TEST_HOST, WebsocketCommunicator
from chanx.ext.channels.testing._testcase import WebsocketTestCase

__all__ = [
    "DEFAULT_TIMEOUT",
    "TEST_HOST",
    "CapturedEvent",
    "EventCapture",
    "WebsocketCommunicator",
    "WebsocketTestCase",
    "capture_broadcast_events",
]
