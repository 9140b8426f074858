"""The ``fanout`` scenario on Chanx (fast-channels), and on fast-channels alone for reference.

Serve one with ``uvicorn bench.apps.fanout_chanx:<name>`` from the repository root; the channel
layer comes from the environment (:func:`bench.apps._fanout_wire.channel_layer`: in-memory,
``RedisChannelLayer`` or ``RedisPubSubChannelLayer``, under a key prefix of its own).

- ``chanx``: Chanx's consumer. Members are in the group through ``groups``; the sender's
  ``@ws_handler`` for ``shout`` calls ``broadcast_message(NewsMessage(...), groups=[GROUP])``,
  the public API, so the figure is whatever the installed Chanx does with a broadcast.
- ``plain``: fast-channels' own ``AsyncJsonWebsocketConsumer``: ``receive_json`` calls
  ``group_send`` with the decoded message, each member's handler sends it with ``send_json``
  (an encode per member), what a fast-channels app without Chanx looks like.

Both are FastAPI apps with the two WebSocket routes and the production structlog setup of
:func:`bench.apps._serving.configure_structlog`.
"""

from __future__ import annotations

from typing import Any

from fast_channels.consumer.websocket import (
    AsyncJsonWebsocketConsumer as FastChannelsJsonConsumer,
)
from fast_channels.layers import register_channel_layer
from fastapi import FastAPI
from starlette.routing import BaseRoute, WebSocketRoute

from bench.apps._fanout_messages import NewsMessage, ShoutMessage
from bench.apps._fanout_wire import GROUP, MEMBER_PATH, SENDER_PATH, channel_layer
from bench.apps._serving import configure_structlog
from chanx.core.decorators import ws_handler
from chanx.ext.fast_channels.routing import websocket_route
from chanx.ext.fast_channels.websocket import AsyncJsonWebsocketConsumer


class ChanxMember(AsyncJsonWebsocketConsumer):
    """A member of the group; the sender's class adds nothing but leaves the group out."""

    groups = [GROUP]

    @ws_handler(output_type=NewsMessage)
    async def handle_shout(self, message: ShoutMessage) -> None:
        """Broadcast the shout's payload to the group as ``news``."""
        await self.broadcast_message(NewsMessage(payload=message.payload), groups=[GROUP])


class ChanxSender(ChanxMember):
    """The connection that triggers broadcasts; in no group."""

    groups = []


class PlainMember(FastChannelsJsonConsumer):
    """A member of the group on fast-channels alone."""

    groups = [GROUP]
    channel_layer_alias = "default"

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        """Relay a shout to the group, as decoded."""
        if content.get("action") == "shout" and self.channel_layer is not None:
            await self.channel_layer.group_send(
                GROUP,
                {
                    "type": "fanout.news",
                    "message": {"action": "news", "payload": content["payload"]},
                },
            )

    async def fanout_news(self, event: dict[str, Any]) -> None:
        """Send a relayed shout to this member (encoded here, once per member)."""
        await self.send_json(event["message"])


class PlainSender(PlainMember):
    """The connection that triggers broadcasts; in no group."""

    groups = []


def fastapi_app(*routes: BaseRoute) -> FastAPI:
    """Return a FastAPI app serving ``routes``."""
    app = FastAPI()
    app.router.routes.extend(routes)
    return app


configure_structlog()
register_channel_layer("default", channel_layer())

chanx = fastapi_app(
    websocket_route(MEMBER_PATH, ChanxMember), websocket_route(SENDER_PATH, ChanxSender)
)
"""Chanx on fast-channels."""
plain = fastapi_app(
    WebSocketRoute(MEMBER_PATH, PlainMember.as_asgi()),
    WebSocketRoute(SENDER_PATH, PlainSender.as_asgi()),
)
"""fast-channels without Chanx."""
