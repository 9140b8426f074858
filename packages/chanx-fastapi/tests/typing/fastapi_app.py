"""A typed FastAPI app with a consumer, its route and the AsyncAPI router (checked by mypy)."""

from __future__ import annotations

from typing import Literal

from fastapi import FastAPI, HTTPException

from chanx.core.decorators import channel, event_handler, ws_handler
from chanx.ext.fast_channels import AsyncAPIConfig, asyncapi_router
from chanx.ext.fast_channels.auth import credential_authenticator
from chanx.ext.fast_channels.routing import websocket_route
from chanx.ext.fast_channels.testing import WebsocketCommunicator
from chanx.ext.fast_channels.websocket import AsyncJsonWebsocketConsumer
from chanx.messages import BaseMessage, PingMessage, PongMessage


class Alert(BaseMessage):
    action: Literal["alert"] = "alert"
    payload: str


class AlertMessage(BaseMessage):
    action: Literal["alert_message"] = "alert_message"
    payload: str


async def current_user(token: str) -> str:
    if token != "secret":
        raise HTTPException(status_code=401, detail="Invalid token")
    return "alice"


@channel(name="alerts")
class AlertConsumer(AsyncJsonWebsocketConsumer[Alert]):
    groups = ["alerts"]
    authenticator_class = credential_authenticator(current_user)

    @ws_handler
    async def handle_ping(self, message: PingMessage) -> PongMessage:
        return PongMessage()

    @event_handler
    async def handle_alert(self, event: Alert) -> AlertMessage:
        return AlertMessage(payload=event.payload)


app = FastAPI(title="Alerts", version="1.0.0")
app.router.routes.append(websocket_route("/ws/alerts/{team:int}", AlertConsumer))
app.include_router(asyncapi_router(app, AsyncAPIConfig(description="Team alerts.")))


def notify(text: str) -> None:
    AlertConsumer.broadcast_event_sync(Alert(payload=text), groups=["alerts"])


async def check() -> None:
    await AlertConsumer.broadcast_event(Alert(payload="x"))
    async with WebsocketCommunicator(app, "/ws/alerts/1?token=secret") as comm:
        status: int = (await comm.receive_authentication())["status_code"]
        assert status == 200
        await comm.send_message(PingMessage())
        assert await comm.receive_all_messages() == [{"action": "pong", "payload": None}]
