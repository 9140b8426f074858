"""Consumers and authenticators of the test project."""

from __future__ import annotations

from typing import Any, Literal

from chanx_django_testproject.models import Room
from pydantic import BaseModel
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import BasePermission, IsAuthenticated

from chanx.core.decorators import channel, event_handler, ws_handler
from chanx.ext.channels.authenticator import DjangoAuthenticator, QueryTokenAuthentication
from chanx.ext.channels.websocket import AsyncJsonWebsocketConsumer
from chanx.messages import BaseMessage, PingMessage, PongMessage


class Text(BaseModel):
    """Some text."""

    text: str
    """The text."""


class SayMessage(BaseMessage):
    """The client says something."""

    action: Literal["say"] = "say"
    payload: Text


class SaidMessage(BaseMessage):
    """What someone said, relayed to the group."""

    action: Literal["said"] = "said"
    payload: Text


class AnnounceEvent(BaseMessage):
    """A server-side announcement."""

    action: Literal["announce"] = "announce"
    payload: str


class AnnouncementMessage(BaseMessage):
    """An announcement, as clients receive it."""

    action: Literal["announcement"] = "announcement"
    payload: str


class WhoAmIMessage(BaseMessage):
    """Ask who the connection belongs to."""

    action: Literal["whoami"] = "whoami"


class IdentityPayload(BaseModel):
    """The connection's user and room."""

    username: str
    """The user's name, empty for an anonymous user."""
    room: str | None = None
    """The room loaded from the URL, if any."""


class IdentityMessage(BaseMessage):
    """Who the connection belongs to."""

    action: Literal["identity"] = "identity"
    payload: IdentityPayload


@channel(name="echo", description="Echo and group chat without authentication", tags=["echo"])
class EchoConsumer(AsyncJsonWebsocketConsumer[AnnounceEvent]):
    """Answers pings and relays what clients say to the echo group."""

    groups = ["echo"]

    @ws_handler(summary="Answer a ping")
    async def handle_ping(self, message: PingMessage) -> PongMessage:
        return PongMessage()

    @ws_handler(output_type=SaidMessage)
    async def handle_say(self, message: SayMessage) -> None:
        await self.broadcast_message(SaidMessage(payload=message.payload))

    @event_handler
    async def handle_announce(self, event: AnnounceEvent) -> AnnouncementMessage:
        return AnnouncementMessage(payload=event.payload)


class IsRoomOwnerIfPrivate(BasePermission):
    """Private rooms admit only their owner."""

    message = "This room is private."

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        return not obj.private or obj.owner_id == request.user.pk


class RoomAuthenticator(DjangoAuthenticator):
    """A token in the query string or a session; the room from the URL."""

    authentication_classes = [QueryTokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated, IsRoomOwnerIfPrivate]
    queryset = Room.objects.all()


class IdentityMixin:
    """The whoami handler, shared by the authenticated consumers."""

    user: Any
    obj: Any

    @ws_handler
    async def handle_whoami(self, message: WhoAmIMessage) -> IdentityMessage:
        room = self.obj.name if self.obj is not None else None
        return IdentityMessage(
            payload=IdentityPayload(username=self.user.get_username(), room=room)
        )


@channel(name="room", tags=["rooms"])
class RoomConsumer(IdentityMixin, AsyncJsonWebsocketConsumer):
    """One room, for its authenticated members."""

    authenticator_class = RoomAuthenticator


class SessionAuthenticator(DjangoAuthenticator):
    """The project's default DRF classes: session authentication, everyone allowed."""

    permission_classes = [IsAuthenticated]


class SessionConsumer(IdentityMixin, AsyncJsonWebsocketConsumer):
    """For logged-in users of the site."""

    authenticator_class = SessionAuthenticator


class ExplodingPermission(BasePermission):
    """A permission with a bug."""

    def has_permission(self, request: Any, view: Any) -> bool:
        msg = "database password is hunter2"
        raise RuntimeError(msg)


class BrokenAuthenticator(DjangoAuthenticator):
    """Fails unexpectedly."""

    permission_classes = [ExplodingPermission]


class BrokenConsumer(AsyncJsonWebsocketConsumer):
    """A consumer whose authentication has a bug."""

    authenticator_class = BrokenAuthenticator

    @ws_handler
    async def handle_ping(self, message: PingMessage) -> PongMessage:
        return PongMessage()
