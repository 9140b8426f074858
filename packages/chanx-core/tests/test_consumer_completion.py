"""The ``complete``, ``group_complete`` and ``event_complete`` frames of send_completion."""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar, Literal

import pytest
from chanx_core_host import HostConsumer

from chanx.core.decorators import event_handler, ws_handler
from chanx.core.testing import WebsocketCommunicator
from chanx.messages import BaseMessage, PingMessage, PongMessage

COMPLETE = {"action": "complete", "payload": None}
GROUP_COMPLETE = {"action": "group_complete", "payload": None}
EVENT_COMPLETE = {"action": "event_complete", "payload": None}


class MultiMessage(BaseMessage):
    action: Literal["multi"] = "multi"


class NoteMessage(BaseMessage):
    action: Literal["note"] = "note"
    payload: int


class ShoutMessage(BaseMessage):
    action: Literal["shout"] = "shout"
    payload: str


class AnnouncementMessage(BaseMessage):
    action: Literal["announcement"] = "announcement"
    payload: str


class SlowMessage(BaseMessage):
    action: Literal["slow"] = "slow"


class BoomMessage(BaseMessage):
    action: Literal["boom"] = "boom"


class AlertEvent(BaseMessage):
    action: Literal["alert"] = "alert"
    payload: str


class AlertedMessage(BaseMessage):
    action: Literal["alerted"] = "alerted"
    payload: str


class CompletingConsumer(HostConsumer):
    send_completion = True
    groups = ["room"]
    gate: ClassVar[asyncio.Event]

    @ws_handler
    async def ping(self, message: PingMessage) -> PongMessage:
        return PongMessage()

    @ws_handler(output_type=NoteMessage)
    async def multi(self, message: MultiMessage) -> NoteMessage:
        await self.send_message(NoteMessage(payload=1))
        await self.send_message(NoteMessage(payload=2))
        return NoteMessage(payload=3)

    @ws_handler
    async def slow(self, message: SlowMessage) -> NoteMessage:
        await type(self).gate.wait()
        return NoteMessage(payload=0)

    @ws_handler(output_type=AnnouncementMessage)
    async def shout(self, message: ShoutMessage) -> None:
        await self.broadcast_message(AnnouncementMessage(payload=message.payload))

    @ws_handler
    async def boom(self, message: BoomMessage) -> None:
        raise RuntimeError("boom")

    @event_handler
    async def alert(self, event: AlertEvent) -> AlertedMessage:
        return AlertedMessage(payload=event.payload)


class QuietConsumer(CompletingConsumer):
    send_completion = False


def connect(consumer: type[HostConsumer] = CompletingConsumer) -> WebsocketCommunicator:
    return WebsocketCommunicator(consumer.as_asgi(), "/ws", consumer=consumer)


async def receive(communicator: WebsocketCommunicator, count: int) -> list[Any]:
    return [await communicator.receive_json() for _ in range(count)]


async def test_complete_follows_every_frame_a_handler_sent() -> None:
    """``complete`` comes after the handler's sent messages and its return value, in order."""
    async with connect() as communicator:
        await communicator.send_json({"action": "multi"})
        assert await receive(communicator, 4) == [
            {"action": "note", "payload": 1},
            {"action": "note", "payload": 2},
            {"action": "note", "payload": 3},
            COMPLETE,
        ]
        assert await communicator.receive_nothing()


async def test_complete_follows_a_handler_that_returns_nothing() -> None:
    """A handler that sends nothing still gets its frame acknowledged with ``complete``."""
    async with connect() as communicator:
        await communicator.send_json({"action": "shout", "payload": "hi"})
        frames = await receive(communicator, 3)
        assert COMPLETE in frames


@pytest.mark.parametrize(
    "send",
    [
        pytest.param(lambda c: c.send_text("{nope"), id="invalid-json"),
        pytest.param(lambda c: c.send_json([1]), id="not-an-object"),
        pytest.param(lambda c: c.send_bytes(b"\x00"), id="binary"),
        pytest.param(lambda c: c.send_json({"action": "nobody"}), id="unknown-action"),
        pytest.param(lambda c: c.send_json({"action": "shout"}), id="invalid-field"),
        pytest.param(lambda c: c.send_json({"action": "boom"}), id="handler-raised"),
    ],
)
async def test_complete_follows_an_error_frame(send: Any) -> None:
    """Every kind of error frame is followed by ``complete``, so the client is never left waiting."""
    async with connect() as communicator:
        await send(communicator)
        error, complete = await receive(communicator, 2)
        assert error["action"] == "error"
        assert complete == COMPLETE


async def test_a_binary_frame_is_answered_in_turn_after_earlier_frames() -> None:
    """A binary frame's error and ``complete`` wait for the replies to frames sent before it."""
    CompletingConsumer.gate = asyncio.Event()
    async with connect() as communicator:
        await communicator.send_json({"action": "slow"})
        await communicator.send_bytes(b"\x00")
        assert await communicator.receive_nothing()
        CompletingConsumer.gate.set()
        frames = await receive(communicator, 4)
        assert [frame["action"] for frame in frames] == ["note", "complete", "error", "complete"]


async def test_each_recipient_sends_group_complete_after_relaying_a_broadcast() -> None:
    """Every connection that relays a broadcast follows it with ``group_complete``."""
    async with connect() as sender, connect() as other:
        await sender.send_json({"action": "shout", "payload": "hello"})
        announcement = {"action": "announcement", "payload": "hello"}
        assert await receive(other, 2) == [announcement, GROUP_COMPLETE]
        mine = await receive(sender, 3)
        assert mine.index(announcement) + 1 == mine.index(GROUP_COMPLETE)
        assert COMPLETE in mine
        assert await other.receive_nothing()
        assert await sender.receive_nothing()


async def test_event_complete_follows_an_event_handler() -> None:
    """After an event handler ran and its reply was sent, ``event_complete`` follows."""
    async with connect() as communicator:
        await CompletingConsumer.broadcast_event(AlertEvent(payload="fire"), groups=["room"])
        assert await receive(communicator, 2) == [
            {"action": "alerted", "payload": "fire"},
            EVENT_COMPLETE,
        ]


async def test_no_completion_frames_when_send_completion_is_off() -> None:
    """With send_completion False, replies, broadcasts and events come without completion frames."""
    async with connect(QuietConsumer) as communicator:
        await communicator.send_json({"action": "multi"})
        assert [frame["payload"] for frame in await receive(communicator, 3)] == [1, 2, 3]
        await communicator.send_json({"action": "nobody"})
        assert (await communicator.receive_json())["action"] == "error"
        await communicator.send_json({"action": "boom"})
        assert (await communicator.receive_json())["action"] == "error"
        await communicator.send_json({"action": "shout", "payload": "hey"})
        assert await communicator.receive_json() == {"action": "announcement", "payload": "hey"}
        await QuietConsumer.broadcast_event(AlertEvent(payload="x"), groups=["room"])
        assert await communicator.receive_json() == {"action": "alerted", "payload": "x"}
        assert await communicator.receive_nothing()
