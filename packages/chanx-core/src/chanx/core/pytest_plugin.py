"""Framework-neutral pytest fixtures for Chanx, loaded by pytest through an entry point.

chanx-core registers this module under the ``pytest11`` entry point ``chanx_core``, so every
project with Chanx installed gets these fixtures with no import. Only pytest imports this
module, which is why chanx-core does not depend on pytest.

- ``chanx_captured_events``: records every ``send_event`` / ``broadcast_event`` of the test.

The adapters add their own channel-layer fixtures: ``chanx_fast_channels_layers``
(``chanx.ext.fast_channels``) and ``chanx_channels_layers`` (``chanx.ext.channels``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chanx.core.testing import EventCapture, capture_broadcast_events

__all__ = ["chanx_captured_events"]


@pytest.fixture
def chanx_captured_events() -> Iterator[EventCapture]:
    """Record the events consumers send during the test (they are still delivered).

    Yields:
        The capture; ``capture.events`` fills in call order.
    """
    with capture_broadcast_events() as capture:
        yield capture
