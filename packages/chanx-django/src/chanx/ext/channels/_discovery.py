"""Find the Chanx consumers a Channels application routes, for the AsyncAPI document.

Registered in the ``chanx.asyncapi.discovery`` entry-point group, so ``chanx asyncapi
myproject.asgi:application`` and :func:`chanx.asyncapi.discover_routes` understand Channels
applications.
"""

from __future__ import annotations

import inspect
from typing import Any

from channels.consumer import AsyncConsumer
from channels.routing import ProtocolTypeRouter, URLRouter

from chanx.asyncapi import PathParameter, RouteRecord, normalize_address
from chanx.core import ChanxWebsocketMixin

WRAPPER_ATTRIBUTES = ("inner", "application")
"""Where middleware keeps the application it wraps: ``inner`` for Channels' middleware
(``AuthMiddlewareStack``, ``SessionMiddleware``, ``BaseMiddleware`` subclasses), ``application``
for ``OriginValidator`` / ``AllowedHostsOriginValidator``."""


def unwrap(app: object) -> object:
    """Return the application inside any middleware around ``app``.

    Stops at a ``ProtocolTypeRouter``, a ``URLRouter``, a consumer application
    (``Consumer.as_asgi()``), or an object that wraps nothing.

    Args:
        app: An ASGI application.
    """
    seen: set[int] = set()
    while id(app) not in seen:
        seen.add(id(app))
        if isinstance(app, ProtocolTypeRouter | URLRouter) or consumer_class(app) is not None:
            return app
        for attribute in WRAPPER_ATTRIBUTES:
            inner = getattr(app, attribute, None)
            if inner is not None and callable(inner):
                app = inner
                break
        else:
            return app
    return app


def consumer_class(app: object) -> type[Any] | None:
    """Return the consumer class of a ``Consumer.as_asgi()`` application, else None."""
    cls = getattr(app, "consumer_class", None)
    return cls if inspect.isclass(cls) else None


def discover_routes(application: object) -> list[RouteRecord] | None:
    """Return the routes of a Channels application's Chanx consumers.

    Follows a ``ProtocolTypeRouter`` to its ``"websocket"`` application, through middleware
    and nested ``URLRouter`` s (their prefixes joined), to each ``Consumer.as_asgi()``.
    Consumers that are not Chanx consumers are left out. ``path()`` converters (``<int:pk>``)
    and ``re_path()`` named groups become ``{pk}`` parameters.

    Args:
        application: The project's ASGI application (``settings.ASGI_APPLICATION``), a
            ``URLRouter``, or middleware around one.

    Returns:
        The route records, or None when ``application`` is not a Channels application.
    """
    app = unwrap(application)
    if isinstance(app, ProtocolTypeRouter):
        websocket = app.application_mapping.get("websocket")
        if websocket is None:
            return []
        app = unwrap(websocket)
    if isinstance(app, URLRouter):
        return _walk(app, "", {})
    cls = consumer_class(app)
    if cls is not None and issubclass(cls, AsyncConsumer):
        # One Channels consumer serving every path.
        return [_record("/", cls, {})] if _is_chanx(cls) else []
    return None


def _walk(router: Any, prefix: str, kinds: dict[str, str | None]) -> list[RouteRecord]:
    records: list[RouteRecord] = []
    for route in router.routes:
        address = normalize_address(str(route.pattern))
        # Django joins a prefix and a nested route as they are written ("ws/" + "chat/"); the
        # normalised address adds a leading slash, dropped again below a prefix.
        joined = address.address if not prefix else prefix + address.address[1:]
        found = {**kinds, **address.kinds}
        target = unwrap(route.callback)
        if isinstance(target, URLRouter):
            records.extend(_walk(target, joined, found))
            continue
        cls = consumer_class(target)
        if cls is not None and _is_chanx(cls):
            records.append(_record(joined, cls, found))
    return records


def _is_chanx(cls: type[Any]) -> bool:
    return issubclass(cls, ChanxWebsocketMixin)


def _record(address: str, cls: type[Any], kinds: dict[str, str | None]) -> RouteRecord:
    parameters = tuple(
        PathParameter(name, kind=kinds.get(name)) for name in normalize_address(address).kinds
    )
    return RouteRecord(address, cls, parameters=parameters)
