"""A FastAPI app for the slow-reader tests: a group that broadcasts large, timestamped frames.

Served by uvicorn from this folder: ``uvicorn chanx_slow_reader_app:app``. The environment sets
the consumer's ``outbound_overflow`` (``CHANX_OUTBOUND_OVERFLOW``, ``close`` unless given) and
``max_outbound_messages`` (``CHANX_MAX_OUTBOUND``, 64 unless given).
"""

from __future__ import annotations

import os
from typing import Any, Literal, cast

from fast_channels.layers import InMemoryChannelLayer, get_channel_layer, register_channel_layer
from fastapi import FastAPI
from pydantic import BaseModel, Field

from chanx.core._hub import hub_for
from chanx.core.decorators import ws_handler
from chanx.core.layers import ChannelLayer
from chanx.ext.fast_channels import websocket_route
from chanx.ext.fast_channels.websocket import AsyncJsonWebsocketConsumer
from chanx.messages import BaseMessage, PingMessage, PongMessage

GROUP = "slow-reader"
"""The group every connection joins."""
STATS_PATH = "/_slow/stats"
"""The HTTP path of the group hub's member count."""

# A capacity far above the flood: the layer must never be what drops a broadcast here.
register_channel_layer("default", InMemoryChannelLayer(capacity=100_000))


def overflow_policy() -> Literal["close", "drop_oldest"]:
    """The overflow policy the environment names."""
    policy = os.environ.get("CHANX_OUTBOUND_OVERFLOW") or "close"
    if policy not in ("close", "drop_oldest"):
        msg = f"CHANX_OUTBOUND_OVERFLOW must be close or drop_oldest, got {policy!r}"
        raise ValueError(msg)
    return cast(Literal["close", "drop_oldest"], policy)


class Blast(BaseModel):
    """One broadcast to send: its number, the sender's clock and the padding's length."""

    seq: int = Field(ge=0)
    sent_at: float
    size: int = Field(ge=0, le=1_000_000)


class BlastMessage(BaseMessage):
    """Broadcast one large frame to the group."""

    action: Literal["blast"] = "blast"
    payload: Blast


class Tick(BaseModel):
    """A broadcast frame: its number, the sender's clock, and padding."""

    seq: int
    sent_at: float
    pad: str


class TickMessage(BaseMessage):
    """What every member receives for a blast."""

    action: Literal["tick"] = "tick"
    payload: Tick


class SlowReaderConsumer(AsyncJsonWebsocketConsumer):
    """Relays blasts to the group, with the overflow settings the environment gives."""

    groups = [GROUP]
    max_outbound_messages = int(os.environ.get("CHANX_MAX_OUTBOUND") or 64)
    outbound_overflow = overflow_policy()

    @ws_handler
    async def handle_ping(self, message: PingMessage) -> PongMessage:
        return PongMessage()

    @ws_handler(output_type=TickMessage)
    async def handle_blast(self, message: BlastMessage) -> None:
        blast = message.payload
        tick = Tick(seq=blast.seq, sent_at=blast.sent_at, pad="x" * blast.size)
        await self.broadcast_message(TickMessage(payload=tick))


app = FastAPI(title="Chanx slow reader")
app.router.routes.append(websocket_route("/ws/slow", SlowReaderConsumer))


@app.get(STATS_PATH)
async def stats() -> dict[str, Any]:
    """How many local members the group hub holds for :data:`GROUP`."""
    hub = hub_for(cast(ChannelLayer, get_channel_layer("default")))
    return {"members": len(hub.groups.get(GROUP, {}))}
