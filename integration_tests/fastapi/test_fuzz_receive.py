"""Whatever a client sends, a fast-channels consumer behind a FastAPI route answers and goes on.

The properties are ``chanx_fuzz.FuzzReceiveSuite``'s; this module routes its consumers in a
FastAPI app and drives them with the adapter's communicator, on a fresh in-memory layer.
"""

from __future__ import annotations

import pytest
from chanx_fuzz import FuzzReceiveSuite
from chanx_fuzz_consumer import CamelFuzzHandlers, FuzzHandlers
from fast_channels.layers import InMemoryChannelLayer
from fastapi import FastAPI

from chanx.ext.fast_channels.routing import websocket_route
from chanx.ext.fast_channels.testing import WebsocketCommunicator
from chanx.ext.fast_channels.websocket import AsyncJsonWebsocketConsumer


class FuzzConsumer(FuzzHandlers, AsyncJsonWebsocketConsumer):
    """The suite's handlers, snake_case keys."""


class CamelFuzzConsumer(CamelFuzzHandlers, AsyncJsonWebsocketConsumer):
    """The suite's handlers, camelCase keys."""


PATHS = {"snake_case": "/ws/fuzz", "camelCase": "/ws/fuzz-camel"}
app = FastAPI()
app.router.routes.append(websocket_route(PATHS["snake_case"], FuzzConsumer))
app.router.routes.append(websocket_route(PATHS["camelCase"], CamelFuzzConsumer))


class TestFastChannelsReceivePath(FuzzReceiveSuite):
    """The receive-path properties through a FastAPI app's WebSocket routes."""

    @pytest.fixture(autouse=True)
    def fresh_layer(self, chanx_fast_channels_layers: dict[str, InMemoryChannelLayer]) -> None:
        """Every test on a new in-memory layer (the adapter's pytest plugin's fixture)."""

    def communicator(self, key_style: str) -> WebsocketCommunicator:
        """A communicator routed through the app to the consumer of ``key_style``."""
        return WebsocketCommunicator(app, PATHS[key_style], timeout=2.0)
