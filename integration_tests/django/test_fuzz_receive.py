"""Whatever a client sends, a Django Channels consumer behind a ``URLRouter`` answers and goes on.

The properties are ``chanx_fuzz.FuzzReceiveSuite``'s; this module routes its consumers with
Channels' ``URLRouter`` and drives them with the adapter's communicator (Channels' receive loop
and ``dispatch``), on a fresh in-memory layer. The other Django tests run their projects in
server processes, so this process configures Django for itself, with the least these need.
"""

from __future__ import annotations

from typing import Any

import django
import pytest
from chanx_fuzz import FuzzReceiveSuite
from chanx_fuzz_consumer import CamelFuzzHandlers, FuzzHandlers
from django.conf import settings

if not settings.configured:
    settings.configure(
        SECRET_KEY="chanx-fuzz-tests-not-secret",
        INSTALLED_APPS=[
            "django.contrib.contenttypes",
            "django.contrib.auth",
            "channels",
            "chanx.ext.channels",
        ],
        USE_TZ=True,
        CHANNEL_LAYERS={"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}},
    )
    django.setup()

# The adapter's modules import Django's auth models, which need the settings above.
from chanx.ext.channels.routing import URLRouter, path
from chanx.ext.channels.testing import WebsocketCommunicator
from chanx.ext.channels.websocket import AsyncJsonWebsocketConsumer


class FuzzConsumer(FuzzHandlers, AsyncJsonWebsocketConsumer):
    """The suite's handlers, snake_case keys."""


class CamelFuzzConsumer(CamelFuzzHandlers, AsyncJsonWebsocketConsumer):
    """The suite's handlers, camelCase keys."""


CONSUMERS: dict[str, type[AsyncJsonWebsocketConsumer]] = {
    "snake_case": FuzzConsumer,
    "camelCase": CamelFuzzConsumer,
}
PATHS = {"snake_case": "ws/fuzz/", "camelCase": "ws/fuzz-camel/"}
application = URLRouter(
    [path(PATHS[style], consumer.as_asgi()) for style, consumer in CONSUMERS.items()]
)


class TestChannelsReceivePath(FuzzReceiveSuite):
    """The receive-path properties through Channels' URL routing."""

    @pytest.fixture(autouse=True)
    def fresh_layer(self, chanx_channels_layers: dict[str, Any]) -> None:
        """Every test on a new in-memory layer (the adapter's pytest plugin's fixture)."""

    def communicator(self, key_style: str) -> WebsocketCommunicator:
        """A communicator routed to the consumer of ``key_style``."""
        return WebsocketCommunicator(
            application, f"/{PATHS[key_style]}", consumer=CONSUMERS[key_style], timeout=2.0
        )
