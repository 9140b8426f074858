"""The consumer on fast-channels' in-memory layer, driven through a FastAPI app."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any, cast

import pytest
from chanx_fastapi_sample import (
    ChatConsumer,
    ChatPayload,
    NotificationEvent,
    RoomConsumer,
    app,
)
from fast_channels.layers import InMemoryChannelLayer, channel_layers, register_channel_layer
from starlette.applications import Starlette
from structlog.testing import capture_logs

from chanx.core import ChannelLayerMissingError
from chanx.core._hub import hub_for
from chanx.core.decorators import ws_handler
from chanx.core.layers import ChannelLayer
from chanx.core.settings import invalidate_settings
from chanx.ext.fast_channels.routing import websocket_route
from chanx.ext.fast_channels.testing import WebsocketCommunicator
from chanx.ext.fast_channels.websocket import AsyncJsonWebsocketConsumer
from chanx.messages import PingMessage

Layers = dict[str, InMemoryChannelLayer]


def by_action(frames: list[dict[str, Any]]) -> list[str]:
    return sorted(frame["action"] for frame in frames)


async def receive_n(comm: WebsocketCommunicator, count: int) -> list[dict[str, Any]]:
    return [await comm.receive_json() for _ in range(count)]


@pytest.fixture
def no_layers() -> Iterator[None]:
    """No channel layer registered under any alias during the test."""
    previous = {alias: channel_layers[alias] for alias in channel_layers.list_aliases()}
    channel_layers.clear()
    invalidate_settings()
    yield
    for alias, layer in previous.items():
        register_channel_layer(alias, layer)
    invalidate_settings()


async def test_ping_gets_pong_and_complete(chanx_fast_channels_layers: Layers) -> None:
    """A ping through the app's route is answered with pong, then complete."""
    async with WebsocketCommunicator(app, "/ws/chat") as comm:
        await comm.send_message(PingMessage())
        assert await comm.receive_all_messages() == [{"action": "pong", "payload": None}]


async def test_default_alias_is_default() -> None:
    """Unlike fast-channels' own classes, Chanx consumers use the "default" layer alias."""
    assert AsyncJsonWebsocketConsumer.channel_layer_alias == "default"
    assert ChatConsumer.chanx_layer_alias() == "default"


async def test_broadcast_reaches_every_connection_in_the_group(
    chanx_fast_channels_layers: Layers,
) -> None:
    """A chat line is relayed to every connection of the group, the sender included."""
    async with (
        WebsocketCommunicator(app, "/ws/chat") as alice,
        WebsocketCommunicator(app, "/ws/chat") as bob,
        WebsocketCommunicator(app, "/ws/chat") as carol,
    ):
        await alice.send_json({"action": "chat", "payload": {"text": "hi"}})
        sender = await receive_n(alice, 3)
        assert by_action(sender) == ["chat_notification", "complete", "group_complete"]
        for other in (bob, carol):
            frames = await receive_n(other, 2)
            assert frames[0] == {"action": "chat_notification", "payload": {"text": "hi"}}
            assert frames[1]["action"] == "group_complete"
            assert await other.receive_nothing()


async def test_exclude_current_skips_the_sender_and_other_rooms(
    chanx_fast_channels_layers: Layers,
) -> None:
    """broadcast_message(exclude_current=True) reaches the room's others only."""
    async with (
        WebsocketCommunicator(app, "/sub/ws/room/1") as alice,
        WebsocketCommunicator(app, "/sub/ws/room/1") as bob,
        WebsocketCommunicator(app, "/sub/ws/room/2") as carol,
    ):
        # A round trip each: every connection has joined its room once it answers.
        for comm in (alice, bob, carol):
            await comm.send_json({"action": "where"})
            await comm.receive_json()
        await alice.send_json({"action": "chat", "payload": {"text": "psst"}})
        assert await bob.receive_json() == {
            "action": "chat_notification",
            "payload": {"text": "psst"},
        }
        assert await alice.receive_nothing()
        assert await carol.receive_nothing()


async def test_path_parameters_reach_the_consumer(chanx_fast_channels_layers: Layers) -> None:
    """Starlette's converted path parameters are the consumer's handshake.path_params."""
    async with WebsocketCommunicator(app, "/sub/ws/room/42") as comm:
        assert comm.consumer is RoomConsumer
        await comm.send_json({"action": "where"})
        assert await comm.receive_json() == {"action": "room", "payload": {"room_id": 42}}
    assert channel_layers["default"] is chanx_fast_channels_layers["default"]


