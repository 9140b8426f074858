# mypy: ignore-errors
# This file runs in a virtualenv with the released chanx 2.13.0 (one distribution, a regular
# `chanx` package), whose API the workspace's `chanx.*` portions do not describe.
"""The released chanx 2.13.0 on Django Channels, answering ``ping`` with ``pong`` on ``/ws/ping``.

Serve it with ``<venv with chanx[channels]==2.13.0>/bin/python -m daphne
bench.apps.ping_django_chanx213:chanx`` from the repository root, with
``DJANGO_SETTINGS_MODULE=bench.apps.ping_django_settings`` (which lists 2.13's
``chanx.channels`` app there). The app is built as :mod:`bench.apps.ping_django`'s ``chanx``
app is, on 2.13's names.
"""

from __future__ import annotations

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.apps.ping_django_settings")
django.setup()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402

from bench.apps._serving import configure_structlog, with_gc_endpoint  # noqa: E402
from chanx.channels.websocket import AsyncJsonWebsocketConsumer  # noqa: E402
from chanx.core.decorators import ws_handler  # noqa: E402
from chanx.messages.incoming import PingMessage  # noqa: E402
from chanx.messages.outgoing import PongMessage  # noqa: E402

configure_structlog()


class Ping213(AsyncJsonWebsocketConsumer):
    """chanx 2.13's consumer with one handler: ``ping`` in, ``pong`` out."""

    # The settings module already turns it off; said here too, as on fast-channels.
    send_message_immediately = False

    @ws_handler
    async def handle_ping(self, message: PingMessage) -> PongMessage:
        """Answer a ``ping``."""
        return PongMessage()


chanx = with_gc_endpoint(
    ProtocolTypeRouter({"websocket": URLRouter([path("ws/ping", Ping213.as_asgi())])})
)
"""chanx 2.13.0 on Django Channels."""
