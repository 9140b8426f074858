"""Limits on a live connection: message size, rate limits, permissions, idle and heartbeat."""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar, Literal

import pytest
import structlog
from chanx_core_host import HostConsumer
from pydantic import field_validator

from chanx.core import AuthResult, BaseAuthenticator, RateLimit
from chanx.core.decorators import ws_handler
from chanx.core.testing import WebsocketCommunicator
from chanx.messages import BaseMessage, PingMessage


class Say(BaseMessage):
    action: Literal["say"] = "say"
    payload: str


class Said(BaseMessage):
    action: Literal["said"] = "said"
    payload: str


class Admin(BaseMessage):
    action: Literal["admin"] = "admin"
    payload: str


class Slow(BaseMessage):
    action: Literal["slow"] = "slow"
    payload: float


def is_owner(consumer: Any, message: Admin) -> bool:
    return bool(message.payload == "owner")


async def not_banned(consumer: Any, message: Admin) -> bool:
    await asyncio.sleep(0)
    return bool(message.payload != "banned")


def broken(consumer: Any, message: Any) -> bool:
    raise RuntimeError("secret-internal-detail")


class Guarded(HostConsumer):
    ran: ClassVar[list[str]] = []

    @ws_handler(rate_limit=RateLimit(rate=0.01, burst=2, close_after=None))
    async def say(self, message: Say) -> Said:
        type(self).ran.append(message.payload)
        return Said(payload=message.payload)

    @ws_handler(permissions=[not_banned, is_owner])
    async def admin(self, message: Admin) -> Said:
        type(self).ran.append(f"admin:{message.payload}")
        return Said(payload="done")

    @ws_handler(timeout=0.05)
    async def slow(self, message: Slow) -> Said:
        await asyncio.sleep(message.payload)
        return Said(payload="slept")


def connect(consumer: type[HostConsumer]) -> WebsocketCommunicator:
    return WebsocketCommunicator(consumer.as_asgi(), "/ws", consumer=consumer)


async def test_a_frame_over_max_message_size_gets_an_error_and_is_never_parsed() -> None:
    """Past max_message_size (counted in UTF-8 bytes) a frame is refused; the next one works."""

    class Small(Guarded):
        max_message_size = 64

    Small.ran = []
    async with connect(Small) as communicator:
        # 30 characters of 3 bytes each: 90 bytes, over the limit though under it in characters.
        await communicator.send_json({"action": "say", "payload": "\u20ac" * 30})
        reply = await communicator.receive_json()
        assert reply == {
            "action": "error",
            "payload": {"detail": "Message too large: the limit is 64 bytes (max_message_size)"},
        }
        await communicator.send_json({"action": "say", "payload": "hi"})
        assert await communicator.receive_json() == {"action": "said", "payload": "hi"}
    assert Small.ran == ["hi"]


async def test_the_default_size_limit_is_one_mebibyte() -> None:
    """A 2 MiB frame is refused under the default settings."""
    async with connect(Guarded) as communicator:
        await communicator.send_text('{"action":"say","payload":"' + "x" * 2_097_152 + '"}')
        reply = await communicator.receive_json()
        assert "limit is 1048576 bytes" in reply["payload"]["detail"]


async def test_the_connection_rate_limit_refuses_frames_naming_the_limit() -> None:
    """Over the consumer's rate_limit a frame gets an error naming it, with status_code 429."""

    class Limited(Guarded):
        rate_limit = RateLimit(rate=0.01, burst=2, close_after=None)

    Limited.ran = []
    async with connect(Limited) as communicator:
        await communicator.send_json({"action": "admin", "payload": "owner"})
        await communicator.send_json({"action": "admin", "payload": "owner"})
        await communicator.send_json({"action": "admin", "payload": "owner"})
        replies = [await communicator.receive_json() for _ in range(3)]
    assert replies[:2] == [{"action": "said", "payload": "done"}] * 2
    assert replies[2] == {
        "action": "error",
        "payload": {
            "detail": "Rate limit exceeded: 0.01 per second, burst 2 (rate_limit)",
            "status_code": 429,
        },
    }
    assert Limited.ran == ["admin:owner", "admin:owner"]