async def test_broadcast_event_runs_each_connections_event_handler(
    chanx_fast_channels_layers: Layers,
) -> None:
    """broadcast_event delivers a server-side event to every connection of the groups."""
    async with (
        WebsocketCommunicator(app, "/ws/chat") as alice,
        WebsocketCommunicator(app, "/ws/chat") as bob,
    ):
        await ChatConsumer.broadcast_event(NotificationEvent(payload="deploy done"))
        for comm in (alice, bob):
            frames = await comm.receive_all_messages(stop_action="event_complete")
            assert frames[0] == {"action": "notification", "payload": "deploy done"}


async def test_broadcast_event_sync_from_a_worker_thread(
    chanx_fast_channels_layers: Layers,
) -> None:
    """broadcast_event_sync from another thread (a def endpoint) reaches the in-memory layer."""
    async with WebsocketCommunicator(app, "/ws/chat") as comm:
        event = NotificationEvent(payload="from a thread")
        await asyncio.to_thread(ChatConsumer.broadcast_event_sync, event, ["chat_room"])
        frames = await comm.receive_all_messages(stop_action="event_complete")
        assert frames[0] == {"action": "notification", "payload": "from a thread"}


async def test_send_event_sync_to_one_channel(chanx_fast_channels_layers: Layers) -> None:
    """send_event_sync from another thread reaches exactly the named connection."""
    async with (
        WebsocketCommunicator(app, "/ws/chat") as alice,
        WebsocketCommunicator(app, "/ws/chat") as bob,
    ):
        for comm in (alice, bob):
            await comm.send_message(PingMessage())
            await comm.receive_all_messages()
        # Group membership is the process's (one hub channel); the connections are its members.
        hub = hub_for(cast(ChannelLayer, chanx_fast_channels_layers["default"]))
        members = [cast(ChatConsumer, member).channel_name for member in hub.groups["chat_room"]]
        assert len(members) == 2
        event = NotificationEvent(payload="just you")
        await asyncio.to_thread(ChatConsumer.send_event_sync, event, members[0])
        received = []
        for comm in (alice, bob):
            if not await comm.receive_nothing():
                received.append(await comm.receive_json())
        assert received == [{"action": "notification", "payload": "just you"}]


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("not json", {"detail": "Invalid JSON"}),
        ("[1, 2]", {"detail": "The message must be a JSON object"}),
    ],
    ids=["invalid-json", "not-an-object"],
)
async def test_bad_input_gets_an_error_frame_and_the_connection_lives_on(
    chanx_fast_channels_layers: Layers, text: str, detail: dict[str, str]
) -> None:
    """Malformed text gets an error frame; the next frame is still served."""
    async with WebsocketCommunicator(app, "/ws/chat") as comm:
        await comm.send_text(text)
        assert await comm.receive_all_messages() == [{"action": "error", "payload": detail}]
        await comm.send_message(PingMessage())
        assert await comm.receive_all_messages() == [{"action": "pong", "payload": None}]


async def test_unknown_action_and_binary_frames_get_error_frames(
    chanx_fast_channels_layers: Layers,
) -> None:
    """An unknown action gets validation errors; a binary frame gets its own error."""
    async with WebsocketCommunicator(app, "/ws/chat") as comm:
        await comm.send_json({"action": "dance"})
        (frame,) = await comm.receive_all_messages()
        assert frame["action"] == "error"
        assert isinstance(frame["payload"], list)
        await comm.send_bytes(b"\x00")
        assert await comm.receive_all_messages() == [
            {
                "action": "error",
                "payload": {"detail": "Binary frames are not supported; send JSON text"},
            }
        ]


async def test_missing_layer_closes_with_1011_and_says_how_to_register(
    no_layers: None,
) -> None:
    """A consumer with groups and no registered layer closes with 1011 and logs the fix."""
    with capture_logs() as logs:
        async with WebsocketCommunicator(app, "/ws/chat") as comm:
            await comm.assert_closed(code=1011)
    (entry,) = [e for e in logs if e["event"] == "chanx.channel_layer.missing"]
    assert "register_channel_layer('default'" in entry["detail"]
    assert "channel_layer_alias" in entry["detail"]


async def test_missing_layer_for_events_raises_with_the_fix(no_layers: None) -> None:
    """broadcast_event without a layer raises ChannelLayerMissingError naming the fix."""
    with pytest.raises(ChannelLayerMissingError, match="register_channel_layer"):
        await ChatConsumer.broadcast_event(NotificationEvent(payload="x"))


class Closer(AsyncJsonWebsocketConsumer):
    """Says goodbye with fast-channels' send(close=True)."""

    @ws_handler
    async def handle_ping(self, message: PingMessage) -> None:
        await self.send(text_data="bye", close=True)


