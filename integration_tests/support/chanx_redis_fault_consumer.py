"""The messages and handlers of the Redis fault tests' servers, for either adapter.

Each server module (``fastapi/apps/chanx_redis_fault_app.py``, served by uvicorn, and
``django/support/chanx_redis_fault_django.py``, served by daphne) builds its consumer from
:class:`FaultHandlers` and its own ``AsyncJsonWebsocketConsumer``; the servers find this module
through ``PYTHONPATH`` (see ``chanx_redis_fault_suite.server_env``).
"""

from __future__ import annotations

from typing import Literal

import structlog
from pydantic import BaseModel

from chanx.core import ChanxWebsocketMixin
from chanx.core.decorators import event_handler, ws_handler
from chanx.messages import BaseMessage, PingMessage, PongMessage

ROOM = "fault_room"
"""The group every connection joins."""


def plain_logging() -> None:
    """Log as structlog does by default, but with plain tracebacks and no colours.

    The default rich tracebacks (with locals) take a tenth of a second or more each to render,
    in the event loop: a Redis outage's few logged errors would stall every connection.
    """
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.StackInfoRenderer(),
            structlog.dev.set_exc_info,
            structlog.processors.TimeStamper(fmt="%Y-%m-%d %H:%M:%S", utc=False),
            structlog.dev.ConsoleRenderer(
                colors=False, exception_formatter=structlog.dev.plain_traceback
            ),
        ]
    )


class ShoutMessage(BaseMessage):
    """Broadcast a text to the room."""

    action: Literal["shout"] = "shout"
    payload: str


class HeardMessage(BaseMessage):
    """A text someone in the room shouted."""

    action: Literal["heard"] = "heard"
    payload: str


class WhoMessage(BaseMessage):
    """Ask for this connection's channel name."""

    action: Literal["who"] = "who"


class ChannelNameMessage(BaseMessage):
    """This connection's channel name on the layer."""

    action: Literal["channel_name"] = "channel_name"
    payload: str


class Direct(BaseModel):
    """A text for one connection."""

    channel: str
    text: str


class TellMessage(BaseMessage):
    """Send an event to one connection, by its channel name."""

    action: Literal["tell"] = "tell"
    payload: Direct


class AnnounceEvent(BaseMessage):
    """A server-side event for one connection."""

    action: Literal["announce"] = "announce"
    payload: str


class AnnouncementMessage(BaseMessage):
    """What a client receives for an AnnounceEvent."""

    action: Literal["announcement"] = "announcement"
    payload: str


class FaultHandlers(ChanxWebsocketMixin[AnnounceEvent]):
    """Answers ping, relays shouts to the room, and sends events to one connection."""

    groups = [ROOM]
    send_completion = False

    @ws_handler
    async def handle_ping(self, message: PingMessage) -> PongMessage:
        return PongMessage()

    @ws_handler(output_type=HeardMessage)
    async def handle_shout(self, message: ShoutMessage) -> None:
        await self.broadcast_message(HeardMessage(payload=message.payload))

    @ws_handler
    async def handle_who(self, message: WhoMessage) -> ChannelNameMessage:
        return ChannelNameMessage(payload=self.channel_name)

    @ws_handler(output_type=AnnouncementMessage)
    async def handle_tell(self, message: TellMessage) -> None:
        event = AnnounceEvent(payload=message.payload.text)
        await type(self).send_event(event, message.payload.channel)

    @event_handler
    async def handle_announce(self, event: AnnounceEvent) -> AnnouncementMessage:
        return AnnouncementMessage(payload=event.payload)
