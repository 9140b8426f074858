"""The test helpers themselves: the communicator's receive helpers and event capture."""

from __future__ import annotations

from typing import Any, Literal

import pytest
from chanx_core_host import HostConsumer, MemoryLayer

from chanx.core.authenticators import AuthResult, BaseAuthenticator, PermissionDenied
from chanx.core.decorators import event_handler, ws_handler
from chanx.core.testing import WebsocketCommunicator, capture_broadcast_events
from chanx.messages import BaseMessage, PingMessage, PongMessage


class ChatterMessage(BaseMessage):
    action: Literal["chatter"] = "chatter"


class LineMessage(BaseMessage):
    action: Literal["line"] = "line"
    payload: str


class SummaryMessage(BaseMessage):
    action: Literal["summary"] = "summary"
    payload: int


class TickEvent(BaseMessage):
    action: Literal["tick"] = "tick"
    payload: int


class TockMessage(BaseMessage):
    action: Literal["tock"] = "tock"
    payload: int


class HelperConsumer(HostConsumer[TickEvent]):
    send_completion = True
    groups = ["clock"]

    @ws_handler
    async def ping(self, message: PingMessage) -> PongMessage:
        return PongMessage()

    @ws_handler(output_type=LineMessage)
    async def chatter(self, message: ChatterMessage) -> SummaryMessage:
        await self.send_message(LineMessage(payload="one"))
        await self.send_message(LineMessage(payload="two"))
        return SummaryMessage(payload=2)

    @event_handler
    async def tick(self, event: TickEvent) -> TockMessage:
        return TockMessage(payload=event.payload)


def connect(consumer: type[HostConsumer[TickEvent]] = HelperConsumer) -> WebsocketCommunicator:
    return WebsocketCommunicator(consumer.as_asgi(), "/ws", consumer=consumer)


async def test_receive_all_messages_stops_at_complete_and_leaves_it_out() -> None:
    """By default the collection ends at ``complete``, which is not part of the result."""
    async with connect() as communicator:
        await communicator.send_json({"action": "chatter"})
        assert await communicator.receive_all_messages() == [
            {"action": "line", "payload": "one"},
            {"action": "line", "payload": "two"},
            {"action": "summary", "payload": 2},
        ]


async def test_receive_all_messages_includes_a_custom_stop_frame() -> None:
    """A custom stop action ends the collection and its frame is included."""
    async with connect() as communicator:
        await communicator.send_json({"action": "chatter"})
        assert await communicator.receive_all_messages(stop_action="summary") == [
            {"action": "line", "payload": "one"},
            {"action": "line", "payload": "two"},
            {"action": "summary", "payload": 2},
        ]
        assert await communicator.receive_json() == {"action": "complete", "payload": None}


async def test_receive_all_messages_fails_with_what_it_received() -> None:
    """When the stop action never comes, the AssertionError lists the frames received so far."""
    async with connect() as communicator:
        await communicator.send_json({"action": "chatter"})
        with pytest.raises(AssertionError, match="never_sent") as failure:
            await communicator.receive_all_messages(stop_action="never_sent", timeout=0.2)
    message = str(failure.value)
    assert "received:" in message
    assert "'payload': 'one'" in message
    assert "'payload': 'two'" in message
    assert "'action': 'complete'" in message


async def test_receive_nothing_tells_whether_something_was_sent() -> None:
    """receive_nothing is True while the app is quiet and False once a frame is waiting."""
    async with connect() as communicator:
        assert await communicator.receive_nothing() is True
        await communicator.send_json({"action": "ping"})
        assert await communicator.receive_nothing() is False
        assert await communicator.receive_json() == {"action": "pong", "payload": None}


class RefusingAuthenticator(BaseAuthenticator):
    async def authenticate(self) -> AuthResult:
        raise PermissionDenied


class RefusedConsumer(HelperConsumer):
    authenticator_class = RefusingAuthenticator


async def test_assert_closed_checks_the_close_code() -> None:
    """assert_closed passes on the expected code and fails with both codes named otherwise."""
    async with connect(RefusedConsumer) as communicator:
        with pytest.raises(AssertionError, match="closed with 4403, expected 4401"):
            await communicator.assert_closed(code=4401)
    async with connect(RefusedConsumer) as communicator:
        await communicator.assert_closed(code=4403)
        assert communicator.close_code == 4403


async def test_assert_closed_fails_when_the_connection_stays_open() -> None:
    """assert_closed fails when no close arrives in time."""
    async with connect() as communicator:
        with pytest.raises(AssertionError, match="nothing received"):
            await communicator.assert_closed(timeout=0.1)


async def test_capture_broadcast_events_records_and_still_delivers(layer: MemoryLayer) -> None:
    """capture_broadcast_events records each event sent while still delivering it."""
    async with connect() as communicator:
        with capture_broadcast_events() as captured:
            await HelperConsumer.broadcast_event(TickEvent(payload=1), groups=["clock"])
            await HelperConsumer.send_event(TickEvent(payload=2), "nowhere")
        assert await communicator.receive_json() == {"action": "tock", "payload": 1}
    [broadcast, direct] = captured.events
    assert broadcast.consumer is HelperConsumer
    assert broadcast.event == TickEvent(payload=1)
    assert broadcast.groups == ("clock",)
    assert direct.channel_name == "nowhere"
    assert captured.of_type(TickEvent) == [TickEvent(payload=1), TickEvent(payload=2)]
    assert len(layer.sent) == 2


async def test_capture_broadcast_events_with_suppress_delivers_nothing(layer: MemoryLayer) -> None:
    """With suppress=True the events are recorded but never reach the layer."""
    async with connect() as communicator:
        with capture_broadcast_events(suppress=True) as captured:
            await HelperConsumer.broadcast_event(TickEvent(payload=1), groups=["clock"])
            await HelperConsumer.send_event(TickEvent(payload=2), "specific.0")
        assert await communicator.receive_nothing()
    assert [item.event for item in captured.events] == [TickEvent(payload=1), TickEvent(payload=2)]
    assert layer.sent == []


async def test_events_after_the_capture_block_are_not_recorded() -> None:
    """Leaving the block stops recording, and events flow as usual."""
    async with connect() as communicator:
        with capture_broadcast_events(suppress=True) as captured:
            pass
        await HelperConsumer.broadcast_event(TickEvent(payload=3), groups=["clock"])
        assert await communicator.receive_json() == {"action": "tock", "payload": 3}
    assert captured.events == []


class HostedCommunicator(WebsocketCommunicator):
    """A communicator that, like an adapter's, sends default headers."""

    default_headers = {"host": "testserver", "origin": "http://testserver"}


def test_default_headers_are_sent_unless_the_test_gives_its_own() -> None:
    """A subclass's default_headers fill in missing headers; a header the test gives wins."""

    async def app(scope: Any, receive: Any, send: Any) -> None:  # never run
        raise AssertionError

    communicator = HostedCommunicator(app, "/ws", headers={"Origin": "http://elsewhere"})
    assert sorted(communicator.scope["headers"]) == [
        (b"host", b"testserver"),
        (b"origin", b"http://elsewhere"),
    ]
    assert WebsocketCommunicator(app, "/ws").scope["headers"] == []
