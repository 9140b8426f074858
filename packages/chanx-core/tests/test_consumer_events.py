"""Server-side events through the channel layer, and what happens without a layer."""

from __future__ import annotations

import asyncio
from typing import Any, Literal

import pytest
import structlog
from chanx_core_host import HostConsumer, HostFramework, MemoryLayer

from chanx.core.decorators import event_handler, ws_handler
from chanx.core.events import broadcast_event, broadcast_event_sync, send_event, send_event_sync
from chanx.core.testing import CapturedEvent, WebsocketCommunicator, capture_broadcast_events
from chanx.core.websocket import ChannelLayerMissingError
from chanx.messages import BaseMessage, PingMessage, PongMessage

TIMEOUT = 2.0
"""Bound on a call from a worker thread, so a loop that is never woken fails the test."""


class GreetEvent(BaseMessage):
    action: Literal["greet"] = "greet"
    payload: str


class GreetingMessage(BaseMessage):
    action: Literal["greeting"] = "greeting"
    payload: str


class StrayEvent(BaseMessage):
    """An event no handler of the consumer accepts."""

    action: Literal["stray"] = "stray"


class WhoAmIMessage(BaseMessage):
    action: Literal["whoami"] = "whoami"


class ChannelMessage(BaseMessage):
    action: Literal["channel"] = "channel"
    payload: str


class EventConsumer(HostConsumer[GreetEvent]):
    groups = ["town"]

    @ws_handler
    async def ping(self, message: PingMessage) -> PongMessage:
        return PongMessage()

    @ws_handler
    async def whoami(self, message: WhoAmIMessage) -> ChannelMessage:
        return ChannelMessage(payload=self.channel_name)

    @event_handler
    async def greet(self, event: GreetEvent) -> GreetingMessage:
        return GreetingMessage(payload=f"{event.payload}, {self.scope['query_string'].decode()}")


def connect(name: str, consumer: type[HostConsumer[Any]] = EventConsumer) -> WebsocketCommunicator:
    return WebsocketCommunicator(consumer.as_asgi(), f"/ws?{name}", consumer=consumer)


def greeting(text: str) -> dict[str, Any]:
    return {"action": "greeting", "payload": text}


async def channel_of(communicator: WebsocketCommunicator) -> str:
    await communicator.send_json({"action": "whoami"})
    reply = await communicator.receive_json()
    name: str = reply["payload"]
    return name


async def assert_pong(communicator: WebsocketCommunicator) -> None:
    await communicator.send_json({"action": "ping"})
    assert await communicator.receive_json() == {"action": "pong", "payload": None}


async def test_broadcast_event_runs_the_handler_in_every_connection_of_the_group() -> None:
    """Each connection of the group runs the event handler and gets its own personalised reply."""
    async with connect("ann") as ann, connect("bob") as bob:
        await EventConsumer.broadcast_event(GreetEvent(payload="hello"), groups=["town"])
        assert await ann.receive_json() == greeting("hello, ann")
        assert await bob.receive_json() == greeting("hello, bob")


async def test_a_single_group_name_is_one_group_not_its_letters(layer: MemoryLayer) -> None:
    """``groups="town"`` targets the group town, never groups t, o, w and n."""
    async with connect("ann") as ann:
        layer.sent.clear()
        await EventConsumer.broadcast_event(GreetEvent(payload="one"), groups="town")
        assert await ann.receive_json() == greeting("one, ann")
    assert {message.get("group") for _, message in layer.sent} == {"town"}


async def test_broadcast_event_defaults_to_the_class_groups() -> None:
    """Without groups=, broadcast_event targets the groups declared on the class."""
    async with connect("ann") as ann:
        await EventConsumer.broadcast_event(GreetEvent(payload="hi"))
        assert await ann.receive_json() == greeting("hi, ann")


async def test_send_event_reaches_one_connection() -> None:
    """send_event delivers to the named channel only."""
    async with connect("ann") as ann, connect("bob") as bob:
        await EventConsumer.send_event(GreetEvent(payload="psst"), await channel_of(bob))
        assert await bob.receive_json() == greeting("psst, bob")
        assert await ann.receive_nothing()


async def test_broadcast_event_sync_works_from_a_worker_thread() -> None:
    """broadcast_event_sync, called from a thread while the loop serves, delivers the event."""
    asyncio.get_running_loop().set_debug(True)  # fail on any non-thread-safe loop access
    async with connect("ann") as ann:
        sending = asyncio.to_thread(
            EventConsumer.broadcast_event_sync, GreetEvent(payload="from a thread"), ["town"]
        )
        await asyncio.wait_for(sending, TIMEOUT)
        assert await ann.receive_json() == greeting("from a thread, ann")


