"""The bad-input matrix's Django project: the shared consumer on three routes, in one module.

Served by daphne from this folder with ``integration_tests/support`` on ``PYTHONPATH``:
``daphne chanx_bad_input_django:application``. It needs no ``DJANGO_SETTINGS_MODULE``: the
settings (an in-memory channel layer) are configured here. The ``guarded`` handler's permission
is a Django REST framework permission class, as the Django adapter allows.
"""

from __future__ import annotations

from typing import Any

import django
from django.conf import settings

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="chanx-bad-input-matrix-not-secret",
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        INSTALLED_APPS=[
            "django.contrib.contenttypes",
            "django.contrib.auth",
            "channels",
            "chanx.ext.channels",
        ],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        USE_TZ=True,
        CHANNEL_LAYERS={"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}},
    )
    django.setup()

# Channels, DRF and Chanx read the settings configured above.
from channels.routing import ProtocolTypeRouter, URLRouter
from chanx_bad_input_consumer import (
    FLOOD_LIMIT,
    FORBIDDEN,
    IDLE,
    IDLE_SECONDS,
    LIMITED,
    MAIN,
    BadInputHandlers,
    GuardedMessage,
    ReplyMessage,
)
from rest_framework.permissions import BasePermission

from chanx.core.decorators import ws_handler
from chanx.ext.channels.routing import path
from chanx.ext.channels.websocket import AsyncJsonWebsocketConsumer


class PayloadAllowed(BasePermission):  # type: ignore[misc] # DRF ships no types
    """Refuse a ``guarded`` frame whose payload is ``FORBIDDEN``, as a DRF view permission."""

    def has_permission(self, request: Any, view: Any) -> bool:
        """Look at the frame through ``view.message``."""
        return bool(view.message.payload != FORBIDDEN)


class MatrixConsumer(BadInputHandlers, AsyncJsonWebsocketConsumer):
    """The shared consumer on Django Channels, ``guarded`` checked by a DRF permission class."""

    @ws_handler(permissions=[PayloadAllowed])
    async def handle_guarded(self, message: GuardedMessage) -> ReplyMessage:
        """Count a frame the permission let through."""
        return await super().handle_guarded(message)


class LimitedConsumer(MatrixConsumer):
    """The consumer with a connection rate limit that closes a flood."""

    rate_limit = FLOOD_LIMIT


class IdleConsumer(MatrixConsumer):
    """The consumer with an idle timeout."""

    idle_timeout = IDLE_SECONDS


application = ProtocolTypeRouter(
    {
        "websocket": URLRouter(
            [
                path(MAIN.lstrip("/"), MatrixConsumer.as_asgi()),
                path(LIMITED.lstrip("/"), LimitedConsumer.as_asgi()),
                path(IDLE.lstrip("/"), IdleConsumer.as_asgi()),
            ]
        )
    }
)
