"""FastAPI apps that answer ``ping`` with ``pong`` on ``/ws/ping``, one per contender.

Serve one with ``uvicorn bench.apps.ping_fastapi:<name>`` from the repository root:

- ``plain``: fast-channels' own ``AsyncJsonWebsocketConsumer`` with a hand-written
  ``receive_json`` that answers ``send_json({"action": "pong", ...})``, what a fast-channels
  app without Chanx looks like.
- ``chanx``: Chanx's consumer on fast-channels with one ``@ws_handler`` taking a
  ``PingMessage`` and returning a ``PongMessage``, message logging off.
- ``chanx_logged``: the same consumer with ``log_websocket_message = True``.

Every app is a FastAPI app with that one WebSocket route, no channel layer (the consumers join
no group) and the production structlog setup of :func:`bench.apps._serving.configure_structlog`.
"""

from __future__ import annotations

from typing import Any

from fast_channels.consumer.websocket import (
    AsyncJsonWebsocketConsumer as FastChannelsJsonConsumer,
)
from fastapi import FastAPI
from starlette.routing import BaseRoute, WebSocketRoute

from bench.apps._serving import App, configure_structlog, with_gc_endpoint
from chanx.core.decorators import ws_handler
from chanx.ext.fast_channels.routing import websocket_route
from chanx.ext.fast_channels.websocket import AsyncJsonWebsocketConsumer
from chanx.messages import PingMessage, PongMessage

PATH = "/ws/ping"
"""Where every app serves its consumer."""

configure_structlog()


class PlainPing(FastChannelsJsonConsumer):
    """fast-channels' JSON consumer answering ``ping`` by hand."""

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        """Answer a ``ping`` with a ``pong``, anything else with an ``error``."""
        action = "pong" if content.get("action") == "ping" else "error"
        await self.send_json({"action": action, "payload": None})


class ChanxPing(AsyncJsonWebsocketConsumer):
    """Chanx's consumer with one handler: ``ping`` in, ``pong`` out."""

    channel_layer_alias = None

    @ws_handler
    async def handle_ping(self, message: PingMessage) -> PongMessage:
        """Answer a ``ping``."""
        return PongMessage()


class LoggedChanxPing(ChanxPing):
    """:class:`ChanxPing` logging every frame it receives and sends."""

    log_websocket_message = True


def fastapi_app(route: BaseRoute) -> App:
    """Return a FastAPI app serving ``route`` alone, behind the ``/bench/gc`` endpoint."""
    app = FastAPI()
    app.router.routes.append(route)
    return with_gc_endpoint(app)


plain = fastapi_app(WebSocketRoute(PATH, PlainPing.as_asgi()))
"""fast-channels without Chanx."""
chanx = fastapi_app(websocket_route(PATH, ChanxPing))
"""Chanx on fast-channels, message logging off."""
chanx_logged = fastapi_app(websocket_route(PATH, LoggedChanxPing))
"""Chanx on fast-channels, message logging on."""
