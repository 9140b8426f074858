"""The Django soak server: the same consumer on Channels, and the process's live figures.

Served by daphne from this folder: ``daphne chanx_soak_django:application``. It needs no
``DJANGO_SETTINGS_MODULE``: the settings are configured here. The layer is Channels'
in-memory one unless ``REDIS_URL`` is set, then channels_redis' ``RedisChannelLayer`` under
``CHANX_LAYER_PREFIX``.
"""

from __future__ import annotations

import os
from typing import Any

import django
from django.conf import settings


def layer_settings() -> dict[str, Any]:
    """The ``CHANNEL_LAYERS["default"]`` the environment asks for."""
    url = os.environ.get("REDIS_URL")
    if not url:
        return {"BACKEND": "channels.layers.InMemoryChannelLayer"}
    return {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [url], "prefix": os.environ.get("CHANX_LAYER_PREFIX") or "chanx-soak"},
    }


if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="chanx-soak-tests-not-secret",
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        INSTALLED_APPS=[
            "django.contrib.contenttypes",
            "django.contrib.auth",
            "channels",
            "chanx.ext.channels",
        ],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        USE_TZ=True,
        CHANNEL_LAYERS={"default": layer_settings()},
    )
    django.setup()

# Channels and Chanx read the settings configured above.
from channels.layers import get_channel_layer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from chanx_soak_common import NudgeEvent, Receive, Send, SoakHandlers, check_token  # noqa: E402
from chanx_soak_common import stats_app as soak_stats  # noqa: E402

from chanx.core.authenticators import CredentialAuthenticator  # noqa: E402
from chanx.core.layers import ChannelLayer  # noqa: E402
from chanx.ext.channels.routing import path  # noqa: E402
from chanx.ext.channels.websocket import AsyncJsonWebsocketConsumer  # noqa: E402


class SoakConsumer(SoakHandlers, AsyncJsonWebsocketConsumer[NudgeEvent]):
    """The soak behaviour on Channels; the token travels in the query string."""

    authenticator_class = CredentialAuthenticator.using(check_token, location="query")


def default_layer() -> ChannelLayer:
    """The channel layer the consumers use."""
    layer: ChannelLayer = get_channel_layer()
    return layer


async def stats(scope: dict[str, Any], receive: Receive, send: Send) -> None:
    """Answer the stats path over HTTP (see ``chanx_soak_common.stats_app``)."""
    await soak_stats(default_layer, scope, receive, send)


application = ProtocolTypeRouter(
    {"http": stats, "websocket": URLRouter([path("ws/soak", SoakConsumer.as_asgi())])}
)
