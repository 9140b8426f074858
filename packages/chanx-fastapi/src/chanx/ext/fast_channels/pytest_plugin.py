"""Pytest fixtures for Chanx on fast-channels, loaded by pytest through an entry point.

Nothing here is ``autouse``: a test asks for what it needs.

- ``chanx_fast_channels_layers``: a fresh ``InMemoryChannelLayer`` under every alias
  registered with fast-channels (or under ``"default"`` when none is), the previous
  registrations restored after the test. The name mirrors the import path
  ``chanx.ext.fast_channels``, so it never clashes with the Django adapter's
  ``chanx_channels_layers`` when both adapters are installed in one environment.

``chanx_captured_events`` (records every ``send_event`` / ``broadcast_event`` of the test)
works with any adapter and comes from chanx-core's plugin, :mod:`chanx.core.pytest_plugin`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fast_channels.layers import (
    BaseChannelLayer,
    InMemoryChannelLayer,
    channel_layers,
    register_channel_layer,
)

from chanx.core.settings import invalidate_settings

__all__ = ["chanx_fast_channels_layers"]


@pytest.fixture
def chanx_fast_channels_layers() -> Iterator[dict[str, InMemoryChannelLayer]]:
    """Register fresh in-memory channel layers for one test; restore the previous ones after.

    Every alias registered when the test starts gets a new ``InMemoryChannelLayer`` (so a
    test never sees another's groups or messages, and never touches Redis); with no alias
    registered, ``"default"`` gets one. Consumer settings are resolved afresh before and after.

    Yields:
        The fresh layers by alias.
    """
    previous: dict[str, BaseChannelLayer] = {
        alias: channel_layers[alias] for alias in channel_layers.list_aliases()
    }
    fresh = {alias: InMemoryChannelLayer() for alias in (list(previous) or ["default"])}
    for alias, layer in fresh.items():
        register_channel_layer(alias, layer)
    invalidate_settings()
    try:
        yield fresh
    finally:
        channel_layers.clear()
        for alias, earlier in previous.items():
            register_channel_layer(alias, earlier)
        invalidate_settings()
