"""The bad-input matrix's Django project: the shared consumer on three routes, in one module.

Served by daphne from this folder with ``integration_tests/support`` on ``PYTHONPATH``:
``daphne chanx_bad_input_django:application``. It needs no ``DJANGO_SETTINGS_MODULE``: the
settings (an in-memory channel layer) are configured here. The ``guarded`` handler's permission
is a Django REST framework permission class, as the Django adapter allows.
"""

from __future__ import annotations

from typing import Any

from chanx_django_settings import configure

configure("chanx-bad-input-matrix-not-secret", {"BACKEND": "channels.layers.InMemoryChannelLayer"})

# Channels, DRF and Chanx read the settings configured above.
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from chanx_bad_input_consumer import (  # noqa: E402
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
from rest_framework.permissions import BasePermission  # noqa: E402

from chanx.core.decorators import ws_handler  # noqa: E402
from chanx.ext.channels.routing import path  # noqa: E402
from chanx.ext.channels.websocket import AsyncJsonWebsocketConsumer  # noqa: E402


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
