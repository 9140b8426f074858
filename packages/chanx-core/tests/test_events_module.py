"""``chanx.core.events``: events published without the consumer class reach its handlers."""

from __future__ import annotations

import asyncio
from typing import Any, Literal

import structlog
from chanx_core_host import HostConsumer, MemoryLayer

from chanx.core.decorators import event_handler, ws_handler
from chanx.core.events import broadcast_event, broadcast_event_sync, send_event, send_event_sync
from chanx.core.testing import CapturedEvent, WebsocketCommunicator, capture_broadcast_events
from chanx.messages import BaseMessage

TIMEOUT = 2.0
"""Bound on a call from a worker thread, so a loop that is never woken fails the test."""


class DeployEvent(BaseMessage):
    action: Literal["deploy"] = "deploy"
    payload: str


class DeployedMessage(BaseMessage):
    action: Literal["deployed"] = "deployed"
    payload: str


class UnrelatedEvent(BaseMessage):
    """An event the consumer below has no handler for."""

    action: Literal["unrelated"] = "unrelated"


class WhoAmIMessage(BaseMessage):
    action: Literal["whoami"] = "whoami"


class ChannelMessage(BaseMessage):
    action: Literal["channel"] = "channel"
    payload: str


class OpsConsumer(HostConsumer[DeployEvent]):
    groups = ["ops"]

    @ws_handler
    async def whoami(self, message: WhoAmIMessage) -> ChannelMessage:
        return ChannelMessage(payload=self.channel_name)

    @event_handler
    async def deployed(self, event: DeployEvent) -> DeployedMessage:
        return DeployedMessage(payload=f"{event.payload} ({self.scope['query_string'].decode()})")


def connect(name: str) -> WebsocketCommunicator:
    return WebsocketCommunicator(OpsConsumer.as_asgi(), f"/ws?{name}", consumer=OpsConsumer)


def deployed(text: str) -> dict[str, Any]:
    return {"action": "deployed", "payload": text}


async def channel_of(communicator: WebsocketCommunicator) -> str:
    await communicator.send_json({"action": "whoami"})
    reply = await communicator.receive_json()
    name: str = reply["payload"]
    return name


async def test_broadcast_event_reaches_every_member_through_the_given_layer(
    layer: MemoryLayer,
) -> None:
    """Each member runs its @event_handler, as for the consumer's own broadcast_event."""
    async with connect("ann") as ann, connect("bob") as bob:
        await broadcast_event(DeployEvent(payload="v2 live"), ["ops"], layer=layer)
        assert await ann.receive_json() == deployed("v2 live (ann)")
        assert await bob.receive_json() == deployed("v2 live (bob)")


async def test_it_publishes_what_the_consumer_classmethod_publishes(layer: MemoryLayer) -> None:
    """The layer message is the same, so consumers cannot tell who sent an event."""
    event = DeployEvent(payload="same")
    async with connect("ann") as ann:
        layer.sent.clear()
        await OpsConsumer.broadcast_event(event, groups="ops")
        await broadcast_event(event, "ops", layer=layer)
        assert await ann.receive_json() == deployed("same (ann)")
        assert await ann.receive_json() == deployed("same (ann)")
    from_class, from_function = layer.sent
    assert from_class == from_function
    assert from_function[1]["group"] == "ops"


async def test_a_single_group_name_is_one_group(layer: MemoryLayer) -> None:
    """``"ops"`` targets the group ops, never groups o, p and s."""
    async with connect("ann") as ann:
        layer.sent.clear()
        await broadcast_event(DeployEvent(payload="one"), "ops", layer=layer)
        assert await ann.receive_json() == deployed("one (ann)")
    assert [message["group"] for _, message in layer.sent] == ["ops"]


async def test_send_event_reaches_one_connection(layer: MemoryLayer) -> None:
    """send_event delivers to the named channel and nobody else."""
    async with connect("ann") as ann, connect("bob") as bob:
        await send_event(DeployEvent(payload="psst"), await channel_of(bob), layer=layer)
        assert await bob.receive_json() == deployed("psst (bob)")
        assert await ann.receive_nothing()


async def test_the_sync_forms_work_from_a_worker_thread(layer: MemoryLayer) -> None:
    """A Celery task or a script calls the sync forms from a thread with no running loop."""
    asyncio.get_running_loop().set_debug(True)  # fail on any non-thread-safe loop access
    async with connect("ann") as ann:
        channel = await channel_of(ann)
        await asyncio.wait_for(
            asyncio.to_thread(
                broadcast_event_sync, DeployEvent(payload="all"), ["ops"], layer=layer
            ),
            TIMEOUT,
        )
        assert await ann.receive_json() == deployed("all (ann)")
        await asyncio.wait_for(
            asyncio.to_thread(send_event_sync, DeployEvent(payload="one"), channel, layer=layer),
            TIMEOUT,
        )
        assert await ann.receive_json() == deployed("one (ann)")


async def test_an_event_the_consumer_does_not_accept_is_logged_by_the_receiver(
    layer: MemoryLayer,
) -> None:
    """Nothing checks the event before it is published; the consumer logs and drops it."""
    async with connect("ann") as ann:
        with structlog.testing.capture_logs() as logs:
            await broadcast_event(UnrelatedEvent(), ["ops"], layer=layer)
            assert await ann.receive_nothing()
        assert [log["event"] for log in logs] == ["chanx.event.invalid"]
        await broadcast_event(DeployEvent(payload="still here"), ["ops"], layer=layer)
        assert await ann.receive_json() == deployed("still here (ann)")


async def test_capture_records_them_without_a_consumer_class(layer: MemoryLayer) -> None:
    """A test of a worker sees its events, with no consumer, and suppresses delivery."""
    async with connect("ann") as ann:
        channel = await channel_of(ann)
        with capture_broadcast_events(suppress=True) as captured:
            await broadcast_event(DeployEvent(payload="a"), ["ops", "dev"], layer=layer)
            await send_event(DeployEvent(payload="b"), channel, layer=layer)
        assert captured.events == [
            CapturedEvent(None, DeployEvent(payload="a"), groups=("ops", "dev")),
            CapturedEvent(None, DeployEvent(payload="b"), channel_name=channel),
        ]
        assert await ann.receive_nothing()
