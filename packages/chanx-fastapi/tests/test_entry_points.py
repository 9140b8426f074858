"""The adapter entry point: ``chanx.core.websocket.AsyncJsonWebsocketConsumer`` is this one."""

from __future__ import annotations

import asyncio
import re
import sys
import types
from collections.abc import Iterator
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pytest
from fast_channels.layers import InMemoryChannelLayer

import chanx.core.websocket
from chanx.core.introspection import ADAPTER_ENV_VAR, ENTRY_POINT_GROUP, installed_adapters
from chanx.ext.fast_channels.testing import WebsocketCommunicator
from chanx.ext.fast_channels.websocket import AsyncJsonWebsocketConsumer

README = Path(__file__).resolve().parents[3] / "README.md"
CACHED = "AsyncJsonWebsocketConsumer"


@pytest.fixture
def fast_channels_chosen(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This adapter chosen (as when it is the only one installed), nothing cached."""
    monkeypatch.setenv(ADAPTER_ENV_VAR, "fast_channels")
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE", raising=False)
    namespace = vars(chanx.core.websocket)
    before = namespace.pop(CACHED, None)
    yield
    namespace.pop(CACHED, None)
    if before is not None:
        namespace[CACHED] = before


def test_the_entry_points_are_registered() -> None:
    """The adapter, AsyncAPI discovery and pytest plugin entry points load this package."""
    assert installed_adapters()["fast_channels"].load() is AsyncJsonWebsocketConsumer
    (discovery,) = [
        e for e in entry_points(group="chanx.asyncapi.discovery") if e.name == "fast_channels"
    ]
    assert discovery.value == "chanx.ext.fast_channels.discovery:discover_routes"
    (plugin,) = [e for e in entry_points(group="pytest11") if e.name == "chanx_fast_channels"]
    assert plugin.value == "chanx.ext.fast_channels.pytest_plugin"
    assert ENTRY_POINT_GROUP == "chanx.adapters"


def test_core_websocket_resolves_to_this_adapter(fast_channels_chosen: None) -> None:
    """The portable spelling resolves to the fast-channels consumer base class."""
    resolved: object = chanx.core.websocket.AsyncJsonWebsocketConsumer
    assert resolved is AsyncJsonWebsocketConsumer


def quick_look_source() -> str:
    """The README's "A first look" example, exactly as published."""
    text = README.read_text()
    section = text.split("## A first look", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert match is not None
    return match.group(1)


async def test_the_readme_quick_look_runs_verbatim(
    fast_channels_chosen: None, chanx_fast_channels_layers: dict[str, InMemoryChannelLayer]
) -> None:
    """The README's first example runs unchanged on this adapter and serves its frames."""
    module = types.ModuleType("chanx_fastapi_quicklook")
    sys.modules[module.__name__] = module
    try:
        # Its last line is a sync broadcast, as from a script: run it off the event loop.
        await asyncio.to_thread(
            exec, compile(quick_look_source(), str(README), "exec"), vars(module)
        )
        consumer: Any = vars(module)["ChatConsumer"]
        assert issubclass(consumer, AsyncJsonWebsocketConsumer)
        async with (
            WebsocketCommunicator(consumer, "/") as alice,
            WebsocketCommunicator(consumer, "/") as bob,
        ):
            await alice.send_json({"action": "ping"})
            assert await alice.receive_json() == {"action": "pong", "payload": None}
            await alice.send_json({"action": "chat", "payload": {"text": "hi"}})
            for comm in (alice, bob):
                assert await comm.receive_json() == {
                    "action": "chat_notification",
                    "payload": {"text": "hi"},
                }
            event = vars(module)["NotificationEvent"](payload="deploy done")
            await asyncio.to_thread(consumer.broadcast_event_sync, event, ["chat_room"])
            for comm in (alice, bob):
                assert await comm.receive_json() == {
                    "action": "notification",
                    "payload": "deploy done",
                }
    finally:
        del sys.modules[module.__name__]
