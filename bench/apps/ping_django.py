"""Django Channels apps that answer ``ping`` with ``pong`` on ``/ws/ping``, one per contender.

Serve one with ``daphne bench.apps.ping_django:<name>`` from the repository root, with
``DJANGO_SETTINGS_MODULE=bench.apps.ping_django_settings``:

- ``plain``: Channels' own ``AsyncJsonWebsocketConsumer`` with a hand-written ``receive_json``
  that answers ``send_json({"action": "pong", ...})``, what a Channels app without Chanx looks
  like (Channels' stock ``dispatch``, with its per-message database-connection cleanup).
- ``chanx``: Chanx's consumer on Django Channels with one ``@ws_handler`` taking a
  ``PingMessage`` and returning a ``PongMessage``.

Each is a ``ProtocolTypeRouter`` with a ``URLRouter`` of that one route: no authentication or
origin middleware, no channel layer.
"""

from __future__ import annotations

import os
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.apps.ping_django_settings")
django.setup()

from channels.generic.websocket import (  # noqa: E402 - Django must be set up first
    AsyncJsonWebsocketConsumer as ChannelsJsonConsumer,
)
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402

from bench.apps._serving import App, configure_structlog, with_gc_endpoint  # noqa: E402
from chanx.core.decorators import ws_handler  # noqa: E402
from chanx.ext.channels.websocket import AsyncJsonWebsocketConsumer  # noqa: E402
from chanx.messages import PingMessage, PongMessage  # noqa: E402

configure_structlog()


class PlainPing(ChannelsJsonConsumer):  # type: ignore[misc] # Channels is untyped (Any)
    """Channels' JSON consumer answering ``ping`` by hand."""

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        """Answer a ``ping`` with a ``pong``, anything else with an ``error``."""
        action = "pong" if content.get("action") == "ping" else "error"
        await self.send_json({"action": action, "payload": None})


class ChanxPing(AsyncJsonWebsocketConsumer):
    """Chanx's consumer with one handler: ``ping`` in, ``pong`` out."""

    @ws_handler
    async def handle_ping(self, message: PingMessage) -> PongMessage:
        """Answer a ``ping``."""
        return PongMessage()


def channels_app(consumer: Any) -> App:
    """Return a Channels router serving ``consumer`` at ``/ws/ping``, behind ``/bench/gc``."""
    router: App = ProtocolTypeRouter(
        {"websocket": URLRouter([path("ws/ping", consumer.as_asgi())])}
    )
    return with_gc_endpoint(router)


plain = channels_app(PlainPing)
"""Django Channels without Chanx."""
chanx = channels_app(ChanxPing)
"""Chanx on Django Channels."""
