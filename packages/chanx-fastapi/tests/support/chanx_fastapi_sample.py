"""A small FastAPI app with Chanx consumers, for the tests and the ``chanx asyncapi`` CLI test."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import FastAPI, HTTPException, WebSocket
from pydantic import BaseModel
from starlette.applications import Starlette

from chanx.core.decorators import channel, event_handler, ws_handler
from chanx.ext.fast_channels import asyncapi_router
from chanx.ext.fast_channels.auth import credential_authenticator
from chanx.ext.fast_channels.routing import websocket_route
from chanx.ext.fast_channels.websocket import AsyncJsonWebsocketConsumer
from chanx.messages import BaseMessage, PingMessage, PongMessage


class ChatPayload(BaseModel):
    """One line of chat."""

    text: str
    """What was said."""


class ChatMessage(BaseMessage):
    """A chat line sent by a client."""

    action: Literal["chat"] = "chat"
    payload: ChatPayload


class ChatNotificationMessage(BaseMessage):
    """A chat line relayed to everyone in the room."""

    action: Literal["chat_notification"] = "chat_notification"
    payload: ChatPayload


class WhereMessage(BaseMessage):
    """Ask the server which room this connection is in."""

    action: Literal["where"] = "where"
    payload: None = None


class RoomMessage(BaseMessage):
    """The room the connection is in, from the URL."""

    action: Literal["room"] = "room"
    payload: dict[str, Any]


class NotificationEvent(BaseMessage):
    """A server-side event: something clients should hear about."""

    action: Literal["notify"] = "notify"
    payload: str


class NotificationMessage(BaseMessage):
    """What a client receives for a NotificationEvent."""

    action: Literal["notification"] = "notification"
    payload: str


@channel(name="chat", description="Real-time chat", tags=["chat"])
class ChatConsumer(AsyncJsonWebsocketConsumer[NotificationEvent]):
    """Chat in one shared room."""

    groups = ["chat_room"]
    send_completion = True

    @ws_handler(summary="Handle ping requests")
    async def handle_ping(self, message: PingMessage) -> PongMessage:
        return PongMessage()

    @ws_handler(output_type=ChatNotificationMessage)
    async def handle_chat(self, message: ChatMessage) -> None:
        await self.broadcast_message(ChatNotificationMessage(payload=message.payload))

    @event_handler(output_type=NotificationMessage)
    async def handle_notification(self, event: NotificationEvent) -> NotificationMessage:
        return NotificationMessage(payload=event.payload)


class RoomConsumer(AsyncJsonWebsocketConsumer):
    """One room per URL: joins the room named by the path parameter."""

    async def post_authentication(self) -> None:
        await self.join_group(f"room_{self.handshake.path_params['room_id']}")

    @ws_handler
    async def where(self, message: WhereMessage) -> RoomMessage:
        return RoomMessage(payload=dict(self.handshake.path_params))

    @ws_handler(output_type=ChatNotificationMessage)
    async def chat(self, message: ChatMessage) -> None:
        await self.broadcast_message(
            ChatNotificationMessage(payload=message.payload), exclude_current=True
        )


USERS = {"alice-token": "alice", "bob-token": "bob"}


def get_current_user(token: str) -> str:
    """The app's own token check, as its HTTP endpoints use it (a sync function)."""
    if token == "banned-token":
        raise HTTPException(status_code=403, detail="Banned")
    user = USERS.get(token)
    if user is None:
        raise HTTPException(status_code=401, detail="Invalid token")
    return user


class SecureConsumer(AsyncJsonWebsocketConsumer):
    """Only for known users: the token travels in the query string."""

    authenticator_class = credential_authenticator(get_current_user, location="query")

    @ws_handler
    async def whoami(self, message: WhereMessage) -> RoomMessage:
        return RoomMessage(payload={"user": self.user})


sub = FastAPI()
sub.router.routes.append(websocket_route("/ws/room/{room_id:int}", RoomConsumer))

starlette_app = Starlette(routes=[websocket_route("/ws/chat", ChatConsumer)])

app = FastAPI(title="Sample chat", version="2.1.0", description="A sample for the tests.")
app.router.routes.append(websocket_route("/ws/chat", ChatConsumer))
app.router.routes.append(websocket_route("/ws/secure", SecureConsumer))
app.mount("/sub", sub)
app.include_router(asyncapi_router(app))


@app.websocket("/ws/plain")
async def plain_websocket(websocket: WebSocket) -> None:
    """A plain FastAPI WebSocket endpoint, which discovery skips."""
    await websocket.accept()
    await websocket.send_text(await websocket.receive_text())
    await websocket.close()


@app.get("/me")
def me(token: str) -> dict[str, str]:
    """An HTTP endpoint that uses the same token check."""
    return {"user": get_current_user(token)}
