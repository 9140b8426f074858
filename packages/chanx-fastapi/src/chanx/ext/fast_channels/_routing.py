"""Mounting consumers on Starlette and FastAPI routers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from starlette.middleware import Middleware
from starlette.routing import WebSocketRoute

from chanx.ext.fast_channels._consumer import AsyncJsonWebsocketConsumer


def websocket_route(
    path: str,
    consumer: type[AsyncJsonWebsocketConsumer[Any]],
    *,
    name: str | None = None,
    middleware: Sequence[Middleware] | None = None,
    **initkwargs: Any,
) -> WebSocketRoute:
    """Return a Starlette route that serves ``consumer`` at ``path``.

    FastAPI's ``add_api_websocket_route`` and ``@app.websocket`` take endpoint functions, not
    ASGI apps; this route serves the consumer as the ASGI app it is. Add it with
    ``app.router.routes.append(...)``, or list it in ``routes=[...]`` of ``FastAPI``,
    ``APIRouter``, ``Starlette`` or ``Router``. Path parameters (``{room_id:int}``) reach the
    consumer as ``self.handshake.path_params``.

    Args:
        path: The route's path in Starlette syntax, starting with ``/``.
        consumer: The consumer class.
        name: The route's name, for ``url_path_for``; the class name when not given.
        middleware: Starlette middleware around the consumer, such as authentication.
        **initkwargs: Passed to ``consumer.as_asgi()``, which passes them to the consumer's
            ``__init__`` for every connection.

    Returns:
        The route.
    """
    return WebSocketRoute(
        path,
        consumer.as_asgi(**initkwargs),
        name=name or consumer.__name__,
        middleware=middleware,
    )
