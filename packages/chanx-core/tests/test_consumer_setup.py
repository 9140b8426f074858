"""A connection whose set-up raises is closed with 1011 and logged, never dropped silently."""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any, Literal

import structlog
from chanx_core_host import HostConsumer, HostFramework, MemoryLayer

from chanx.core.decorators import ws_handler
from chanx.core.limits import CLOSE_CODES, SETUP_FAILED_CLOSE_CODE
from chanx.core.testing import WebsocketCommunicator
from chanx.messages import BaseMessage, PingMessage, PongMessage


class RoomMessage(BaseMessage):
    action: Literal["room"] = "room"
    payload: str


class RoomConsumer(HostConsumer):
    """Joins the room named in the query string, as a chat consumer joins one from its URL."""

    groups = ["lobby"]

    async def post_authentication(self) -> None:
        room = self.scope["query_string"].decode()
        if room == "explode":
            msg = "the application's own bug"
            raise RuntimeError(msg)
        await self.join_group(room)

    @ws_handler
    async def ping(self, message: PingMessage) -> PongMessage:
        return PongMessage()


class RefusingLayer(MemoryLayer):
    """A layer that refuses some group names, as the Redis and in-memory layers do."""

    async def group_add(self, group: str, channel: str) -> None:
        if not group.isascii() or " " in group:
            msg = f"Group name must be a valid unicode string containing only ASCII: {group!r}"
            raise TypeError(msg)
        await super().group_add(group, channel)


def connect(query: str) -> WebsocketCommunicator:
    return WebsocketCommunicator(RoomConsumer.as_asgi(), f"/ws?{query}", consumer=RoomConsumer)


async def closed_with_1011(query: str) -> list[MutableMapping[str, Any]]:
    """Connect, expect a close with 1011; return the ``chanx.connect.failed`` log entries."""
    communicator = connect(query)
    with structlog.testing.capture_logs() as logs:
        accepted, _ = await communicator.connect()
        assert accepted
        await communicator.assert_closed(code=1011)
    await communicator.disconnect()
    return [log for log in logs if log["event"] == "chanx.connect.failed"]


async def test_post_authentication_raising_closes_with_1011_and_logs_it() -> None:
    """The application's exception is logged with its step; the client gets code 1011."""
    [failed] = await closed_with_1011("explode")
    assert SETUP_FAILED_CLOSE_CODE == 1011
    assert failed["step"] == "post_authentication"
    assert failed["log_level"] == "error"
    assert failed["exc_info"] is True


async def test_a_group_name_the_layer_refuses_closes_with_1011() -> None:
    """join_group with a name the layer refuses ends in 1011, and the other groups are left."""
    refusing = RefusingLayer()
    HostFramework.layers = {"default": refusing}
    [failed] = await closed_with_1011("caf\u00e9 bar")
    assert failed["step"] == "post_authentication"
    assert refusing.members() == {}


async def test_other_connections_are_unaffected() -> None:
    """A failed set-up of one connection leaves the next one working."""
    await closed_with_1011("explode")
    async with connect("kitchen") as ok:
        await ok.send_json({"action": "ping"})
        assert await ok.receive_json() == {"action": "pong", "payload": None}


def test_the_code_is_documented() -> None:
    """CLOSE_CODES (and so the AsyncAPI document) explains 1011 with this cause."""
    assert "post_authentication" in CLOSE_CODES[SETUP_FAILED_CLOSE_CODE]


class BareStringConsumer(HostConsumer):
    """``groups`` written as one name instead of a list."""

    groups = "lobby"  # type: ignore[assignment]  # the mistake under test

    @ws_handler
    async def ping(self, message: PingMessage) -> PongMessage:
        return PongMessage()


async def test_a_class_groups_string_is_one_group_not_its_letters(layer: MemoryLayer) -> None:
    """``groups = "lobby"`` joins lobby, and events default to lobby, never l, o, b and y."""
    consumer = BareStringConsumer
    async with WebsocketCommunicator(consumer.as_asgi(), "/ws", consumer=consumer) as ws:
        await ws.send_json({"action": "ping"})
        assert await ws.receive_json() == {"action": "pong", "payload": None}
        assert set(layer.members()) == {"lobby"}
