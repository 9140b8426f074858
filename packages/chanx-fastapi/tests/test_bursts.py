"""Bursts of frames a server hands over at once: no false slow-client close, no stalled loop."""

from __future__ import annotations

import asyncio
import time
from typing import Any, cast

from fast_channels.layers import InMemoryChannelLayer

from chanx.core import RateLimit
from chanx.core._hub import hub_for
from chanx.core.decorators import ws_handler
from chanx.core.layers import ChannelLayer
from chanx.ext.fast_channels.websocket import AsyncJsonWebsocketConsumer
from chanx.messages import PingMessage, PongMessage

Layers = dict[str, InMemoryChannelLayer]

SCOPE: dict[str, Any] = {
    "type": "websocket",
    "path": "/ws",
    "query_string": b"",
    "headers": [],
    "subprotocols": [],
}


class Room(AsyncJsonWebsocketConsumer):
    groups = ["room"]

    @ws_handler
    async def handle_ping(self, message: PingMessage) -> PongMessage:
        return PongMessage()


class Limited(AsyncJsonWebsocketConsumer):
    rate_limit = RateLimit(rate=1, burst=1, close_after=None)

    @ws_handler
    async def handle_ping(self, message: PingMessage) -> PongMessage:
        return PongMessage()


PING = {"type": "websocket.receive", "text": '{"action": "ping"}'}


async def serve(
    consumer: type[AsyncJsonWebsocketConsumer], frames: int
) -> tuple[asyncio.Task[None], asyncio.Queue[dict[str, Any]], list[dict[str, Any]]]:
    """Start a connection whose client reads everything at once; queue ``frames`` pings."""
    inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    inbox.put_nowait({"type": "websocket.connect"})
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    task = asyncio.create_task(consumer.as_asgi()(SCOPE, inbox.get, send))
    for _ in range(50):
        if any(m["type"] == "websocket.accept" for m in sent):
            break
        await asyncio.sleep(0.01)
    for _ in range(frames):
        inbox.put_nowait(dict(PING))
    return task, inbox, sent


async def stop(task: asyncio.Task[None], inbox: asyncio.Queue[dict[str, Any]]) -> None:
    inbox.put_nowait({"type": "websocket.disconnect", "code": 1000})
    await asyncio.wait_for(task, 5)


async def test_a_burst_with_a_broadcast_in_flight_is_answered_not_closed(
    chanx_fast_channels_layers: Layers,
) -> None:
    """Replies to a burst wait behind a pending broadcast instead of overflowing: no 1013."""
    task, inbox, sent = await serve(Room, 0)
    for _ in range(3 * 512):
        inbox.put_nowait(dict(PING))
    hub_for(cast(ChannelLayer, chanx_fast_channels_layers["default"])).deliver(
        "room",
        {
            "type": "chanx.broadcast",
            "text": '{"action":"heard"}',
            "action": "heard",
            "group": "room",
        },
    )
    deadline = time.monotonic() + 10
    while sum('"pong"' in m.get("text", "") for m in sent) < 3 * 512:
        assert time.monotonic() < deadline, "not every ping was answered"
        await asyncio.sleep(0.01)
    assert [m for m in sent if m["type"] == "websocket.close"] == []
    assert any(m.get("text") == '{"action":"heard"}' for m in sent)
    await stop(task, inbox)


async def test_a_flood_of_refused_frames_lets_other_tasks_run(
    chanx_fast_channels_layers: Layers,
) -> None:
    """A connection working through thousands of queued frames yields now and then."""
    ticks = 0
    running = True

    async def ticker() -> None:
        nonlocal ticks
        while running:
            ticks += 1
            await asyncio.sleep(0)

    clock = asyncio.create_task(ticker())
    task, inbox, sent = await serve(Limited, 3200)
    start = ticks
    deadline = time.monotonic() + 10
    while sum('"status_code":429' in m.get("text", "") for m in sent) < 3199:
        assert time.monotonic() < deadline, "the flood was not worked through"
        await asyncio.sleep(0)
    # Without yielding, the ticker would run about once while 3200 frames are handled; one
    # turn per 16 frames gives it 200.
    assert ticks - start >= 100
    running = False
    await clock
    await stop(task, inbox)
