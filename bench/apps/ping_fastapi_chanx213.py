# mypy: ignore-errors
# This file runs in a virtualenv with the released chanx 2.13.0 (one distribution, a regular
# `chanx` package), whose API the workspace's `chanx.*` portions do not describe.
"""The released chanx 2.13.0 on fast-channels, answering ``ping`` with ``pong`` on ``/ws/ping``.

Serve it with ``<venv with chanx[fast-channels]==2.13.0>/bin/python -m uvicorn
bench.apps.ping_fastapi_chanx213:chanx`` from the repository root (never with
``DJANGO_SETTINGS_MODULE`` set: 2.13 would then read its settings from Django). The app is
built as :mod:`bench.apps.ping_fastapi`'s ``chanx`` app is, on 2.13's names.
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.routing import WebSocketRoute

from bench.apps._serving import configure_structlog, with_gc_endpoint
from chanx.core.decorators import ws_handler
from chanx.fast_channels.websocket import AsyncJsonWebsocketConsumer
from chanx.messages.incoming import PingMessage
from chanx.messages.outgoing import PongMessage

configure_structlog()


class Ping213(AsyncJsonWebsocketConsumer):
    """chanx 2.13's consumer with one handler: ``ping`` in, ``pong`` out."""

    channel_layer_alias = None
    # 2.13 defaults to True (a sleep(0) after every send); today's default is False.
    send_message_immediately = False

    @ws_handler
    async def handle_ping(self, message: PingMessage) -> PongMessage:
        """Answer a ``ping``."""
        return PongMessage()


def _app():
    app = FastAPI()
    app.router.routes.append(WebSocketRoute("/ws/ping", Ping213.as_asgi()))
    return with_gc_endpoint(app)


chanx = _app()
"""chanx 2.13.0 on fast-channels."""
