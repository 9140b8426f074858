"""A one-module Django project on channels_redis, for the Redis fault tests.

Served by daphne from this folder: ``daphne chanx_redis_fault_django:application``. It needs no
``DJANGO_SETTINGS_MODULE``: the settings are configured here, from ``REDIS_URL``,
``CHANX_LAYER`` (``redis`` for ``channels_redis.core.RedisChannelLayer``, ``pubsub`` for
``channels_redis.pubsub.RedisPubSubChannelLayer``) and ``CHANX_LAYER_PREFIX``; ``PYTHONPATH``
reaches ``integration_tests/support``, where the consumer's handlers are.
"""

from __future__ import annotations

import os

from chanx_django_settings import configure

BACKENDS = {
    "redis": "channels_redis.core.RedisChannelLayer",
    "pubsub": "channels_redis.pubsub.RedisPubSubChannelLayer",
}

configure(
    "chanx-redis-fault-tests-not-secret",
    {
        "BACKEND": BACKENDS[os.environ.get("CHANX_LAYER") or "redis"],
        "CONFIG": {
            "hosts": [os.environ["REDIS_URL"]],
            "prefix": os.environ.get("CHANX_LAYER_PREFIX") or "chanx-fault",
        },
    },
)

# Channels and Chanx read the settings configured above.
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from chanx_redis_fault_consumer import AnnounceEvent, FaultHandlers, plain_logging  # noqa: E402

from chanx.ext.channels.routing import path  # noqa: E402
from chanx.ext.channels.websocket import AsyncJsonWebsocketConsumer  # noqa: E402

plain_logging()


class FaultConsumer(FaultHandlers, AsyncJsonWebsocketConsumer[AnnounceEvent]):
    """The fault tests' handlers on Django Channels."""


application = ProtocolTypeRouter(
    {"websocket": URLRouter([path("ws/room/", FaultConsumer.as_asgi())])}
)
