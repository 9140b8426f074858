"""The sample application of the golden files, the CLI tests and the browser test.

Two rooms-style consumers and an echo: nested models, a discriminated union, a tuple, field
descriptions and defaults, a camelCase consumer next to a snake_case one sharing a model, path
parameters in three router syntaxes, an authenticator with a security scheme, event handlers,
broadcasts and completion frames.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from chanx_asyncapi_host import HostConsumer
from pydantic import BaseModel, ConfigDict, Field

from chanx.asyncapi import PathParameter, RouteRecord
from chanx.core import CredentialAuthenticator, channel, event_handler, ws_handler
from chanx.messages import BaseMessage


class Author(BaseModel):
    """Who wrote a message."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    user_id: int
    """The author's numeric id."""
    display_name: str = "anonymous"
    """The name shown next to the message."""


class TextBody(BaseModel):
    """Plain text."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    kind: Literal["text"] = "text"
    """Always ``text``."""
    text_content: str = Field(max_length=2000, description="The text, at most 2000 characters.")


class ImageBody(BaseModel):
    """A picture by URL."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    kind: Literal["image"] = "image"
    """Always ``image``."""
    image_url: str
    """Where the picture is."""
    size_px: tuple[int, int] = (640, 480)
    """Width and height in pixels."""


class ChatPayload(BaseModel):
    """A chat line as the client sends it."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    body: Annotated[TextBody | ImageBody, Field(discriminator="kind")]
    """What was said."""
    reply_to: int | None = None
    """The id of the message this one answers, if any."""


class NewChatMessage(BaseMessage):
    """A chat line typed by a user.

    The server relays it to everyone in the room as a ``chat_notification``.
    """

    action: Literal["new_chat"] = "new_chat"
    payload: ChatPayload


class ChatNotificationPayload(BaseModel):
    """A chat line as every member of the room receives it."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    author: Author
    """Who wrote it."""
    body: Annotated[TextBody | ImageBody, Field(discriminator="kind")]
    """What was said."""
    room_settings: dict[str, Any] = Field(default_factory=dict)
    """Free-form room settings."""


class ChatNotification(BaseMessage):
    """A chat line relayed to the room."""

    action: Literal["chat_notification"] = "chat_notification"
    payload: ChatNotificationPayload


class TypingPayload(BaseModel):
    """Whether the user is typing."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    is_typing: bool = True
    """True while the user types."""


class StartTyping(BaseMessage):
    """The user started typing."""

    action: Literal["start_typing"] = "start_typing"
    payload: TypingPayload = TypingPayload()


class StopTyping(BaseMessage):
    """The user stopped typing."""

    action: Literal["stop_typing"] = "stop_typing"
    payload: TypingPayload = TypingPayload(is_typing=False)


class TypingAck(BaseMessage):
    """The server saw the typing status."""

    action: Literal["typing_ack"] = "typing_ack"


class MemberJoinedEvent(BaseMessage):
    """A server-side event: somebody joined the room."""

    action: Literal["member_joined_event"] = "member_joined_event"
    payload: Author


class MemberJoined(BaseMessage):
    """Somebody joined the room."""

    action: Literal["member_joined"] = "member_joined"
    payload: Author


class TokenAuthenticator(CredentialAuthenticator):
    """Reads an API token from the ``token`` query parameter."""

    location = "query"
    name = "token"

    async def verify(self, credential: str) -> Any:
        return {"token": credential}


@channel(name="chat", tags=["chat", "rooms"])
class ChatConsumer(HostConsumer[MemberJoinedEvent]):
    """Chat in one room.

    Everyone connected to the same room receives every chat line.
    """

    camelize = True
    send_completion = True
    authenticator_class = TokenAuthenticator

    @ws_handler(summary="Post a chat line to the room", tags=["chat"], output_type=ChatNotification)
    async def new_chat(self, message: NewChatMessage) -> None:
        """Relay a chat line; the description comes from here."""

    @ws_handler
    async def typing(self, message: StartTyping | StopTyping) -> TypingAck:
        """Tell the room whether you are typing.

        Both frames are answered with ``typing_ack``.
        """
        return TypingAck()

    @event_handler(tags=["presence"])
    async def member_joined(self, event: MemberJoinedEvent) -> MemberJoined:
        """Announce a member who joined."""
        return MemberJoined(payload=event.payload)


class EchoMessage(BaseMessage):
    """Any text, sent back as it is."""

    action: Literal["echo"] = "echo"
    payload: str


class WhoAmI(BaseMessage):
    """Ask who the server thinks you are."""

    action: Literal["who_am_i"] = "who_am_i"


class YouAre(BaseMessage):
    """Who the server thinks you are."""

    action: Literal["you_are"] = "you_are"
    payload: Author


class EchoConsumer(HostConsumer):
    @ws_handler
    async def echo(self, message: EchoMessage) -> EchoMessage:
        return message

    @ws_handler
    async def who_am_i(self, message: WhoAmI) -> YouAre:
        return YouAre(payload=Author(user_id=0))


@channel(description="Presence of members in a room.")
class PresenceConsumer(HostConsumer[MemberJoinedEvent]):
    camelize = True

    @event_handler
    async def member_joined(self, event: MemberJoinedEvent) -> MemberJoined:
        return MemberJoined(payload=event.payload)


ROUTES = [
    RouteRecord(
        "/ws/chat/{room_name}",
        ChatConsumer,
        parameters=(
            PathParameter("room_name", description="The room's slug.", examples=("lobby",)),
        ),
    ),
    RouteRecord("ws/echo/", EchoConsumer),
    RouteRecord(r"^ws/rooms/(?P<room_id>\d+)/members/(?P<member>[-\w]+)/$", PresenceConsumer),
]
"""The sample's routes, as an adapter would report them."""


class SampleApp:
    """A stand-in for a framework application that only the sample discovery recognises."""

    routes = ROUTES


app = SampleApp()


def discover(candidate: object) -> list[RouteRecord] | None:
    """The sample's route discovery: the routes of a :class:`SampleApp`, else None."""
    return list(candidate.routes) if isinstance(candidate, SampleApp) else None


def discover_nothing(candidate: object) -> list[RouteRecord] | None:
    """A route discovery that recognises no application, like another framework's."""
    return None
