"""chanx-core's pytest plugin: ``chanx_captured_events``, run as a user's suite would."""

from __future__ import annotations

from typing import Literal

import pytest
from chanx_core_host import HostConsumer, MemoryLayer

from chanx.core.decorators import event_handler
from chanx.core.testing import EventCapture
from chanx.messages import BaseMessage

INNER_TESTS = """
from typing import Literal

from chanx_core_host import HostConsumer, HostFramework, MemoryLayer

from chanx.core.decorators import event_handler
from chanx.core.settings import invalidate_settings
from chanx.messages import BaseMessage


class NoteEvent(BaseMessage):
    action: Literal["note"] = "note"
    payload: str


class NoteConsumer(HostConsumer[NoteEvent]):
    @event_handler
    async def note(self, event: NoteEvent) -> None:
        pass


def test_the_plugin_is_loaded_by_its_entry_point(request):
    assert request.config.pluginmanager.has_plugin("chanx_core")


async def test_events_sent_by_a_consumer_are_captured(chanx_captured_events):
    memory = MemoryLayer()
    HostFramework.layers = {"default": memory}
    invalidate_settings()
    try:
        await NoteConsumer.broadcast_event(NoteEvent(payload="hi"), groups=["notes"])
        await NoteConsumer.send_event(NoteEvent(payload="you"), "specific.7")
    finally:
        HostFramework.layers = {}
        invalidate_settings()
    broadcast, direct = chanx_captured_events.events
    assert (broadcast.consumer, broadcast.groups) == (NoteConsumer, ("notes",))
    assert direct.channel_name == "specific.7"
    assert chanx_captured_events.of_type(NoteEvent) == [
        NoteEvent(payload="hi"),
        NoteEvent(payload="you"),
    ]
    assert [channel for channel, _ in memory.sent] == ["specific.7"]
"""


class PingEvent(BaseMessage):
    action: Literal["ping_event"] = "ping_event"


class PingConsumer(HostConsumer[PingEvent]):
    @event_handler
    async def ping_event(self, event: PingEvent) -> None:
        pass


def test_captured_events_in_a_users_suite(pytester: pytest.Pytester) -> None:
    """An inner session gets the fixture from the entry point alone, and it records events."""
    pytester.makeini(
        "[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n"
    )
    pytester.makepyfile(test_inner=INNER_TESTS)
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=2)


async def test_captured_events_are_still_delivered(
    layer: MemoryLayer, chanx_captured_events: EventCapture
) -> None:
    """The fixture records a broadcast and the layer still receives it."""
    await layer.group_add("pings", "specific.listener")
    await PingConsumer.broadcast_event(PingEvent(), groups=["pings"])
    (captured,) = chanx_captured_events.events
    assert (captured.consumer, captured.event, captured.groups) == (
        PingConsumer,
        PingEvent(),
        ("pings",),
    )
    assert [channel for channel, _ in layer.sent] == ["specific.listener"]
