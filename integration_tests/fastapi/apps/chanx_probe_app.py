"""A small FastAPI app for the wire tests: a consumer with a field-checked handler and one that raises.

Served by uvicorn from this folder: ``uvicorn chanx_probe_app:app``.
"""

from __future__ import annotations

from typing import Literal

from fast_channels.layers import InMemoryChannelLayer, register_channel_layer
from fastapi import FastAPI
from pydantic import BaseModel, Field

from chanx.core.decorators import ws_handler
from chanx.ext.fast_channels import asyncapi_router, websocket_route
from chanx.ext.fast_channels.websocket import AsyncJsonWebsocketConsumer
from chanx.messages import BaseMessage, PingMessage, PongMessage

register_channel_layer("default", InMemoryChannelLayer())


class EchoPayload(BaseModel):
    text: str = Field(max_length=100)
    count: int = Field(ge=1)


class EchoMessage(BaseMessage):
    """Echo a text some times."""

    action: Literal["echo"] = "echo"
    payload: EchoPayload


class EchoReply(BaseMessage):
    action: Literal["echo_reply"] = "echo_reply"
    payload: str


class BoomMessage(BaseMessage):
    """Runs a handler that raises."""

    action: Literal["boom"] = "boom"


class ShoutMessage(BaseMessage):
    """Broadcast a text to everyone connected."""

    action: Literal["shout"] = "shout"
    payload: str


class HeardMessage(BaseMessage):
    action: Literal["heard"] = "heard"
    payload: str


SECRET = "internal-secret-do-not-send"


class ProbeConsumer(AsyncJsonWebsocketConsumer):
    """Everything the wire tests need to provoke."""

    groups = ["probe"]

    @ws_handler
    async def handle_ping(self, message: PingMessage) -> PongMessage:
        return PongMessage()

    @ws_handler
    async def handle_echo(self, message: EchoMessage) -> EchoReply:
        return EchoReply(payload=message.payload.text * message.payload.count)

    @ws_handler
    async def handle_boom(self, message: BoomMessage) -> None:
        raise RuntimeError(SECRET)

    @ws_handler(output_type=HeardMessage)
    async def handle_shout(self, message: ShoutMessage) -> None:
        await self.broadcast_message(HeardMessage(payload=message.payload))


app = FastAPI(title="Chanx probe")
app.router.routes.append(websocket_route("/ws/probe", ProbeConsumer))
app.include_router(asyncapi_router(app))
