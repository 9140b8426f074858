"""The Channels consumer: the core's hooks, dispatch without per-frame DB cleanup, teardown."""

from __future__ import annotations

import asyncio
import contextlib
import re
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import channels.db
import pytest
from channels.generic.websocket import AsyncJsonWebsocketConsumer as ChannelsJsonConsumer
from channels.layers import InMemoryChannelLayer
from chanx_django_testproject.consumers import AnnounceEvent, EchoConsumer
from django.test import override_settings

import chanx.core.websocket
from chanx.core.decorators import ws_handler
from chanx.core.introspection import ADAPTER_ENV_VAR, installed_adapters
from chanx.ext.channels.testing import WebsocketCommunicator
from chanx.ext.channels.websocket import AsyncJsonWebsocketConsumer
from chanx.messages import PingMessage, PongMessage

README = Path(__file__).resolve().parents[3] / "README.md"
QUICK_LOOK = re.compile(r"## A first look\n.*?```python\n(.*?)```", re.DOTALL)


async def receive_actions(ws: WebsocketCommunicator, count: int) -> list[str]:
    """Return the actions of the next ``count`` frames, sorted.

    A handler's ``complete`` and the relay of its broadcast travel different paths, so their
    order is not fixed.
    """
    return sorted([(await ws.receive_json())["action"] for _ in range(count)])