async def test_send_event_sync_works_from_a_worker_thread() -> None:
    """send_event_sync, called from a thread while the loop serves, delivers the event."""
    asyncio.get_running_loop().set_debug(True)  # fail on any non-thread-safe loop access
    async with connect("ann") as ann:
        channel = await channel_of(ann)
        sending = asyncio.to_thread(
            EventConsumer.send_event_sync, GreetEvent(payload="yo"), channel
        )
        await asyncio.wait_for(sending, TIMEOUT)
        assert await ann.receive_json() == greeting("yo, ann")


async def test_an_event_no_handler_accepts_is_logged_and_not_delivered(
    layer: MemoryLayer,
) -> None:
    """An event type without an @event_handler is logged as chanx.event.unknown and never sent."""
    stray: Any = StrayEvent()
    async with connect("ann") as ann:
        with structlog.testing.capture_logs() as logs:
            await EventConsumer.broadcast_event(stray, groups=["town"])
            await EventConsumer.send_event(stray, await channel_of(ann))
        assert [log["event"] for log in logs] == ["chanx.event.unknown"] * 2
        assert {log["event_type"] for log in logs} == {"StrayEvent"}
        assert await ann.receive_nothing()
    assert layer.sent == []


@pytest.mark.parametrize(
    "message",
    [
        pytest.param({"type": "chanx.event", "event": "{not json"}, id="not-json"),
        pytest.param({"type": "chanx.event", "event": '{"action": "stray"}'}, id="unknown"),
        pytest.param({"type": "chanx.event", "event": '{"action": "greet"}'}, id="invalid"),
        pytest.param({"type": "chanx.event", "event": 42}, id="not-text"),
        pytest.param({"type": "chanx.event"}, id="missing"),
    ],
)
async def test_a_malformed_event_is_logged_and_the_connection_keeps_working(
    layer: MemoryLayer, message: dict[str, Any]
) -> None:
    """A malformed event from the layer is logged as chanx.event.invalid; nothing else changes."""
    async with connect("ann") as ann:
        with structlog.testing.capture_logs() as logs:
            await layer.send(await channel_of(ann), message)
            assert await ann.receive_nothing()
        assert [log["event"] for log in logs] == ["chanx.event.invalid"]
        await assert_pong(ann)
        await EventConsumer.broadcast_event(GreetEvent(payload="still"), groups=["town"])
        assert await ann.receive_json() == greeting("still, ann")


async def test_a_consumer_with_groups_but_no_layer_is_closed_with_1011() -> None:
    """Without a channel layer, a consumer that declares groups closes with 1011 and logs why."""
    HostFramework.layers = {}
    communicator = connect("ann")
    with structlog.testing.capture_logs() as logs:
        accepted, _ = await communicator.connect()
        assert accepted
        await communicator.assert_closed(code=1011)
    [entry] = [log for log in logs if log["event"] == "chanx.channel_layer.missing"]
    assert "EventConsumer" in entry["detail"]
    assert entry["log_level"] == "error"
    await communicator.disconnect()


class LonelyConsumer(HostConsumer):
    """A consumer without groups, so it connects without a layer."""

    @ws_handler
    async def whoami(self, message: WhoAmIMessage) -> ChannelMessage:
        try:
            await self.broadcast_message(ChannelMessage(payload="never sent"))
        except ChannelLayerMissingError as exc:
            return ChannelMessage(payload=f"{type(exc).__name__}: {exc}")
        return ChannelMessage(payload="broadcast went out")

    @event_handler
    async def greet(self, event: GreetEvent) -> GreetingMessage:
        return GreetingMessage(payload=event.payload)


async def test_broadcast_message_without_a_layer_raises_channel_layer_missing() -> None:
    """broadcast_message raises ChannelLayerMissingError when no layer is configured."""
    HostFramework.layers = {}
    async with connect("ann", LonelyConsumer) as communicator:
        await communicator.send_json({"action": "whoami"})
        reply = await communicator.receive_json()
        assert reply["payload"].startswith("ChannelLayerMissingError: LonelyConsumer needs")


