# mypy: ignore-errors
# This file runs in a virtualenv with the released chanx 2.13.0 (one distribution, a regular
# `chanx` package), whose API the workspace's `chanx.*` portions do not describe.
"""The ``fanout`` scenario on the released chanx 2.13.0 (fast-channels, in-memory layer).

Serve it with ``<venv with chanx[fast-channels]==2.13.0>/bin/python -m uvicorn
bench.apps.fanout_chanx213:app`` from the repository root. The same messages
(``_fanout_messages.py``), routes and handler as ``fanout_chanx.py``'s ``chanx`` app:
``broadcast_message(NewsMessage(...), groups=[GROUP])``, which in 2.13 dumps the message to a
dict once and has every member encode it with ``send_json``. ``send_message_immediately`` is
False, as today's default (2.13 defaulted to True: a ``sleep(0)`` after every send).
"""

from __future__ import annotations

from fast_channels.layers import register_channel_layer
from fastapi import FastAPI
from starlette.routing import WebSocketRoute

from bench.apps._fanout_messages import NewsMessage, ShoutMessage
from bench.apps._fanout_wire import GROUP, MEMBER_PATH, SENDER_PATH, channel_layer
from bench.apps._serving import configure_structlog
from chanx.core.decorators import ws_handler
from chanx.fast_channels.websocket import AsyncJsonWebsocketConsumer


class Member213(AsyncJsonWebsocketConsumer):
    """A member of the group on chanx 2.13.0."""

    groups = [GROUP]
    channel_layer_alias = "default"
    send_message_immediately = False

    @ws_handler(output_type=NewsMessage)
    async def handle_shout(self, message: ShoutMessage) -> None:
        """Broadcast the shout's payload to the group as ``news``."""
        await self.broadcast_message(NewsMessage(payload=message.payload), groups=[GROUP])


class Sender213(Member213):
    """The connection that triggers broadcasts; in no group."""

    groups = []


configure_structlog()
register_channel_layer("default", channel_layer())

app = FastAPI()
app.router.routes.extend(
    [
        WebSocketRoute(MEMBER_PATH, Member213.as_asgi()),
        WebSocketRoute(SENDER_PATH, Sender213.as_asgi()),
    ]
)
"""The app uvicorn serves."""