async def test_a_flood_past_close_after_is_closed_with_4429() -> None:
    """Sustained abuse (more refusals than close_after) closes the connection with 4429."""

    class Strict(Guarded):
        rate_limit = RateLimit(rate=0.01, burst=1, close_after=3)

    async with connect(Strict) as communicator:
        for _ in range(6):
            await communicator.send_json({"action": "admin", "payload": "owner"})
        await communicator.assert_closed(4429)


async def test_a_handler_rate_limit_applies_to_its_action_only() -> None:
    """A handler's own limit refuses its third frame, naming its action; others go on."""
    Guarded.ran = []
    async with connect(Guarded) as communicator:
        for word in ("a", "b", "c"):
            await communicator.send_json({"action": "say", "payload": word})
        await communicator.send_json({"action": "admin", "payload": "owner"})
        replies = [await communicator.receive_json() for _ in range(4)]
    assert replies == [
        {"action": "said", "payload": "a"},
        {"action": "said", "payload": "b"},
        {
            "action": "error",
            "payload": {
                "detail": "Rate limit exceeded: 0.01 per second, burst 2 (rate_limit of say)",
                "status_code": 429,
            },
        },
        {"action": "said", "payload": "done"},
    ]
    assert Guarded.ran == ["a", "b", "admin:owner"]


@pytest.mark.parametrize("payload", ["guest", "banned"])
async def test_a_denied_frame_gets_a_403_error_and_its_handler_never_runs(payload: str) -> None:
    """Every permission must allow the frame, sync or async; a denial runs nothing."""
    Guarded.ran = []
    async with connect(Guarded) as communicator:
        await communicator.send_json({"action": "admin", "payload": payload})
        assert await communicator.receive_json() == {
            "action": "error",
            "payload": {"detail": "Permission denied for admin", "status_code": 403},
        }
        await communicator.send_json({"action": "admin", "payload": "owner"})
        assert await communicator.receive_json() == {"action": "said", "payload": "done"}
    assert Guarded.ran == ["admin:owner"]


async def test_a_failing_permission_denies_without_leaking_its_error() -> None:
    """A permission that raises is logged with its traceback; the client gets a generic error."""

    class Broken(HostConsumer):
        @ws_handler(permissions=[broken])
        async def admin(self, message: Admin) -> Said:
            raise AssertionError("the handler must not run")

    with structlog.testing.capture_logs() as logs:
        async with connect(Broken) as communicator:
            await communicator.send_json({"action": "admin", "payload": "owner"})
            reply = await communicator.receive_json()
    assert reply == {
        "action": "error",
        "payload": {"detail": "Failed to process message for admin"},
    }
    assert "secret-internal-detail" not in str(reply)
    assert [entry["event"] for entry in logs if entry["log_level"] == "error"] == [
        "chanx.permission.error"
    ]


def test_a_permission_class_is_refused_when_the_consumer_is_defined() -> None:
    """The core checks plain functions; a class needs an adapter that knows it (Django's)."""

    class SomePermissionClass:
        def has_permission(self, request: Any, view: Any) -> bool:
            return True

    with pytest.raises(TypeError, match="is not a check"):

        class Wrong(HostConsumer):
            @ws_handler(permissions=[SomePermissionClass])
            async def admin(self, message: Admin) -> None: ...


async def test_a_handler_timeout_replaces_the_consumer_timeout() -> None:
    """``@ws_handler(timeout=...)`` cancels that handler even when the consumer has none."""
    async with connect(Guarded) as communicator:
        await communicator.send_json({"action": "slow", "payload": 5})
        assert await communicator.receive_json() == {
            "action": "error",
            "payload": {"detail": "Timed out processing message for slow"},
        }
        await communicator.send_json({"action": "slow", "payload": 0})
        assert await communicator.receive_json() == {"action": "said", "payload": "slept"}


async def test_an_idle_connection_is_closed_with_4408() -> None:
    """No frame from the client for idle_timeout seconds closes the connection with 4408."""

    class Idle(Guarded):
        idle_timeout = 0.2

    async with connect(Idle) as communicator:
        # Activity keeps it open past the timeout...
        for _ in range(3):
            await asyncio.sleep(0.1)
            await communicator.send_json({"action": "admin", "payload": "owner"})
            await communicator.receive_json()
        # ...and silence closes it.
        await communicator.assert_closed(4408, timeout=2)