async def test_sending_events_without_a_layer_raises_channel_layer_missing() -> None:
    """send_event and broadcast_event raise ChannelLayerMissingError when no layer is configured."""
    HostFramework.layers = {}
    with pytest.raises(ChannelLayerMissingError, match="CHANNEL_LAYERS"):
        await LonelyConsumer.broadcast_event(GreetEvent(payload="x"), groups=["town"])
    with pytest.raises(ChannelLayerMissingError):
        await LonelyConsumer.send_event(GreetEvent(payload="x"), "specific.0")


# ------------------------------------------------- chanx.core.events, no consumer class
async def test_broadcast_event_reaches_every_member_through_the_given_layer(
    layer: MemoryLayer,
) -> None:
    """Each member runs its @event_handler, as for the consumer's own broadcast_event."""
    async with connect("ann") as ann, connect("bob") as bob:
        await broadcast_event(GreetEvent(payload="v2 live"), ["town"], layer=layer)
        assert await ann.receive_json() == greeting("v2 live, ann")
        assert await bob.receive_json() == greeting("v2 live, bob")


async def test_it_publishes_what_the_consumer_classmethod_publishes(layer: MemoryLayer) -> None:
    """The layer message is the same, so consumers cannot tell who sent an event."""
    event = GreetEvent(payload="same")
    async with connect("ann") as ann:
        layer.sent.clear()
        await EventConsumer.broadcast_event(event, groups="town")
        await broadcast_event(event, "town", layer=layer)
        assert await ann.receive_json() == greeting("same, ann")
        assert await ann.receive_json() == greeting("same, ann")
    from_class, from_function = layer.sent
    assert from_class == from_function
    assert from_function[1]["group"] == "town"


async def test_the_function_takes_a_single_group_name_as_one_group(layer: MemoryLayer) -> None:
    """``"town"`` targets the group town, never groups t, o, w and n."""
    async with connect("ann") as ann:
        layer.sent.clear()
        await broadcast_event(GreetEvent(payload="one"), "town", layer=layer)
        assert await ann.receive_json() == greeting("one, ann")
    assert [message["group"] for _, message in layer.sent] == ["town"]


async def test_the_send_event_function_reaches_one_connection(layer: MemoryLayer) -> None:
    """send_event delivers to the named channel and nobody else."""
    async with connect("ann") as ann, connect("bob") as bob:
        await send_event(GreetEvent(payload="psst"), await channel_of(bob), layer=layer)
        assert await bob.receive_json() == greeting("psst, bob")
        assert await ann.receive_nothing()


async def test_the_sync_forms_work_from_a_worker_thread(layer: MemoryLayer) -> None:
    """A Celery task or a script calls the sync forms from a thread with no running loop."""
    asyncio.get_running_loop().set_debug(True)  # fail on any non-thread-safe loop access
    async with connect("ann") as ann:
        channel = await channel_of(ann)
        await asyncio.wait_for(
            asyncio.to_thread(
                broadcast_event_sync, GreetEvent(payload="all"), ["town"], layer=layer
            ),
            TIMEOUT,
        )
        assert await ann.receive_json() == greeting("all, ann")
        await asyncio.wait_for(
            asyncio.to_thread(send_event_sync, GreetEvent(payload="one"), channel, layer=layer),
            TIMEOUT,
        )
        assert await ann.receive_json() == greeting("one, ann")


async def test_an_event_the_consumer_does_not_accept_is_logged_by_the_receiver(
    layer: MemoryLayer,
) -> None:
    """Nothing checks the event before it is published; the consumer logs and drops it."""
    async with connect("ann") as ann:
        with structlog.testing.capture_logs() as logs:
            await broadcast_event(StrayEvent(), ["town"], layer=layer)
            assert await ann.receive_nothing()
        assert [log["event"] for log in logs] == ["chanx.event.invalid"]
        await broadcast_event(GreetEvent(payload="still here"), ["town"], layer=layer)
        assert await ann.receive_json() == greeting("still here, ann")


async def test_capture_records_them_without_a_consumer_class(layer: MemoryLayer) -> None:
    """A test of a worker sees its events, with no consumer, and suppresses delivery."""
    async with connect("ann") as ann:
        channel = await channel_of(ann)
        with capture_broadcast_events(suppress=True) as captured:
            await broadcast_event(GreetEvent(payload="a"), ["town", "hall"], layer=layer)
            await send_event(GreetEvent(payload="b"), channel, layer=layer)
        assert captured.events == [
            CapturedEvent(None, GreetEvent(payload="a"), groups=("town", "hall")),
            CapturedEvent(None, GreetEvent(payload="b"), channel_name=channel),
        ]
        assert await ann.receive_nothing()
