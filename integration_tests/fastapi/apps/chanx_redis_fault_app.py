"""A FastAPI app on a Redis channel layer, for the Redis fault tests.

Served by uvicorn from this folder: ``uvicorn chanx_redis_fault_app:app``. The environment picks
the layer: ``REDIS_URL``, ``CHANX_LAYER`` (``redis`` for the list-based ``RedisChannelLayer``,
``pubsub`` for ``RedisPubSubChannelLayer``) and ``CHANX_LAYER_PREFIX``; ``PYTHONPATH`` reaches
``integration_tests/support``, where the consumer's handlers are.
"""

from __future__ import annotations

import os

from chanx_redis_fault_consumer import AnnounceEvent, FaultHandlers, plain_logging
from fast_channels.layers import BaseChannelLayer, register_channel_layer
from fast_channels.layers.redis import RedisChannelLayer, RedisPubSubChannelLayer
from fastapi import FastAPI

from chanx.ext.fast_channels import websocket_route
from chanx.ext.fast_channels.websocket import AsyncJsonWebsocketConsumer


def build_layer() -> BaseChannelLayer:
    """The layer the environment names, on the Redis it names."""
    url = os.environ["REDIS_URL"]
    prefix = os.environ.get("CHANX_LAYER_PREFIX") or "chanx-fault"
    if os.environ.get("CHANX_LAYER") == "pubsub":
        return RedisPubSubChannelLayer(hosts=[url], prefix=prefix)
    return RedisChannelLayer(hosts=[url], prefix=prefix)


plain_logging()
register_channel_layer("default", build_layer())


class FaultConsumer(FaultHandlers, AsyncJsonWebsocketConsumer[AnnounceEvent]):
    """The fault tests' handlers on fast-channels."""


app = FastAPI(title="Chanx Redis faults")
app.router.routes.append(websocket_route("/ws/room", FaultConsumer))
