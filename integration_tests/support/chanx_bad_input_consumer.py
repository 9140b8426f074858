"""The consumer the bad-input matrix runs against, shared by the FastAPI and Django apps.

Each adapter's app module puts :class:`BadInputHandlers` before its adapter's consumer class
and serves it on :data:`MAIN`, :data:`LIMITED` (a connection rate limit) and :data:`IDLE` (an
idle timeout), with ``integration_tests/support`` on ``PYTHONPATH``. The cases that provoke it
are in :mod:`chanx_bad_input`.
"""

from __future__ import annotations

import asyncio
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from chanx.core import ChanxWebsocketMixin, CredentialAuthenticator, RateLimit
from chanx.core.decorators import ws_handler
from chanx.messages import BaseMessage, PingMessage, PongMessage

TOKEN = "matrix-token-4b1e"
"""The one credential the consumer accepts (``?token=``)."""
SECRET = "canary-7d21e0"
"""A value the client sends or the server's code holds that must never come back in a frame."""
FORBIDDEN = "forbidden"
"""The ``guarded`` payload the handler's permission refuses."""
MAX_BYTES = 4096
"""The consumer's ``max_message_size``."""
FLOOD_LIMIT = RateLimit(rate=20, burst=20, close_after=20)
"""The connection rate limit on :data:`LIMITED`."""
TICK_LIMIT = RateLimit(rate=1, burst=2, close_after=None)
"""The ``tick`` handler's own rate limit."""
HANG_SECONDS = 0.2
"""The ``hang`` handler's timeout."""
IDLE_SECONDS = 0.5
"""The ``idle_timeout`` on :data:`IDLE`."""

MAIN = "/ws/matrix/"
"""The consumer as it is."""
LIMITED = "/ws/matrix/limited/"
"""The consumer with :data:`FLOOD_LIMIT`."""
IDLE = "/ws/matrix/idle/"
"""The consumer with :data:`IDLE_SECONDS`."""


async def verify_token(credential: str) -> str | None:
    """Accept :data:`TOKEN` only."""
    return "matrix-user" if credential == TOKEN else None


class EchoPayload(BaseModel):
    """A text to repeat."""

    text: str = Field(max_length=100)
    count: int = Field(ge=1)


class EchoMessage(BaseMessage):
    """Repeat a text."""

    action: Literal["echo"] = "echo"
    payload: EchoPayload


class Checked(BaseModel):
    """Fields whose validators quote internals in their texts (which must not be sent)."""

    code: str
    note: str = ""

    @field_validator("code")
    @classmethod
    def code_is_known(cls, value: str) -> str:
        """Refuse every code but ``ok``, quoting the secret."""
        if value != "ok":
            msg = f"unknown code {value!r}; the internal table is {SECRET}"
            raise ValueError(msg)
        return value

    @field_validator("note")
    @classmethod
    def note_is_short(cls, value: str) -> str:
        """Assert the note is short, quoting the secret."""
        assert len(value) < 10, f"note too long for {SECRET}"
        return value


class CheckMessage(BaseMessage):
    """Validate a payload with validators of the application's own."""

    action: Literal["check"] = "check"
    payload: Checked


class GuardedMessage(BaseMessage):
    """Run a handler whose permission refuses :data:`FORBIDDEN`."""

    action: Literal["guarded"] = "guarded"
    payload: str


class BoomMessage(BaseMessage):
    """Run a handler that raises with :data:`SECRET` in the exception."""

    action: Literal["boom"] = "boom"


class HangMessage(BaseMessage):
    """Run a handler that never returns (its timeout cancels it)."""

    action: Literal["hang"] = "hang"


class TickMessage(BaseMessage):
    """Run a handler with a rate limit of its own."""

    action: Literal["tick"] = "tick"


class StatsMessage(BaseMessage):
    """Ask what this connection's handlers did, and how many tasks the server runs."""

    action: Literal["stats"] = "stats"


class ShoutMessage(BaseMessage):
    """Broadcast a text to the room."""

    action: Literal["shout"] = "shout"
    payload: str


class HeardMessage(BaseMessage):
    """A text someone in the room shouted."""

    action: Literal["heard"] = "heard"
    payload: str


class ReplyMessage(BaseMessage):
    """A handler's answer."""

    action: Literal["reply"] = "reply"
    payload: str


class Stats(BaseModel):
    """What :class:`StatsMessage` reports."""

    guarded: int
    """Times ``guarded``'s handler ran on this connection."""
    ticks: int
    """Times ``tick``'s handler ran on this connection."""
    tasks: int
    """asyncio tasks the server process runs right now."""


class StatsReply(BaseMessage):
    """The answer to :class:`StatsMessage`."""

    action: Literal["stats_reply"] = "stats_reply"
    payload: Stats


def payload_allowed(consumer: Any, message: Any) -> bool:
    """Refuse a ``guarded`` frame whose payload is :data:`FORBIDDEN`."""
    return bool(message.payload != FORBIDDEN)


class BadInputHandlers(ChanxWebsocketMixin):
    """The consumer both apps serve: put it before the adapter's consumer class in the bases.

    A connection needs ``?token=`` :data:`TOKEN` and joins the room ``?room=`` names.
    """

    authenticator_class = CredentialAuthenticator.using(verify_token)
    max_message_size = MAX_BYTES
    guarded_runs = 0
    tick_runs = 0

    async def post_authentication(self) -> None:
        """Join the room the query names."""
        room = self.handshake.query("room")
        if room:
            await self.join_group(room)

    @ws_handler
    async def handle_ping(self, message: PingMessage) -> PongMessage:
        """Answer ping."""
        return PongMessage()

    @ws_handler(output_type=HeardMessage)
    async def handle_shout(self, message: ShoutMessage) -> None:
        """Relay a text to the room."""
        await self.broadcast_message(HeardMessage(payload=message.payload))

    @ws_handler
    async def handle_echo(self, message: EchoMessage) -> ReplyMessage:
        """Repeat the text."""
        return ReplyMessage(payload=message.payload.text * message.payload.count)

    @ws_handler
    async def handle_check(self, message: CheckMessage) -> ReplyMessage:
        """Answer a payload that passed its validators."""
        return ReplyMessage(payload="checked")

    @ws_handler(permissions=[payload_allowed])
    async def handle_guarded(self, message: GuardedMessage) -> ReplyMessage:
        """Count a frame the permission let through."""
        self.guarded_runs += 1
        return ReplyMessage(payload=f"guarded {message.payload}")

    @ws_handler
    async def handle_boom(self, message: BoomMessage) -> None:
        """Raise, with the secret in the exception's text."""
        msg = f"the database password is {SECRET}"
        raise RuntimeError(msg)

    @ws_handler(timeout=HANG_SECONDS)
    async def handle_hang(self, message: HangMessage) -> None:
        """Never return."""
        await asyncio.Event().wait()

    @ws_handler(rate_limit=TICK_LIMIT)
    async def handle_tick(self, message: TickMessage) -> ReplyMessage:
        """Count a tick the handler's own rate limit let through."""
        self.tick_runs += 1
        return ReplyMessage(payload="tock")

    @ws_handler
    async def handle_stats(self, message: StatsMessage) -> StatsReply:
        """Report the counters and the server's task count."""
        tasks = len(asyncio.all_tasks())
        return StatsReply(
            payload=Stats(guarded=self.guarded_runs, ticks=self.tick_runs, tasks=tasks)
        )
