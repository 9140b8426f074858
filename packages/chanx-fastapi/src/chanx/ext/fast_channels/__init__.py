"""Chanx for FastAPI, Starlette and any ASGI app, on fast-channels.

The consumer base class is :class:`chanx.ext.fast_channels.websocket.AsyncJsonWebsocketConsumer`;
:func:`~chanx.ext.fast_channels.routing.websocket_route` mounts it. This module also holds the
AsyncAPI endpoints: :func:`asyncapi_router` serves the document as JSON and YAML and the docs
page, and :func:`asyncapi_spec_json`, :func:`asyncapi_spec_yaml` and :func:`asyncapi_docs` are
the same as views to route yourself, configured by :class:`AsyncAPIConfig`.

Names are imported on first use, so importing the consumer module or the pytest plugin does
not import FastAPI.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chanx.ext.fast_channels._asyncapi import (
        AsyncAPIConfig,
        asyncapi_docs,
        asyncapi_router,
        asyncapi_spec_json,
        asyncapi_spec_yaml,
    )
    from chanx.ext.fast_channels._consumer import AsyncJsonWebsocketConsumer
    from chanx.ext.fast_channels._routing import websocket_route

__all__ = [
    "AsyncAPIConfig",
    "AsyncJsonWebsocketConsumer",
    "asyncapi_docs",
    "asyncapi_router",
    "asyncapi_spec_json",
    "asyncapi_spec_yaml",
    "websocket_route",
]

_HOMES = {
    "AsyncAPIConfig": "_asyncapi",
    "AsyncJsonWebsocketConsumer": "_consumer",
    "asyncapi_docs": "_asyncapi",
    "asyncapi_router": "_asyncapi",
    "asyncapi_spec_json": "_asyncapi",
    "asyncapi_spec_yaml": "_asyncapi",
    "websocket_route": "_routing",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        msg = f"module {__name__!r} has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
