"""The bad-input matrix's FastAPI app: the shared consumer on three routes, in-memory layer.

Served by uvicorn from this folder with ``integration_tests/support`` on ``PYTHONPATH``:
``uvicorn chanx_bad_input_app:app``. The consumer is in
``integration_tests/support/chanx_bad_input_consumer.py``, the cases in ``chanx_bad_input.py``.
"""

from __future__ import annotations

from chanx_bad_input_consumer import (
    FLOOD_LIMIT,
    IDLE,
    IDLE_SECONDS,
    LIMITED,
    MAIN,
    BadInputHandlers,
)
from fast_channels.layers import InMemoryChannelLayer, register_channel_layer
from fastapi import FastAPI

from chanx.ext.fast_channels import websocket_route
from chanx.ext.fast_channels.websocket import AsyncJsonWebsocketConsumer

register_channel_layer("default", InMemoryChannelLayer())


class MatrixConsumer(BadInputHandlers, AsyncJsonWebsocketConsumer):
    """The shared consumer on fast-channels."""


class LimitedConsumer(MatrixConsumer):
    """The consumer with a connection rate limit that closes a flood."""

    rate_limit = FLOOD_LIMIT


class IdleConsumer(MatrixConsumer):
    """The consumer with an idle timeout."""

    idle_timeout = IDLE_SECONDS


app = FastAPI(title="Chanx bad-input matrix")
app.router.routes.extend(
    [
        websocket_route(MAIN, MatrixConsumer),
        websocket_route(LIMITED, LimitedConsumer),
        websocket_route(IDLE, IdleConsumer),
    ]
)