async def test_the_heartbeat_sends_pings_and_answers_the_clients_ping() -> None:
    """With a heartbeat the server sends ping frames; a client's ping gets a pong, a pong nothing."""

    class Beating(Guarded):
        heartbeat_interval = 0.05
        idle_timeout = 0.5

    async with connect(Beating) as communicator:
        assert await communicator.receive_json(timeout=2) == {"action": "ping", "payload": None}
        # Answering the server's pings keeps the connection open past idle_timeout.
        for _ in range(12):
            await communicator.send_json({"action": "pong"})
            await asyncio.sleep(0.05)
        await communicator.send_json({"action": "ping", "payload": None})
        # Pings keep arriving meanwhile; the pong comes among them, and nothing else does.
        seen: list[str] = []
        while "pong" not in seen and len(seen) < 100:
            frame = await communicator.receive_json(timeout=2)
            assert frame["payload"] is None
            seen.append(frame["action"])
        assert seen[-1] == "pong"
        assert set(seen) == {"ping", "pong"}
        # Once the client falls silent, pings alone do not keep it open.
        await communicator.assert_closed(4408, timeout=2)


async def test_a_consumer_ping_handler_wins_over_the_heartbeat() -> None:
    """A consumer that handles ping itself keeps its handler with a heartbeat on."""

    class OwnPing(HostConsumer):
        heartbeat_interval = 60

        @ws_handler
        async def ping(self, message: PingMessage) -> Said:
            return Said(payload="mine")

    async with connect(OwnPing) as communicator:
        await communicator.send_json({"action": "ping"})
        assert await communicator.receive_json() == {"action": "said", "payload": "mine"}


async def test_without_a_heartbeat_ping_is_an_ordinary_unknown_action() -> None:
    """Chanx answers ping by itself only when the consumer asks for a heartbeat."""
    async with connect(Guarded) as communicator:
        await communicator.send_json({"action": "ping"})
        reply = await communicator.receive_json()
        assert reply["action"] == "error"
        assert reply["payload"][0]["loc"] == ["action"]


class Hanging(BaseAuthenticator):
    async def authenticate(self) -> AuthResult:
        await asyncio.sleep(60)
        return AuthResult()


async def test_an_authenticator_past_authentication_timeout_is_refused_with_4408() -> None:
    """A hung authenticator costs at most authentication_timeout: status 408, close 4408."""

    class Waiting(Guarded):
        authenticator_class = Hanging
        authentication_timeout = 0.1

    Waiting.ran = []
    async with connect(Waiting) as communicator:
        await communicator.send_json({"action": "admin", "payload": "owner"})
        payload = await communicator.receive_authentication(timeout=2)
        assert payload["status_code"] == 408
        assert payload["status_text"] == "Authentication timed out"
        await communicator.assert_closed(4408)
    assert Waiting.ran == []


class Picky(BaseMessage):
    action: Literal["picky"] = "picky"
    payload: str

    @field_validator("payload")
    @classmethod
    def check(cls, value: str) -> str:
        if value == "type":
            raise TypeError("secret-type-detail")
        raise KeyError("secret-key-detail")


@pytest.mark.parametrize("payload", ["type", "key"])
async def test_a_validator_that_raises_another_exception_gets_an_error_frame(payload: str) -> None:
    """A TypeError or KeyError in a validator is a server bug: logged, a generic error frame."""

    class PickyConsumer(HostConsumer):
        @ws_handler
        async def picky(self, message: Picky) -> None: ...

    with structlog.testing.capture_logs() as logs:
        async with connect(PickyConsumer) as communicator:
            await communicator.send_json({"action": "picky", "payload": payload})
            assert await communicator.receive_json() == {
                "action": "error",
                "payload": {"detail": "Failed to validate the message"},
            }
    assert [entry["event"] for entry in logs if entry["log_level"] == "error"] == [
        "chanx.validation.error"
    ]
