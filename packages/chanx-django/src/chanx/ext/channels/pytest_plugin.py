"""pytest fixtures for Chanx on Django Channels, loaded through the ``pytest11`` entry point.

Nothing here imports Django until a fixture runs, so projects that do not use Django are
untouched by the plugin being installed.

- ``chanx_channels_layers``: a fresh in-memory layer under every ``CHANNEL_LAYERS`` alias. The
  name mirrors the import path ``chanx.ext.channels`` (as the FastAPI adapter's
  ``chanx_fast_channels_layers`` mirrors ``chanx.ext.fast_channels``), so the two adapters'
  fixtures never clash when both are installed.

``chanx_captured_events`` works with any adapter and comes from chanx-core's plugin,
:mod:`chanx.core.pytest_plugin`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

IN_MEMORY_LAYER = "channels.layers.InMemoryChannelLayer"
"""The backend every alias gets under :func:`chanx_channels_layers`."""


@pytest.fixture
def chanx_channels_layers() -> Iterator[dict[str, Any]]:
    """Give every ``CHANNEL_LAYERS`` alias (at least ``default``) a fresh in-memory layer.

    Overrides ``CHANNEL_LAYERS`` for the test (Channels drops its cached layers when the setting
    changes), resolves consumer settings afresh, and yields the new layers by alias, so a test
    can ``group_send`` to or inspect the layer its consumers use.
    """
    from channels.layers import get_channel_layer
    from django.conf import settings
    from django.test import override_settings

    from chanx.core.settings import invalidate_settings

    aliases = list(getattr(settings, "CHANNEL_LAYERS", None) or {}) or ["default"]
    layers = {alias: {"BACKEND": IN_MEMORY_LAYER} for alias in aliases}
    with override_settings(CHANNEL_LAYERS=layers):
        invalidate_settings()
        yield {alias: get_channel_layer(alias) for alias in aliases}
    invalidate_settings()
