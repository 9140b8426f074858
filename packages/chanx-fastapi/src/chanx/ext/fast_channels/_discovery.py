"""Walk a Starlette or FastAPI application's routes and find the Chanx consumers in them."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from typing import Any

from starlette.convertors import (
    Convertor,
    FloatConvertor,
    IntegerConvertor,
    PathConvertor,
    StringConvertor,
    UUIDConvertor,
)
from starlette.routing import BaseRoute, Host, Mount, Router, WebSocketRoute, compile_path

from chanx.asyncapi import PathParameter, RouteRecord
from chanx.core import ChanxWebsocketMixin

_MAX_WRAPPERS = 16
"""How many middleware layers (objects holding the next app in ``.app``) are looked through."""

_KINDS: dict[type[Any], str] = {
    StringConvertor: "str",
    PathConvertor: "path",
    IntegerConvertor: "int",
    FloatConvertor: "float",
    UUIDConvertor: "uuid",
}


def _unwrap(app: object) -> Iterator[object]:
    """Yield ``app`` and each object it wraps through ``.app`` (middleware), outermost first."""
    seen: set[int] = set()
    current: object | None = app
    for _ in range(_MAX_WRAPPERS):
        if current is None or id(current) in seen:
            return
        seen.add(id(current))
        yield current
        current = getattr(current, "app", None)


def consumer_of(endpoint: object) -> type[ChanxWebsocketMixin[Any]] | None:
    """Return the Chanx consumer class behind a routed ASGI endpoint, or None.

    ``Consumer.as_asgi()`` carries its class as ``consumer_class``; ASGI middleware around it
    is looked through.

    Args:
        endpoint: What a route serves.

    Returns:
        The consumer class, or None for anything else (a plain WebSocket function, an app).
    """
    for item in _unwrap(endpoint):
        found = getattr(item, "consumer_class", None)
        if isinstance(found, type) and issubclass(found, ChanxWebsocketMixin):
            return found
    return None


def routes_of(app: object) -> list[BaseRoute] | None:
    """Return the routes of a Starlette or FastAPI app or router, middleware looked through.

    Args:
        app: An application, a router, or middleware wrapping one.

    Returns:
        Its routes, or None when ``app`` is not a Starlette application or router.
    """
    for item in _unwrap(app):
        if isinstance(item, Router):
            return list(item.routes)
        router = getattr(item, "router", None)
        if isinstance(router, Router):
            return list(router.routes)
    return None


def _kind(convertor: Convertor[Any]) -> str:
    for cls in type(convertor).__mro__:
        if cls in _KINDS:
            return _KINDS[cls]
    return str(convertor.regex)


def _parameters(convertors: dict[str, Convertor[Any]]) -> tuple[PathParameter, ...]:
    return tuple(PathParameter(name, kind=_kind(conv)) for name, conv in convertors.items())


@dataclasses.dataclass(frozen=True)
class _Found:
    path: str
    consumer: type[ChanxWebsocketMixin[Any]]
    convertors: dict[str, Convertor[Any]]


def _walk(
    routes: Iterable[BaseRoute],
    prefix: str,
    convertors: dict[str, Convertor[Any]],
    depth: int,
) -> Iterator[_Found]:
    if depth > _MAX_WRAPPERS:
        return
    for route in routes:
        if isinstance(route, WebSocketRoute):
            consumer = consumer_of(route.endpoint)
            if consumer is not None:
                yield _Found(
                    prefix + route.path, consumer, {**convertors, **route.param_convertors}
                )
        elif isinstance(route, Mount):
            mounted = {**convertors, **compile_path(route.path)[2]}
            children = routes_of(route.app)
            if children is not None:
                yield from _walk(children, prefix + route.path, mounted, depth + 1)
                continue
            consumer = consumer_of(route.app)
            if consumer is not None:
                # A consumer mounted directly serves every path below the mount.
                yield _Found(prefix + route.path, consumer, mounted)
        elif isinstance(route, Host):
            children = routes_of(route.app)
            if children is not None:
                yield from _walk(children, prefix, convertors, depth + 1)


def find_consumers(app: object) -> list[_Found] | None:
    """Return every Chanx consumer route of an app, in routing order, or None for a non-app."""
    routes = routes_of(app)
    if routes is None:
        return None
    return list(_walk(routes, "", {}, 0))


def discover_routes(app: object) -> list[RouteRecord] | None:
    """Return the route records of the Chanx consumers a Starlette or FastAPI app routes.

    Routers, mounted sub-applications, ``Host`` routes and middleware around any of them are
    walked; a route's address is the mount prefixes joined with its own path, and Starlette
    converters (``{room_id:int}``) become the parameters' kinds. WebSocket routes that do not
    serve a Chanx consumer (a plain ``@app.websocket`` function) are skipped.

    Registered in the ``chanx.asyncapi.discovery`` entry-point group, so
    ``chanx.asyncapi.discover_routes`` and ``chanx asyncapi myapp.main:app`` use it.

    Args:
        app: A FastAPI or Starlette application, a router, or middleware wrapping one.

    Returns:
        The records, or None when ``app`` is not a Starlette application or router.
    """
    found = find_consumers(app)
    if found is None:
        return None
    return [RouteRecord(f.path, f.consumer, _parameters(f.convertors)) for f in found]


def consumer_for_path(app: object, path: str) -> type[ChanxWebsocketMixin[Any]] | None:
    """Return the consumer class an app routes ``path`` to, or None when none does.

    Args:
        app: A FastAPI or Starlette application, a router, or middleware wrapping one.
        path: A request path, without the query string.

    Returns:
        The first matching route's consumer class, or None.
    """
    for found in find_consumers(app) or ():
        if compile_path(found.path)[0].match(path):
            return found.consumer
    return None
