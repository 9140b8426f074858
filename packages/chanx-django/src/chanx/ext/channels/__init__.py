"""Chanx for Django Channels: typed consumers, DRF authentication, routing, AsyncAPI, testing.

This package is also the Django app (``INSTALLED_APPS += ["chanx.ext.channels"]``, label
``chanx_channels``), so importing it loads nothing of Django, Channels or DRF: the names below
are imported from their modules on first access.

- :mod:`chanx.ext.channels.websocket`: ``AsyncJsonWebsocketConsumer``
- :mod:`chanx.ext.channels.authenticator`: ``DjangoAuthenticator``, ``QueryTokenAuthentication``
- :mod:`chanx.ext.channels.routing`: ``path``, ``re_path``, ``include``
- :mod:`chanx.ext.channels.discovery`: ``discover_routes`` (AsyncAPI)
- :mod:`chanx.ext.channels.urls` and :mod:`chanx.ext.channels.views`: the AsyncAPI endpoints
- :mod:`chanx.ext.channels.testing`: ``WebsocketCommunicator``, ``WebsocketTestCase``
- :mod:`chanx.ext.channels.conf`: the ``CHANX`` settings keys and defaults
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chanx.ext.channels.authenticator import DjangoAuthenticator, QueryTokenAuthentication
    from chanx.ext.channels.conf import DEFAULTS
    from chanx.ext.channels.discovery import discover_routes
    from chanx.ext.channels.routing import include, path, re_path
    from chanx.ext.channels.websocket import AsyncJsonWebsocketConsumer

__all__ = [
    "DEFAULTS",
    "AsyncJsonWebsocketConsumer",
    "DjangoAuthenticator",
    "QueryTokenAuthentication",
    "discover_routes",
    "include",
    "path",
    "re_path",
]

_HOMES = {
    "AsyncJsonWebsocketConsumer": "chanx.ext.channels.websocket",
    "DjangoAuthenticator": "chanx.ext.channels.authenticator",
    "QueryTokenAuthentication": "chanx.ext.channels.authenticator",
    "DEFAULTS": "chanx.ext.channels.conf",
    "discover_routes": "chanx.ext.channels.discovery",
    "include": "chanx.ext.channels.routing",
    "path": "chanx.ext.channels.routing",
    "re_path": "chanx.ext.channels.routing",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        msg = f"module {__name__!r} has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value
