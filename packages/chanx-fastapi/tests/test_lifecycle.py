"""How a connection ends: every way out releases its groups and handlers."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import pytest
from chanx_fastapi_harness import RawConnection
from fast_channels.layers import InMemoryChannelLayer
from structlog.testing import capture_logs

from chanx.core.decorators import ws_handler
from chanx.ext.fast_channels.websocket import AsyncJsonWebsocketConsumer
from chanx.messages import PingMessage, PongMessage

Layers = dict[str, InMemoryChannelLayer]
PING = '{"action": "ping"}'


class Grouped(AsyncJsonWebsocketConsumer):
    """Joins two groups; explodes on the text "explode"."""

    groups = ["alpha", "beta"]

    async def websocket_receive(self, message: Mapping[str, Any]) -> None:
        if message.get("text") == "explode":
            raise RuntimeError("explode")
        await super().websocket_receive(message)

    @ws_handler
    async def handle_ping(self, message: PingMessage) -> PongMessage:
        return PongMessage()


def members(layer: InMemoryChannelLayer) -> dict[str, set[str]]:
    return {group: set(channels) for group, channels in layer.groups.items() if channels}


async def connected(layer: InMemoryChannelLayer) -> RawConnection:
    """A connection that has been accepted and has joined its groups."""
    conn = RawConnection(Grouped.as_asgi())
    assert (await conn.connect())["type"] == "websocket.accept"
    await conn.send_text(PING)
    assert "pong" in (await conn.next())["text"]
    assert set(members(layer)) == {"alpha", "beta"}
    return conn


async def test_disconnect_leaves_the_groups(chanx_fast_channels_layers: Layers) -> None:
    """The normal way out: websocket.disconnect leaves every group and ends the loop."""
    layer = chanx_fast_channels_layers["default"]
    conn = await connected(layer)
    await conn.disconnect()
    assert members(layer) == {}


async def test_an_exception_in_the_loop_still_leaves_the_groups(
    chanx_fast_channels_layers: Layers,
) -> None:
    """When the loop ends by an exception, the groups are left before it propagates."""
    layer = chanx_fast_channels_layers["default"]
    conn = await connected(layer)
    await conn.send_text("explode")
    with pytest.raises(RuntimeError, match="explode"):
        await conn.finished()
    assert members(layer) == {}


async def test_a_cancelled_connection_still_leaves_the_groups(
    chanx_fast_channels_layers: Layers,
) -> None:
    """A server that cancels the connection's task (shutdown) leaves no group behind."""
    layer = chanx_fast_channels_layers["default"]
    conn = await connected(layer)
    assert conn.task is not None
    conn.task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await conn.task
    assert members(layer) == {}


async def test_a_send_to_a_vanished_client_is_dropped_until_the_disconnect(
    chanx_fast_channels_layers: Layers,
) -> None:
    """A send that fails like uvicorn's ClientDisconnected does not end the loop."""
    layer = chanx_fast_channels_layers["default"]
    conn = await connected(layer)
    conn.client_gone = True
    with capture_logs() as logs:
        await conn.send_text(PING)
        await asyncio.wait_for(conn.refused.wait(), 2.0)
        await conn.send_text(PING)  # dropped without another attempt
        await conn.disconnect()
    assert [entry["event"] for entry in logs].count("chanx.websocket.client_gone") == 1
    assert members(layer) == {}
    assert conn.outgoing.empty()
