"""The example's WebSocket consumers: a chat room, notifications, and an echo to try things."""

from __future__ import annotations

import hashlib

from chanx.core.decorators import channel, event_handler, ws_handler
from chanx.ext.channels.websocket import AsyncJsonWebsocketConsumer
from chanx.messages import PingMessage, PongMessage
from chat.authentication import SignedInAuthenticator
from chat.messages import (
    EchoMessage,
    FailMessage,
    NewMessage,
    NotificationMessage,
    NotifyEvent,
    RoomMessage,
    RoomMessagePayload,
)

NOTIFICATIONS_GROUP = "notifications"
"""Every connection of :class:`NotificationsConsumer` joins it."""


def room_group(room_name: str) -> str:
    """Return the channel-layer group of a room.

    Group names may only hold ASCII letters, digits, ``-``, ``_`` and ``.``, and a room name
    may be any text, so the group is named after a digest of it.

    Args:
        room_name: The room's name as it appears in the URL.

    Returns:
        The group name.
    """
    return "chat." + hashlib.sha256(room_name.encode()).hexdigest()[:40]


@channel(name="chat", description="Chat in one room, as a signed-in user.", tags=["chat"])
class ChatConsumer(AsyncJsonWebsocketConsumer):
    """A chat room: every line posted is relayed to every connection in the room."""

    authenticator_class = SignedInAuthenticator

    room_name: str

    async def post_authentication(self) -> None:
        """Join the room named in the URL."""
        self.room_name = str(self.handshake.path_params["room_name"])
        await self.join_group(room_group(self.room_name))

    @ws_handler(summary="Check that the connection is alive")
    async def handle_ping(self, message: PingMessage) -> PongMessage:
        return PongMessage()

    @ws_handler(summary="Post a line to the room", output_type=RoomMessage)
    async def handle_new_message(self, message: NewMessage) -> None:
        await self.broadcast_message(
            RoomMessage(
                payload=RoomMessagePayload(
                    room=self.room_name,
                    username=self.user.get_username(),
                    text=message.payload.text,
                )
            )
        )


@channel(
    name="notifications",
    description="Notifications sent by the server to every signed-in user.",
    tags=["notifications"],
)
class NotificationsConsumer(AsyncJsonWebsocketConsumer[NotifyEvent]):
    """Notifications: views, management commands and tasks send them with ``broadcast_event``."""

    authenticator_class = SignedInAuthenticator
    groups = [NOTIFICATIONS_GROUP]

    @ws_handler(summary="Check that the connection is alive")
    async def handle_ping(self, message: PingMessage) -> PongMessage:
        return PongMessage()

    @event_handler(summary="Deliver a notification")
    async def handle_notify(self, event: NotifyEvent) -> NotificationMessage:
        return NotificationMessage(payload=event.payload)


@channel(
    name="echo",
    description="No sign-in needed: try frames and see what Chanx answers, errors included.",
    tags=["playground"],
)
class EchoConsumer(AsyncJsonWebsocketConsumer):
    """Sends back what it receives; ``fail`` shows the frame a client gets when a handler raises."""

    @ws_handler(summary="Check that the connection is alive")
    async def handle_ping(self, message: PingMessage) -> PongMessage:
        return PongMessage()

    @ws_handler(summary="Send the payload back")
    async def handle_echo(self, message: EchoMessage) -> EchoMessage:
        return message

    @ws_handler(summary="Raise an error in the handler (the traceback stays in the server log)")
    async def handle_fail(self, message: FailMessage) -> None:
        msg = "this handler always fails, to show Chanx's error frame"
        raise RuntimeError(msg)