@pytest.fixture
def db_cleanups(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Count Django's close_old_connections as Channels calls it (every path goes through it)."""
    calls: list[str] = []
    original = channels.db.close_old_connections

    def counting(**kwargs: Any) -> None:
        calls.append("close_old_connections")
        original(**kwargs)

    monkeypatch.setattr(channels.db, "close_old_connections", counting)
    return calls


async def test_a_frame_skips_close_old_connections_but_connect_and_disconnect_run_it(
    db_cleanups: list[str],
) -> None:
    """Connect and disconnect clean DB connections; frames, broadcasts and events do not."""
    ws = WebsocketCommunicator(EchoConsumer.as_asgi(), "/echo/", consumer=EchoConsumer)
    await ws.connect()
    assert len(db_cleanups) == 1
    for _ in range(3):
        await ws.send_message(PingMessage())
        assert await ws.receive_all_messages() == [{"action": "pong", "payload": None}]
    await ws.send_json({"action": "say", "payload": {"text": "hi"}})
    assert await receive_actions(ws, 3) == ["complete", "group_complete", "said"]
    await EchoConsumer.broadcast_event(AnnounceEvent(payload="deploy"), groups=["echo"])
    assert await ws.receive_all_messages(stop_action="event_complete") == [
        {"action": "announcement", "payload": "deploy"},
        {"action": "event_complete", "payload": None},
    ]
    assert len(db_cleanups) == 1
    await ws.disconnect()
    # Channels' dispatch of websocket.disconnect, then its websocket_disconnect.
    assert len(db_cleanups) == 3


class CustomTypeConsumer(AsyncJsonWebsocketConsumer):
    """Handles an application-defined layer message type, as plain Channels consumers do."""

    received: ClassVar[list[dict[str, Any]]] = []

    async def custom_thing(self, message: dict[str, Any]) -> None:
        type(self).received.append(message)


async def test_other_message_types_keep_channels_dispatch_and_its_cleanup(
    db_cleanups: list[str], layer: InMemoryChannelLayer
) -> None:
    """A layer message of the application's own type still gets Channels' DB cleanup."""
    ws = WebsocketCommunicator(CustomTypeConsumer.as_asgi(), "/custom/")
    async with ws:
        [channel] = layer.channels  # the layer is this test's own: one connection
        await layer.send(channel, {"type": "custom.thing", "n": 1})
        for _ in range(50):
            if CustomTypeConsumer.received:
                break
            await asyncio.sleep(0.01)
        assert CustomTypeConsumer.received == [{"type": "custom.thing", "n": 1}]
        assert len(db_cleanups) == 2


async def test_frames_go_straight_to_the_asgi_send(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chanx's frames use base_send, not Channels' send()/send_json() layers."""

    async def forbidden(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("Channels' send() was used")

    monkeypatch.setattr(ChannelsJsonConsumer, "send", forbidden)
    async with WebsocketCommunicator(EchoConsumer.as_asgi(), "/echo/") as ws:
        await ws.send_message(PingMessage())
        assert await ws.receive_all_messages() == [{"action": "pong", "payload": None}]


class ImmediateConsumer(AsyncJsonWebsocketConsumer):
    """Yields to the loop after every send."""

    send_message_immediately = True

    @ws_handler
    async def handle_ping(self, message: PingMessage) -> PongMessage:
        return PongMessage()


async def test_send_message_immediately_yields_after_each_frame(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With send_message_immediately the fast send path still yields once per frame."""
    yields: list[float] = []
    real_sleep = asyncio.sleep

    async def sleep(delay: float, *args: Any) -> Any:
        if delay == 0:
            yields.append(delay)
        return await real_sleep(delay, *args)

    async with WebsocketCommunicator(ImmediateConsumer.as_asgi(), "/i/") as ws:
        monkeypatch.setattr(asyncio, "sleep", sleep)
        await ws.send_message(PingMessage())
        assert await ws.receive_all_messages() == [{"action": "pong", "payload": None}]
        monkeypatch.undo()
    assert len(yields) >= 2  # the pong and the complete frame


def _members(layer: InMemoryChannelLayer, group: str) -> set[str]:
    return set(layer.groups.get(group, {}))


async def test_a_loop_that_dies_without_a_disconnect_still_leaves_its_groups(
    layer: InMemoryChannelLayer,
) -> None:
    """An error escaping the connection's loop runs the engine's teardown, which leaves groups."""
    ws = WebsocketCommunicator(EchoConsumer.as_asgi(), "/echo/")
    await ws.connect()
    assert len(_members(layer, "echo")) == 1  # the process's hub channel
    # An ASGI event of a type no handler takes makes Channels' dispatch raise out of the loop.
    await ws._io.send_input({"type": "no.such.handler"})
    with pytest.raises(ValueError, match=r"No handler for message type no\.such\.handler"):
        await ws.wait()
    assert _members(layer, "echo") == set()


async def test_a_cancelled_connection_leaves_its_groups(layer: InMemoryChannelLayer) -> None:
    """A server cancelling the connection's task (shutdown) leaves no group membership."""
    ws = WebsocketCommunicator(EchoConsumer.as_asgi(), "/echo/")
    await ws.connect()
    assert len(_members(layer, "echo")) == 1
    ws._io.future.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await ws._io.future
    assert _members(layer, "echo") == set()


async def test_a_normal_disconnect_tears_down_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """After websocket_disconnect the wrapper does not run the teardown a second time."""
    calls: list[Any] = []
    original = EchoConsumer.chanx_teardown

    async def spy(self: Any) -> None:
        calls.append(self)
        await original(self)

    monkeypatch.setattr(EchoConsumer, "chanx_teardown", spy)
    async with WebsocketCommunicator(EchoConsumer.as_asgi(), "/echo/"):
        pass
    assert len(calls) == 1


async def test_groups_without_a_layer_close_with_1011_and_disconnect_cleanly() -> None:
    """No CHANNEL_LAYERS: the engine closes with 1011 and the later disconnect does not crash."""
    with override_settings(CHANNEL_LAYERS={}):
        ws = WebsocketCommunicator(EchoConsumer.as_asgi(), "/echo/")
        await ws.connect()
        await ws.assert_closed(code=1011)
        await ws.disconnect()
        assert ws.finished


def test_layer_hook_reads_channel_layers(layer: InMemoryChannelLayer) -> None:
    """chanx_channel_layer returns the CHANNEL_LAYERS layer by alias, None without an alias."""
    assert AsyncJsonWebsocketConsumer.chanx_channel_layer("default") is layer
    assert AsyncJsonWebsocketConsumer.chanx_channel_layer("missing") is None
    assert AsyncJsonWebsocketConsumer.chanx_channel_layer(None) is None


# ---------------------------------------------------------------------- the README's first look
@pytest.fixture
def core_consumer_base(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """chanx.core.websocket resolves its consumer class afresh, with Django configured."""
    monkeypatch.delenv(ADAPTER_ENV_VAR, raising=False)
    namespace = vars(chanx.core.websocket)
    before = namespace.pop("AsyncJsonWebsocketConsumer", None)
    yield
    namespace.pop("AsyncJsonWebsocketConsumer", None)
    if before is not None:
        namespace["AsyncJsonWebsocketConsumer"] = before


def test_the_adapter_entry_point_names_this_consumer(core_consumer_base: None) -> None:
    """The chanx.adapters entry point resolves chanx.core.websocket's class to this one."""
    assert installed_adapters()["channels"].value == (
        "chanx.ext.channels.websocket:AsyncJsonWebsocketConsumer"
    )
    resolved: type = chanx.core.websocket.AsyncJsonWebsocketConsumer
    assert resolved is AsyncJsonWebsocketConsumer


@pytest.fixture
def quick_look(core_consumer_base: None) -> Iterator[types.ModuleType]:
    """The README's "A first look" code, run verbatim as a module (its last line included)."""
    match = QUICK_LOOK.search(README.read_text())
    assert match is not None, "README.md lost its first-look example"
    module = types.ModuleType("chanx_readme_quick_look")
    sys.modules[module.__name__] = module
    try:
        exec(compile(match.group(1), str(README), "exec"), module.__dict__)
        yield module
    finally:
        del sys.modules[module.__name__]


def test_the_readme_first_look_runs_on_django_channels(quick_look: types.ModuleType) -> None:
    """The README's consumer is built on this adapter and serves ping, chat and events."""
    consumer = quick_look.ChatConsumer
    assert issubclass(consumer, AsyncJsonWebsocketConsumer)

    async def scenario() -> None:
        ws = WebsocketCommunicator(consumer.as_asgi(), "/ws/chat/", consumer=consumer)
        async with ws:
            await ws.send_json({"action": "ping"})
            assert await ws.receive_all_messages() == [{"action": "pong", "payload": None}]
            await ws.send_json({"action": "chat", "payload": {"text": "hello"}})
            assert await receive_actions(ws, 3) == [
                "chat_notification",
                "complete",
                "group_complete",
            ]
            await consumer.broadcast_event(quick_look.NotificationEvent(payload="deploy done"))
            assert await ws.receive_all_messages(stop_action="event_complete") == [
                {"action": "notification", "payload": "deploy done"},
                {"action": "event_complete", "payload": None},
            ]

    asyncio.run(scenario())
