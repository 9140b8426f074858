"""Configuration from the environment, and the channel layer it selects.

``REDIS_URL``
    Unset: an in-memory channel layer (one process) and jobs run inside the web process.
    Set: a Redis channel layer shared by every process, and jobs go to the arq worker.
``CHANX_LAYER``
    ``memory``, ``redis`` (the list-based ``RedisChannelLayer``, the default with Redis) or
    ``pubsub`` (``RedisPubSubChannelLayer``).
``CHANX_LAYER_PREFIX``
    The prefix of every Redis key the layer and the job queue use (default ``fastapi-chat``),
    so several apps, or test runs, can share one Redis.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping

from fast_channels.layers import BaseChannelLayer, InMemoryChannelLayer, register_channel_layer

LAYER_ALIAS = "default"
"""The alias every consumer of this app uses (``channel_layer_alias``)."""


@dataclasses.dataclass(frozen=True)
class Settings:
    """The app's configuration."""

    redis_url: str | None
    """The Redis server, or None to run in one process without Redis."""
    layer: str
    """``memory``, ``redis`` or ``pubsub``."""
    prefix: str
    """The prefix of the app's Redis keys."""

    @property
    def job_queue(self) -> str:
        """The arq queue the web process enqueues to and the worker reads."""
        return f"{self.prefix}:jobs"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        """Read the settings from environment variables.

        Raises:
            ValueError: When ``CHANX_LAYER`` is unknown, or needs Redis and ``REDIS_URL`` is
                unset.
        """
        redis_url = environ.get("REDIS_URL") or None
        layer = environ.get("CHANX_LAYER") or ("redis" if redis_url else "memory")
        if layer not in ("memory", "redis", "pubsub"):
            msg = f"CHANX_LAYER={layer!r}: expected memory, redis or pubsub"
            raise ValueError(msg)
        if layer != "memory" and redis_url is None:
            msg = f"CHANX_LAYER={layer} needs REDIS_URL"
            raise ValueError(msg)
        prefix = environ.get("CHANX_LAYER_PREFIX") or "fastapi-chat"
        return cls(redis_url=redis_url, layer=layer, prefix=prefix)


def build_channel_layer(settings: Settings) -> BaseChannelLayer:
    """Create the channel layer the settings ask for.

    Args:
        settings: The app's settings.

    Returns:
        A new, unregistered layer.
    """
    if settings.layer == "memory" or settings.redis_url is None:
        return InMemoryChannelLayer()
    # Imported here: the Redis layers need the "redis" extra of fast-channels.
    from fast_channels.layers.redis import RedisChannelLayer, RedisPubSubChannelLayer

    if settings.layer == "pubsub":
        return RedisPubSubChannelLayer(hosts=[settings.redis_url], prefix=settings.prefix)
    return RedisChannelLayer(hosts=[settings.redis_url], prefix=settings.prefix)


def configure_channel_layer(settings: Settings) -> BaseChannelLayer:
    """Register the app's channel layer under :data:`LAYER_ALIAS` and return it.

    Every process that talks to consumers calls this once: the web server, the arq worker and
    any script that sends events.

    Args:
        settings: The app's settings.

    Returns:
        The registered layer.
    """
    layer = build_channel_layer(settings)
    register_channel_layer(LAYER_ALIAS, layer)
    return layer
