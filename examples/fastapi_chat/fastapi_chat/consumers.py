"""The app's WebSocket consumers: a chat room, a notifications stream and a job watcher."""

from __future__ import annotations

import re

from chanx.core.decorators import channel, event_handler, ws_handler
from chanx.ext.fast_channels.websocket import AsyncJsonWebsocketConsumer
from chanx.messages import PingMessage, PongMessage
from fastapi_chat.auth import TokenAuthenticator
from fastapi_chat.messages import (
    NAME_PATTERN,
    AnnouncementEvent,
    AnnouncementMessage,
    ChatMessage,
    ChatNotificationMessage,
    JobDoneEvent,
    JobDoneMessage,
    JobEvent,
    JobProgressEvent,
    JobProgressMessage,
    MemberJoined,
    MemberJoinedEvent,
    MemberJoinedMessage,
    NotificationMessage,
    NotifyEvent,
    RoomEvent,
    RoomLine,
    WatchingMessage,
    WatchJobMessage,
)

NOTIFICATIONS_GROUP = "notifications"
"""Every signed-in connection of the notifications stream."""

BAD_ROOM_CLOSE_CODE = 4400
"""Close code for a room name that is not letters, digits, ``_`` and ``-``."""

_NAME = re.compile(NAME_PATTERN)


def room_group(room: str) -> str:
    """Return the group of a chat room."""
    return f"chat.{room}"


def user_group(username: str) -> str:
    """Return the private group of one user's notification connections."""
    return f"user.{username}"


def job_group(job_id: str) -> str:
    """Return the group of the connections watching a job."""
    return f"job.{job_id}"


def valid_name(name: str) -> bool:
    """Return True when a room name or job id can be part of a group name."""
    return _NAME.fullmatch(name) is not None


@channel(name="chat", tags=["chat"])
class ChatConsumer(AsyncJsonWebsocketConsumer[RoomEvent]):
    """Chat in one room: lines typed by its members, join notices and announcements."""

    room: str

    async def post_authentication(self) -> None:
        """Join the room named in the URL and tell everyone in it."""
        room = str(self.handshake.path_params.get("room_name", ""))
        if not valid_name(room):
            await self.close(BAD_ROOM_CLOSE_CODE)
            return
        self.room = room
        await self.join_group(room_group(room))
        # An event, not a broadcast: each member's own handler builds its notice.
        await type(self).broadcast_event(
            MemberJoinedEvent(payload=MemberJoined(room=room)), groups=[room_group(room)]
        )

    @ws_handler(summary="Answer a ping")
    async def handle_ping(self, message: PingMessage) -> PongMessage:
        return PongMessage()

    @ws_handler(summary="Say something in the room", output_type=ChatNotificationMessage)
    async def handle_chat(self, message: ChatMessage) -> None:
        line = message.payload
        await self.broadcast_message(
            ChatNotificationMessage(
                payload=RoomLine(room=self.room, name=line.name, text=line.text)
            )
        )

    @event_handler(summary="Someone joined the room")
    async def handle_member_joined(self, event: MemberJoinedEvent) -> MemberJoinedMessage:
        return MemberJoinedMessage(payload=event.payload)

    @event_handler(summary="An announcement for the room")
    async def handle_announcement(self, event: AnnouncementEvent) -> AnnouncementMessage:
        return AnnouncementMessage(payload=event.payload)


@channel(name="notifications", tags=["notifications"])
class NotificationsConsumer(AsyncJsonWebsocketConsumer[NotifyEvent]):
    """Notifications for signed-in users; connect with ``?token=<your token>``."""

    authenticator_class = TokenAuthenticator
    groups = [NOTIFICATIONS_GROUP]

    async def post_authentication(self) -> None:
        """Also join the user's private group, for notifications addressed to them."""
        await self.join_group(user_group(self.user.username))

    @ws_handler(summary="Answer a ping")
    async def handle_ping(self, message: PingMessage) -> PongMessage:
        return PongMessage()

    @event_handler(summary="A notification")
    async def handle_notify(self, event: NotifyEvent) -> NotificationMessage:
        return NotificationMessage(payload=event.payload)


@channel(name="jobs", tags=["jobs"])
class JobsConsumer(AsyncJsonWebsocketConsumer[JobEvent]):
    """Follow background jobs: send ``watch`` with a job id, then start the job over HTTP."""

    @ws_handler(summary="Answer a ping")
    async def handle_ping(self, message: PingMessage) -> PongMessage:
        return PongMessage()

    @ws_handler(summary="Follow a job")
    async def handle_watch(self, message: WatchJobMessage) -> WatchingMessage:
        await self.join_group(job_group(message.payload.job_id))
        return WatchingMessage(payload=message.payload)

    @event_handler(summary="A job finished a step")
    async def handle_progress(self, event: JobProgressEvent) -> JobProgressMessage:
        return JobProgressMessage(payload=event.payload)

    @event_handler(summary="A job finished")
    async def handle_done(self, event: JobDoneEvent) -> JobDoneMessage:
        return JobDoneMessage(payload=event.payload)
