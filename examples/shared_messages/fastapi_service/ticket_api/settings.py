"""The FastAPI service's channel layer: Redis, so the worker's events reach its clients.

``REDIS_URL``
    The Redis server (default ``redis://127.0.0.1:6379/0``).
``FASTAPI_LAYER_PREFIX``
    The prefix of the service's Redis keys (default ``tickets-fastapi``). The worker reads the
    same variable, so both talk to the same keys.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from fast_channels.layers import register_channel_layer
from fast_channels.layers.redis import RedisChannelLayer

LAYER_ALIAS = "default"
"""The alias the consumers use (``channel_layer_alias`` of Chanx's fast-channels consumer)."""

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
DEFAULT_PREFIX = "tickets-fastapi"


def configure_channel_layer(environ: Mapping[str, str] = os.environ) -> RedisChannelLayer:
    """Register the service's Redis channel layer under :data:`LAYER_ALIAS` and return it.

    The web process calls it at import; any other process that sends events to the service's
    consumers (the worker, a script) calls it once before sending.

    Args:
        environ: Where ``REDIS_URL`` and ``FASTAPI_LAYER_PREFIX`` are read from.

    Returns:
        The registered layer.
    """
    layer = RedisChannelLayer(
        hosts=[environ.get("REDIS_URL") or DEFAULT_REDIS_URL],
        prefix=environ.get("FASTAPI_LAYER_PREFIX") or DEFAULT_PREFIX,
    )
    register_channel_layer(LAYER_ALIAS, layer)
    return layer
