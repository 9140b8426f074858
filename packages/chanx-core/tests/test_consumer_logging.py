"""Message logging: what is logged in each direction, what is ignored, and contextvars."""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any, ClassVar, Literal

import structlog
from chanx_core_host import HostConsumer

from chanx.core.decorators import ws_handler
from chanx.core.testing import WebsocketCommunicator
from chanx.messages import BaseMessage, PingMessage, PongMessage

MESSAGE_EVENTS = {"chanx.websocket.receive", "chanx.websocket.send"}


class EchoMessage(BaseMessage):
    action: Literal["echo"] = "echo"
    payload: str


class EchoedMessage(BaseMessage):
    action: Literal["echoed"] = "echoed"
    payload: str


class LoggingConsumer(HostConsumer):
    log_websocket_message = True
    groups = ["logs"]
    seen_context: ClassVar[list[dict[str, Any]]] = []

    @ws_handler
    async def ping(self, message: PingMessage) -> PongMessage:
        return PongMessage()

    @ws_handler
    async def echo(self, message: EchoMessage) -> EchoedMessage:
        type(self).seen_context.append(structlog.contextvars.get_contextvars())
        return EchoedMessage(payload=message.payload)


class IgnoringConsumer(LoggingConsumer):
    log_ignored_actions = ("ping", "pong")


class SilentConsumer(LoggingConsumer):
    log_websocket_message = False


def connect(consumer: type[HostConsumer] = LoggingConsumer) -> WebsocketCommunicator:
    return WebsocketCommunicator(consumer.as_asgi(), "/ws", consumer=consumer)


def message_logs(logs: list[MutableMapping[str, Any]]) -> list[MutableMapping[str, Any]]:
    return [log for log in logs if log["event"] in MESSAGE_EVENTS]


async def test_frames_are_logged_in_both_directions_when_enabled() -> None:
    """log_websocket_message logs the received frame with action and message_id, and the reply."""
    async with connect() as communicator:
        with structlog.testing.capture_logs() as logs:
            await communicator.send_json({"action": "echo", "payload": "hi"})
            await communicator.receive_json()
    receive, send = message_logs(logs)
    assert receive["event"] == "chanx.websocket.receive"
    assert receive["action"] == "echo"
    assert isinstance(receive["message_id"], str)
    assert receive["message_id"]
    assert '"payload": "hi"' in receive["message"]
    assert receive["log_level"] == "info"
    assert send["event"] == "chanx.websocket.send"
    assert send["action"] == "echoed"
    assert send["message"] == '{"action":"echoed","payload":"hi"}'


async def test_every_received_frame_gets_its_own_message_id() -> None:
    """Two frames are logged with two different message ids."""
    async with connect() as communicator:
        with structlog.testing.capture_logs() as logs:
            for text in ("a", "b"):
                await communicator.send_json({"action": "echo", "payload": text})
                await communicator.receive_json()
    ids = [log["message_id"] for log in logs if log["event"] == "chanx.websocket.receive"]
    assert len(set(ids)) == 2


async def test_broadcasts_are_logged_when_relayed() -> None:
    """A relayed broadcast is logged as a send, with its action."""

    class Broadcasting(HostConsumer):
        log_websocket_message = True
        groups = ["logs"]

        @ws_handler(output_type=EchoedMessage)
        async def echo(self, message: EchoMessage) -> None:
            await self.broadcast_message(EchoedMessage(payload=message.payload))

    async with connect(Broadcasting) as communicator:
        with structlog.testing.capture_logs() as logs:
            await communicator.send_json({"action": "echo", "payload": "all"})
            await communicator.receive_json()
    sends = [log for log in logs if log["event"] == "chanx.websocket.send"]
    assert [log["action"] for log in sends] == ["echoed"]


async def test_ignored_actions_are_logged_in_neither_direction() -> None:
    """log_ignored_actions suppresses the receive and the send entries of those actions."""
    async with connect(IgnoringConsumer) as communicator:
        with structlog.testing.capture_logs() as logs:
            await communicator.send_json({"action": "ping"})
            await communicator.receive_json()
            await communicator.send_json({"action": "echo", "payload": "x"})
            await communicator.receive_json()
    assert [(log["event"], log["action"]) for log in message_logs(logs)] == [
        ("chanx.websocket.receive", "echo"),
        ("chanx.websocket.send", "echoed"),
    ]


async def test_nothing_is_logged_when_message_logging_is_off() -> None:
    """With log_websocket_message False no receive or send entry is written."""
    async with connect(SilentConsumer) as communicator:
        with structlog.testing.capture_logs() as logs:
            await communicator.send_json({"action": "echo", "payload": "x"})
            await communicator.receive_json()
    assert message_logs(logs) == []


def binding_request_id(app: Any, after: list[dict[str, Any]]) -> Any:
    """Wrap an ASGI app like a middleware that binds a request id before the connection runs."""

    async def wrapped(scope: Any, receive: Any, send: Any) -> None:
        structlog.contextvars.bind_contextvars(request_id="x")
        await app(scope, receive, send)
        after.append(structlog.contextvars.get_contextvars())

    return wrapped


async def test_the_applications_contextvars_survive_message_handling() -> None:
    """Variables the application bound stay bound in handlers and after them; Chanx clears none."""
    LoggingConsumer.seen_context = []
    after: list[dict[str, Any]] = []
    app = binding_request_id(LoggingConsumer.as_asgi(), after)
    async with WebsocketCommunicator(app, "/ws", consumer=LoggingConsumer) as communicator:
        for text in ("a", "b"):
            await communicator.send_json({"action": "echo", "payload": text})
            await communicator.receive_json()
    assert [context["request_id"] for context in LoggingConsumer.seen_context] == ["x", "x"]
    assert [context["action"] for context in LoggingConsumer.seen_context] == ["echo", "echo"]
    assert [context["consumer"] for context in LoggingConsumer.seen_context] == [
        "LoggingConsumer",
        "LoggingConsumer",
    ]
    assert after == [{"request_id": "x"}]


async def test_contextvars_are_untouched_when_logging_is_off() -> None:
    """With message logging off, handlers see the application's and the connection's variables only."""
    SilentConsumer.seen_context = []
    after: list[dict[str, Any]] = []
    app = binding_request_id(SilentConsumer.as_asgi(), after)
    async with WebsocketCommunicator(app, "/ws", consumer=SilentConsumer) as communicator:
        await communicator.send_json({"action": "echo", "payload": "a"})
        await communicator.receive_json()
    assert SilentConsumer.seen_context == [
        {"request_id": "x", "consumer": "SilentConsumer", "path": "/ws"}
    ]
    assert after == [{"request_id": "x"}]
