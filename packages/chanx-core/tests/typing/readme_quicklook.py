"""The Quick Look example, type-checked against the portable consumer base class."""

from typing import Literal

from pydantic import BaseModel

from chanx.core.decorators import channel, event_handler, ws_handler
from chanx.core.websocket import AsyncJsonWebsocketConsumer
from chanx.messages import BaseMessage, PingMessage, PongMessage


class ChatPayload(BaseModel):
    message: str


class ChatMessage(BaseMessage):
    """A chat line typed by a user."""

    action: Literal["chat"] = "chat"
    payload: ChatPayload


class ChatNotificationMessage(BaseMessage):
    """A chat line relayed to everyone in the room."""

    action: Literal["chat_notification"] = "chat_notification"
    payload: ChatPayload


class NotificationEvent(BaseMessage):
    """A server-side notification, sent from views, tasks or scripts."""

    action: Literal["notification_event"] = "notification_event"
    payload: str


class NotificationMessage(BaseMessage):
    """A notification delivered to the client."""

    action: Literal["notification"] = "notification"
    payload: str


@channel(name="chat", description="Real-time chat API", tags=["chat"])
class ChatConsumer(AsyncJsonWebsocketConsumer[NotificationEvent]):
    groups = ["chat_room"]

    @ws_handler
    async def handle_ping(self, message: PingMessage) -> PongMessage:
        return PongMessage()

    @ws_handler(output_type=ChatNotificationMessage)
    async def handle_chat(self, message: ChatMessage) -> None:
        await self.broadcast_message(ChatNotificationMessage(payload=message.payload))

    @event_handler(output_type=NotificationMessage)
    async def handle_notification(self, event: NotificationEvent) -> NotificationMessage:
        return NotificationMessage(payload=event.payload)


def notify_everyone(text: str) -> None:
    """Send an event from synchronous code, such as a view or a Celery task."""
    ChatConsumer.broadcast_event_sync(NotificationEvent(payload=text), groups=["chat_room"])
