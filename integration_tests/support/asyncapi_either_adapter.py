"""Print the AsyncAPI document of one consumer module under the adapter CHANX_ADAPTER names.

Run as a script (``python asyncapi_either_adapter.py``) in a fresh process per adapter; the
test compares the bytes. The consumer code is the same for both: it subclasses
``chanx.core.websocket.AsyncJsonWebsocketConsumer``, which resolves to the chosen adapter.
"""

from __future__ import annotations

import os
import sys
from typing import Literal

from pydantic import BaseModel, Field

if os.environ.get("CHANX_ADAPTER") == "channels":
    import django
    from django.conf import settings

    settings.configure(INSTALLED_APPS=["chanx.ext.channels"], CHANX={})
    django.setup()

from chanx.asyncapi import DocumentSettings, RouteRecord, build_document, dump_json, dump_yaml
from chanx.core.authenticators import CredentialAuthenticator
from chanx.core.decorators import channel, event_handler, ws_handler
from chanx.core.websocket import AsyncJsonWebsocketConsumer
from chanx.messages import BaseMessage, PingMessage, PongMessage


class Author(BaseModel):
    """Who wrote a line."""

    display_name: str = Field(description="The name shown next to the line.")
    avatar_url: str | None = None


class ChatPayload(BaseModel):
    """A chat line."""

    message_text: str
    author: Author


class ChatMessage(BaseMessage):
    """A client posts a line to the room."""

    action: Literal["chat"] = "chat"
    payload: ChatPayload


class ChatNotificationMessage(BaseMessage):
    """A line relayed to everyone in the room."""

    action: Literal["chat_notification"] = "chat_notification"
    payload: ChatPayload


class NotificationEvent(BaseMessage):
    """Something the server wants clients to hear about."""

    action: Literal["notify"] = "notify"
    payload: str


class NotificationMessage(BaseMessage):
    """The client-side form of a NotificationEvent."""

    action: Literal["notification"] = "notification"
    payload: str


async def verify_token(token: str) -> str | None:
    """Accept one demo token."""
    return "demo" if token == "secret" else None


@channel(name="chat", description="Real-time chat API", tags=["chat"])
class ChatConsumer(AsyncJsonWebsocketConsumer[NotificationEvent]):
    """Chat in one room."""

    groups = ["chat_room"]
    camelize = True
    authenticator_class = CredentialAuthenticator.using(verify_token, location="query")

    @ws_handler(summary="Handle ping requests")
    async def handle_ping(self, message: PingMessage) -> PongMessage:
        return PongMessage()

    @ws_handler(output_type=ChatNotificationMessage)
    async def handle_chat(self, message: ChatMessage) -> None:
        await self.broadcast_message(ChatNotificationMessage(payload=message.payload))

    @event_handler(output_type=NotificationMessage)
    async def handle_notification(self, event: NotificationEvent) -> NotificationMessage:
        return NotificationMessage(payload=event.payload)


def main() -> None:
    document = build_document(
        [RouteRecord("/ws/chat/{room_name}", ChatConsumer)],
        DocumentSettings(title="Either adapter", version="1.0.0"),
    )
    sys.stdout.write(dump_json(document))
    sys.stdout.write("\n---\n")
    sys.stdout.write(dump_yaml(document))


if __name__ == "__main__":
    main()