async def test_send_with_close_true_sends_an_integer_close_code(
    chanx_fast_channels_layers: Layers,
) -> None:
    """send(..., close=True) closes with the integer 1000, never with True."""
    async with WebsocketCommunicator(Closer, "/") as comm:
        await comm.send_message(PingMessage())
        assert (await comm.receive_frame())["text"] == "bye"
        frame = await comm.receive_frame()
        assert frame["type"] == "websocket.close"
        assert type(frame["code"]) is int
        assert frame["code"] == 1000


class LayerListener(AsyncJsonWebsocketConsumer):
    """Handles one custom layer message type, and raises for another."""

    groups = ["listeners"]
    seen: list[str] = []

    noted: asyncio.Event

    async def custom_note(self, message: dict[str, Any]) -> None:
        LayerListener.seen.append(message["text"])
        LayerListener.noted.set()

    async def custom_boom(self, message: dict[str, Any]) -> None:
        raise RuntimeError("boom")

    @ws_handler
    async def handle_ping(self, message: PingMessage) -> PingMessage:
        return PingMessage()


async def test_unknown_layer_messages_and_failing_layer_handlers_do_not_end_the_loop(
    chanx_fast_channels_layers: Layers,
) -> None:
    """An unknown type and a raising handler are logged; the connection keeps serving."""
    layer = chanx_fast_channels_layers["default"]
    LayerListener.seen = []
    LayerListener.noted = asyncio.Event()
    with capture_logs() as logs:
        async with WebsocketCommunicator(LayerListener, "/") as comm:
            await comm.send_message(PingMessage())
            await comm.receive_json()
            await layer.group_send("listeners", {"type": "no.such.handler"})
            await layer.group_send("listeners", {"type": "_private"})
            await layer.group_send("listeners", {"type": "custom.boom"})
            await layer.group_send("listeners", {"type": "custom.note", "text": "still here"})
            await comm.send_message(PingMessage())
            assert (await comm.receive_json())["action"] == "ping"
            # Group messages reach the connection through the process's group hub.
            await asyncio.wait_for(LayerListener.noted.wait(), 1)
    assert LayerListener.seen == ["still here"]
    events = [entry["event"] for entry in logs]
    assert events.count("chanx.layer.unknown_message") == 2
    assert "chanx.layer.handler_error" in events
    assert not layer.groups.get("listeners")


def test_layer_missing_text_names_the_alias_and_the_fix() -> None:
    """The missing-layer message tells fast-channels users how to register the layer."""
    from chanx.core._consumer_base import layer_missing_text

    class Elsewhere(AsyncJsonWebsocketConsumer):
        channel_layer_alias = "chat"

    text = layer_missing_text(Elsewhere)
    assert "alias 'chat'" in text
    assert "register_channel_layer('chat', layer)" in text
    assert "channel_layer_alias = 'chat'" in text


async def test_plain_starlette_app_serves_a_consumer(chanx_fast_channels_layers: Layers) -> None:
    """Any Starlette app routes a consumer the same way (the any-ASGI path)."""
    starlette = Starlette(routes=[websocket_route("/ws", ChatConsumer)])
    async with WebsocketCommunicator(starlette, "/ws") as comm:
        assert comm.consumer is ChatConsumer
        await comm.send_json({"action": "chat", "payload": ChatPayload(text="x").model_dump()})
        frames = await receive_n(comm, 3)
        assert by_action(frames) == ["chat_notification", "complete", "group_complete"]


async def test_the_connection_channel_keeps_reading_after_the_layer_fails(
    chanx_fast_channels_layers: Layers, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failed read of the connection's own channel is retried; send_event still arrives."""
    layer = chanx_fast_channels_layers["default"]
    original = layer.receive
    failures = [ConnectionError("backend down")]

    with capture_logs() as logs:
        async with WebsocketCommunicator(app, "/ws/chat") as comm:
            await comm.send_message(PingMessage())
            await comm.receive_all_messages()
            [member] = hub_for(cast(ChannelLayer, layer)).groups["chat_room"]
            channel = cast(ChatConsumer, member).channel_name

            async def flaky(name: str) -> Any:
                if name == channel and failures:
                    raise failures.pop()
                return await original(name)

            monkeypatch.setattr(layer, "receive", flaky)
            for text in ("first", "after the failure"):
                await ChatConsumer.send_event(NotificationEvent(payload=text), channel)
                frames = await comm.receive_all_messages(stop_action="event_complete")
                assert frames[0] == {"action": "notification", "payload": text}
    assert failures == []
    assert "chanx.layer.receive_failed" in [entry["event"] for entry in logs]
