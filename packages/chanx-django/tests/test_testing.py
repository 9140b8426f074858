"""Test tools: the communicator's Django defaults, WebsocketTestCase, the pytest fixture."""

from __future__ import annotations

import io
import unittest
from typing import Any, ClassVar

import pytest
from channels.layers import InMemoryChannelLayer, get_channel_layer
from chanx_django_testproject.consumers import EchoConsumer, RoomConsumer
from chanx_django_testproject.models import Room
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token

from chanx.ext.channels.testing import WebsocketCommunicator, WebsocketTestCase
from chanx.messages import PingMessage


class CamelEcho(EchoConsumer):
    camelize = True


async def test_host_and_origin_default_to_testserver(application: Any) -> None:
    """Without headers the communicator passes AllowedHostsOriginValidator, like the test client."""
    ws = WebsocketCommunicator(application, "/ws/echo/")
    assert (b"host", b"testserver") in ws.scope["headers"]
    assert (b"origin", b"http://testserver") in ws.scope["headers"]
    async with ws:
        assert ws.connected


async def test_an_explicit_foreign_origin_is_kept_and_refused(application: Any) -> None:
    """A given Origin header is not replaced: a foreign origin is denied by the validator."""
    ws = WebsocketCommunicator(application, "/ws/echo/", {"Origin": "https://evil.example"})
    connected, _ = await ws.connect()
    assert not connected
    await ws.wait()
    assert ws.finished


@pytest.mark.django_db(transaction=True)
async def test_wait_for_auth_and_the_ok_assertion(application: Any) -> None:
    """wait_for_auth returns the frame as a message; the assertion fails with the status."""
    ok = WebsocketCommunicator(application, "/ws/echo/")
    refused = WebsocketCommunicator(application, "/ws/rooms/1/")
    async with refused:
        with pytest.raises(AssertionError, match="authentication failed: 401"):
            await refused.assert_authenticated_status_ok()
    async with ok:
        await ok.send_message(PingMessage())
        with pytest.raises(AssertionError, match="expected authentication"):
            await ok.wait_for_auth()


class CamelRoom(RoomConsumer):
    camelize = True


@pytest.mark.django_db(transaction=True)
async def test_wait_for_auth_reads_camelized_frames() -> None:
    """A camelCase consumer's statusCode is read back as status_code."""
    ws = WebsocketCommunicator(CamelRoom.as_asgi(), "/rooms/1/", consumer=CamelRoom)
    async with ws:
        message = await ws.wait_for_auth()
        assert (message.payload.status_code, message.payload.status_text) == (
            401,
            "Authentication credentials were not provided.",
        )


def test_the_layer_fixture_is_fresh_in_memory_and_current(
    chanx_channels_layers: dict[str, Any], request: pytest.FixtureRequest
) -> None:
    """The plugin's fixture gives every alias an in-memory layer that Channels now returns."""
    assert request.config.pluginmanager.has_plugin("chanx_channels")
    assert list(chanx_channels_layers) == ["default"]
    assert isinstance(chanx_channels_layers["default"], InMemoryChannelLayer)
    assert get_channel_layer() is chanx_channels_layers["default"]
    assert chanx_channels_layers["default"].groups == {}


class TestWebsocketTestCaseUnderPytestDjango(WebsocketTestCase):
    """WebsocketTestCase collected and run by pytest-django."""

    def setUp(self) -> None:
        super().setUp()
        user = User.objects.create_user("carol")
        self.room = Room.objects.create(name="atrium", owner=user)
        self.token = Token.objects.create(user=user).key

    async def test_a_consumer_with_database_authentication(self) -> None:
        """Data made in setUp is visible to the consumer's authentication thread."""
        ws = self.create_communicator(f"/ws/rooms/{self.room.pk}/?token={self.token}")
        connected, _ = await ws.connect()
        assert connected
        await ws.assert_authenticated_status_ok()
        await ws.send_json({"action": "whoami"})
        [identity] = await ws.receive_all_messages()
        assert identity["payload"] == {"username": "carol", "room": "atrium"}

    async def test_create_communicator_encodes_like_the_consumer(self) -> None:
        """Passing the consumer class makes send_message camelize when it does."""
        ws = self.create_communicator("/ws/echo/", consumer=CamelEcho)
        assert ws.consumer is CamelEcho
        await ws.connect()

    def test_a_synchronous_test_still_works(self) -> None:
        """Non-async tests run as usual; there is nothing to disconnect."""
        assert self.communicators == []


CLOSED: list[int] = []


class Recorder(EchoConsumer):
    """Records its disconnect codes."""

    async def disconnect(self, code: int) -> None:
        CLOSED.append(code)


class Probe(WebsocketTestCase):
    """Leaves its connections open; run by hand below, never collected."""

    __test__ = False
    ws_application: ClassVar[Any] = Recorder.as_asgi()
    opened: ClassVar[list[WebsocketCommunicator]] = []

    async def test_leaves_two_open(self) -> None:
        for _ in range(2):
            ws = self.create_communicator("/echo/")
            await ws.connect()
            type(self).opened.append(ws)
        never_connected = self.create_communicator("/echo/")
        type(self).opened.append(never_connected)


@pytest.mark.django_db(transaction=True)
def test_communicators_left_open_are_disconnected_when_the_test_ends() -> None:
    """Every communicator a test created is disconnected after it, in the test's own loop."""
    CLOSED.clear()
    Probe.opened.clear()
    result = unittest.TextTestRunner(stream=io.StringIO()).run(Probe("test_leaves_two_open"))
    assert result.wasSuccessful(), result.errors + result.failures
    assert len(Probe.opened) == 3
    assert all(ws.finished for ws in Probe.opened)
    assert CLOSED == [1000, 1000, 1000]
