"""Capture ``send_event`` / ``broadcast_event`` calls in tests."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from chanx.core import _capture
from chanx.core._capture import CapturedEvent, EventCapture


@contextlib.contextmanager
def capture_broadcast_events(*, suppress: bool = False) -> Iterator[EventCapture]:
    """Record every event a consumer class or :mod:`chanx.core.events` sends in the block.

    Args:
        suppress: Record without delivering (for unit tests of code that sends events).

    Yields:
        The capture; its ``events`` list fills as events are sent.
    """
    capture = EventCapture(suppress=suppress)
    _capture.ACTIVE.append(capture)
    try:
        yield capture
    finally:
        _capture.ACTIVE.remove(capture)


__all__ = ["CapturedEvent", "EventCapture", "capture_broadcast_events"]
