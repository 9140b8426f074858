"""Finding the installed framework adapter without importing it by name.

The core cannot import an adapter (adapters sit above it), so each adapter registers its
consumer base class in the ``chanx.adapters`` entry-point group, under the name ``channels`` or
``fast_channels``, and the core loads whichever is installed.
"""

from __future__ import annotations

import os
from importlib.metadata import EntryPoint, entry_points

ENTRY_POINT_GROUP = "chanx.adapters"
"""The entry-point group adapters register their consumer base class in."""

ADAPTER_ENV_VAR = "CHANX_ADAPTER"
"""Set to ``channels`` or ``fast_channels`` to choose when both adapters are installed."""

INSTALL_HINT = (
    'install an adapter: pip install "chanx[channels]" for Django Channels, or '
    'pip install "chanx[fast_channels]" for FastAPI and other ASGI apps'
)


def installed_adapters() -> dict[str, EntryPoint]:
    """Return the registered adapters by name."""
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def choose_adapter(available: dict[str, EntryPoint]) -> EntryPoint:
    """Pick the adapter to use.

    The ``CHANX_ADAPTER`` environment variable wins. Otherwise a single installed adapter is
    used; with both, ``DJANGO_SETTINGS_MODULE`` being set picks Django Channels, else
    fast-channels.

    Args:
        available: The registered adapters by name.

    Returns:
        The chosen entry point.

    Raises:
        ImportError: When no adapter is installed, or the requested one is not.
    """
    wanted = os.environ.get(ADAPTER_ENV_VAR, "").strip()
    if wanted:
        if wanted not in available:
            have = ", ".join(sorted(available)) or "none"
            msg = f"{ADAPTER_ENV_VAR}={wanted!r} but that adapter is not installed (installed: {have}); {INSTALL_HINT}"
            raise ImportError(msg)
        return available[wanted]
    if not available:
        msg = f"chanx.core.websocket.AsyncJsonWebsocketConsumer needs a framework adapter; {INSTALL_HINT}"
        raise ImportError(msg)
    if len(available) == 1:
        return next(iter(available.values()))
    if os.environ.get("DJANGO_SETTINGS_MODULE") and "channels" in available:
        return available["channels"]
    if "fast_channels" in available:
        return available["fast_channels"]
    return available[sorted(available)[0]]


def load_consumer_base() -> type:
    """Import and return the chosen adapter's ``AsyncJsonWebsocketConsumer``.

    Raises:
        ImportError: When no adapter is installed or it fails to import.
    """
    entry = choose_adapter(installed_adapters())
    loaded = entry.load()
    if not isinstance(loaded, type):
        msg = f"entry point {entry.name} = {entry.value} is not a class"
        raise ImportError(msg)
    return loaded
