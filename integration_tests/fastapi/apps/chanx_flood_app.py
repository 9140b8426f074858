"""The flood test's FastAPI app: one room, a rate-limited consumer, and a count of handled frames.

Served by uvicorn from this folder: ``uvicorn chanx_flood_app:app``. Every connection names
itself with ``?name=``; shouts are broadcast to :data:`ROOM`. ``GET /stats`` returns how many
frames each name has had handled, so a test can tell how many of a flooder's frames got past
the rate limit even after the server closed it, and the longest the event loop was late since
the last call (a task asks to sleep 5 ms, again and again, and notes how much longer it slept).

``/ws/flood/outside`` shouts into the room without being a member and acknowledges each shout,
so every frame a client sends there gets exactly one answer (a pong, an ack or a 429 frame),
and the count of answers checks the count of frames without the room's broadcasts in between.
(A member flooding for long was once closed with 1013 although it read everything: replies to
a burst queued behind a broadcast's pending write without waiting. They now wait for room;
``packages/chanx-fastapi/tests/test_bursts.py`` covers it.)
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import AsyncIterator
from typing import Literal

from fast_channels.layers import InMemoryChannelLayer, register_channel_layer
from fastapi import FastAPI
from pydantic import BaseModel

from chanx.core import RateLimit
from chanx.core.decorators import ws_handler
from chanx.ext.fast_channels import websocket_route
from chanx.ext.fast_channels.websocket import AsyncJsonWebsocketConsumer
from chanx.messages import BaseMessage, PingMessage, PongMessage

register_channel_layer("default", InMemoryChannelLayer())

ROOM = "flood_room"
"""The group shouts are broadcast to; the connections of the first two routes join it."""
LIMITED = RateLimit(rate=100, burst=100, close_after=100)
"""The rate limit of ``/ws/flood/limited``: a sustained flood is closed with 4429."""
THROTTLED = RateLimit(rate=100, burst=100, close_after=None)
"""The rate limit of ``/ws/flood/throttled`` and ``/ws/flood/outside``: refused, never closed."""

HANDLED: Counter[str] = Counter()
"""Frames a handler ran for, by the connection's ``?name=``."""
TICK = 0.005
"""Seconds the loop watcher sleeps each time."""
LATE = [0.0]
"""The longest the loop watcher woke up late since ``/stats`` last reported it."""


async def watch_the_loop() -> None:
    """Sleep :data:`TICK` again and again, noting the longest the loop made it oversleep."""
    loop = asyncio.get_running_loop()
    while True:
        started = loop.time()
        await asyncio.sleep(TICK)
        LATE[0] = max(LATE[0], loop.time() - started - TICK)


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Run the loop watcher while the app serves."""
    watcher = asyncio.get_running_loop().create_task(watch_the_loop())
    try:
        yield
    finally:
        watcher.cancel()


class Shout(BaseModel):
    """Who shouted, and their sequence number."""

    sender: str
    seq: int


class ShoutMessage(BaseMessage):
    """Broadcast a shout to the room."""

    action: Literal["shout"] = "shout"
    payload: Shout


class HeardMessage(BaseMessage):
    """A shout someone in the room sent."""

    action: Literal["heard"] = "heard"
    payload: Shout


class AckMessage(BaseMessage):
    """A shout from outside the room was broadcast: its sequence number."""

    action: Literal["ack"] = "ack"
    payload: int


class CountingConsumer(AsyncJsonWebsocketConsumer):
    """Answers ping; counts every frame its handlers run (the routes' consumers add ``shout``)."""

    rate_limit = THROTTLED

    def count(self) -> None:
        """Count one handled frame for this connection's name."""
        HANDLED[self.handshake.query("name") or "anonymous"] += 1

    async def relay(self, message: ShoutMessage) -> None:
        """Count a shout and broadcast it to the room."""
        self.count()
        await self.broadcast_message(HeardMessage(payload=message.payload), groups=ROOM)

    @ws_handler
    async def handle_ping(self, message: PingMessage) -> PongMessage:
        """Answer ping."""
        self.count()
        return PongMessage()


class LimitedConsumer(CountingConsumer):
    """A member of the room, under :data:`LIMITED`."""

    groups = [ROOM]
    rate_limit = LIMITED

    @ws_handler(output_type=HeardMessage)
    async def handle_shout(self, message: ShoutMessage) -> None:
        """Relay a shout to the room."""
        await self.relay(message)


class ThrottledConsumer(LimitedConsumer):
    """A member of the room, under :data:`THROTTLED`."""

    rate_limit = THROTTLED


class OutsideConsumer(CountingConsumer):
    """Shouts into the room from outside it, acknowledging each shout, under :data:`THROTTLED`."""

    @ws_handler(output_type=[HeardMessage, AckMessage])
    async def handle_shout(self, message: ShoutMessage) -> AckMessage:
        """Relay a shout to the room and acknowledge it."""
        await self.relay(message)
        return AckMessage(payload=message.payload.seq)


app = FastAPI(title="Chanx flood", lifespan=lifespan)
app.router.routes.extend(
    [
        websocket_route("/ws/flood/limited", LimitedConsumer),
        websocket_route("/ws/flood/throttled", ThrottledConsumer),
        websocket_route("/ws/flood/outside", OutsideConsumer),
    ]
)


@app.get("/stats")
async def stats() -> dict[str, object]:
    """Frames handled so far, by connection name, and the loop's lateness since the last call."""
    late, LATE[0] = LATE[0], 0.0
    return {"handled": dict(HANDLED), "late": late}
