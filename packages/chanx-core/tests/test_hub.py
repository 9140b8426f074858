"""The group hub: one layer membership per group per process, local fanout, recovery."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from typing import Any

import pytest
import structlog
from chanx_core_host import MemoryLayer

from chanx.core._hub import RENEW_SECONDS, GroupHub, hub_for, layer_messages


class Member:
    def __init__(self, name: str, *, broken: bool = False) -> None:
        self.name = name
        self.broken = broken
        self.got: list[Mapping[str, Any]] = []

    def chanx_hub_deliver(self, message: Mapping[str, Any]) -> None:
        if self.broken:
            raise RuntimeError("broken member")
        self.got.append(message)


class CountingLayer(MemoryLayer):
    """Counts layer calls; can lose its groups, fail reads and refuse joins, as Redis can."""

    def __init__(self, group_expiry: float = 0.0) -> None:
        super().__init__()
        self.group_expiry = group_expiry
        self.adds = 0
        self.failures = 0
        self.refusals = 0
        self.timeouts: list[Exception] = []

    async def group_add(self, group: str, channel: str) -> None:
        self.adds += 1
        if self.refusals:
            self.refusals -= 1
            raise ConnectionError("backend down")
        await super().group_add(group, channel)

    async def receive(self, channel: str) -> dict[str, Any]:
        if self.timeouts:
            raise self.timeouts.pop()
        if self.failures:
            self.failures -= 1
            raise ConnectionError("backend down")
        return await super().receive(channel)


class RedisTimeoutError(Exception):
    """Like redis-py's ``redis.exceptions.TimeoutError``: named so, but no builtin TimeoutError."""


RedisTimeoutError.__name__ = "TimeoutError"


async def first(messages: AsyncIterator[dict[str, Any]]) -> dict[str, Any]:
    return await anext(messages)


async def wait_for(condition: Any, seconds: float = 2.0) -> None:
    async with asyncio.timeout(seconds):
        while not condition():  # noqa: ASYNC110 - polls plain attributes of fakes
            await asyncio.sleep(0.01)


async def test_members_of_a_group_share_one_layer_membership_and_one_delivery() -> None:
    layer = CountingLayer()
    hub = GroupHub(layer)
    ann, bob = Member("ann"), Member("bob")
    await asyncio.gather(hub.join("room", ann), hub.join("room", bob))
    assert layer.adds == 1
    assert layer.members() == {"room": {hub.channels["room"]}}
    await layer.group_send("room", {"type": "chanx.broadcast", "text": "hi"})
    await wait_for(lambda: ann.got and bob.got)
    assert len(layer.sent) == 1  # one layer delivery for the process, not one per member
    assert ann.got == bob.got == [{"type": "chanx.broadcast", "text": "hi"}]
    await hub.leave("room", ann)
    assert layer.members() == {"room": {hub.channels["room"]}}
    await hub.leave("room", bob)
    assert layer.members() == {}
    assert not hub.running


async def test_a_broken_member_does_not_cost_the_others_their_delivery() -> None:
    layer = CountingLayer()
    hub = GroupHub(layer)
    broken, fine = Member("broken", broken=True), Member("fine")
    await hub.join("room", broken)
    await hub.join("room", fine)
    with structlog.testing.capture_logs() as logs:
        hub.deliver("room", {"type": "chanx.broadcast", "text": "x"})
    assert fine.got == [{"type": "chanx.broadcast", "text": "x"}]
    assert [e["event"] for e in logs] == ["chanx.groups.delivery_failed"]
    await hub.leave("room", broken)
    await hub.leave("room", fine)


async def test_after_a_failed_read_the_hub_joins_its_group_again() -> None:
    """A restarted backend that lost the membership gets it back; delivery resumes."""
    layer = CountingLayer()
    hub = GroupHub(layer)
    member = Member("m")
    await hub.join("room", member)
    layer.groups.clear()  # the backend restarted without its data
    layer.failures = 1
    await layer.send(hub.channels["room"], {"type": "wake"})  # the reader sees the failure first
    with structlog.testing.capture_logs() as logs:
        await wait_for(lambda: "room" in layer.members())
        await layer.group_send("room", {"type": "chanx.broadcast", "text": "back"})
        await wait_for(lambda: any(m.get("text") == "back" for m in member.got))
    events = [e["event"] for e in logs]
    assert "chanx.groups.receive_failed" in events
    assert "chanx.groups.receive_recovered" in events
    await hub.leave("room", member)


async def test_memberships_are_renewed_before_the_layer_expires_them() -> None:
    layer = CountingLayer(group_expiry=0.1)
    hub = GroupHub(layer)
    member = Member("m")
    await hub.join("room", member)
    await wait_for(lambda: layer.adds >= 3)
    await hub.leave("room", member)
    adds = layer.adds
    await asyncio.sleep(0.15)
    assert layer.adds == adds  # no renewal once the hub has no groups


async def test_a_failed_join_adds_no_member() -> None:
    class Refusing(CountingLayer):
        async def group_add(self, group: str, channel: str) -> None:
            raise ConnectionError("backend down")

    hub = GroupHub(Refusing())
    with pytest.raises(ConnectionError):
        await hub.join("room", Member("m"))
    assert hub.groups == {}
    assert not hub.running


async def test_each_event_loop_and_layer_has_its_own_hub() -> None:
    first, second = MemoryLayer(), MemoryLayer()
    assert hub_for(first) is hub_for(first)
    assert hub_for(first) is not hub_for(second)


def test_renewal_comes_every_half_expiry_or_every_renew_seconds_whichever_is_sooner() -> None:
    """A day-long expiry renews every 15 s; a short one every half of it; none never."""
    assert RENEW_SECONDS == 15.0
    assert GroupHub(CountingLayer(group_expiry=86400)).renew_interval == RENEW_SECONDS
    assert GroupHub(CountingLayer(group_expiry=10)).renew_interval == 5.0
    assert GroupHub(CountingLayer()).renew_interval == 0.0
    hub = GroupHub(CountingLayer(group_expiry=86400))
    hub.renew_seconds = 0.5
    assert hub.renew_interval == 0.5


async def test_a_membership_lost_behind_the_hubs_back_comes_back_within_the_interval() -> None:
    """Redis dropping a membership without any error (FLUSHALL) costs one interval at most."""
    layer = CountingLayer(group_expiry=86400)
    hub = GroupHub(layer)
    hub.renew_seconds = 0.2
    member = Member("m")
    await hub.join("room", member)
    await asyncio.sleep(0.05)  # the renewer waits for its first interval
    layer.groups.clear()  # no read fails: nothing but the renewal can notice
    loop = asyncio.get_running_loop()
    lost_at = loop.time()
    await wait_for(lambda: "room" in layer.members(), seconds=1.0)
    assert loop.time() - lost_at <= hub.renew_seconds + 0.1
    await layer.group_send("room", {"type": "chanx.broadcast", "text": "back"})
    await wait_for(lambda: member.got == [{"type": "chanx.broadcast", "text": "back"}])
    await hub.leave("room", member)


async def test_a_layer_without_group_expiry_is_not_renewed_periodically() -> None:
    layer = CountingLayer()
    hub = GroupHub(layer)
    hub.renew_seconds = 0.01
    member = Member("m")
    await hub.join("room", member)
    await asyncio.sleep(0.1)
    assert layer.adds == 1
    await hub.leave("room", member)


async def test_a_failed_read_of_any_reader_on_the_layer_makes_the_hub_join_again() -> None:
    """Redis layers share one connection per process: only the reader holding it sees errors."""
    layer = CountingLayer()
    hub = hub_for(layer)
    member = Member("m")
    await hub.join("room", member)
    connection_channel = await layer.new_channel()
    layer.groups.clear()  # the backend restarted without its data
    layer.failures = 1
    layer.refusals = 2  # and takes a moment to accept joins again
    with structlog.testing.capture_logs() as logs:
        reader = asyncio.create_task(
            first(layer_messages(layer, connection_channel, "chanx.layer"))
        )
        await wait_for(lambda: "room" in layer.members())
        await layer.send(connection_channel, {"type": "wake"})
        await reader
    events = [e["event"] for e in logs]
    assert events.count("chanx.groups.renew_failed") == 1
    assert "chanx.groups.renew_recovered" in events
    await layer.group_send("room", {"type": "chanx.broadcast", "text": "back"})
    await wait_for(lambda: member.got == [{"type": "chanx.broadcast", "text": "back"}])
    await hub.leave("room", member)


@pytest.mark.parametrize(
    "error",
    [TimeoutError("read timed out"), RedisTimeoutError("Timeout reading from 127.0.0.1:6379")],
    ids=["builtin", "redis-py"],
)
async def test_a_read_timeout_is_an_empty_read_retried_at_once(error: Exception) -> None:
    """An idle read timing out (redis-py 8's socket_timeout) is no failure: no pause, no error."""
    layer = CountingLayer()
    channel = await layer.new_channel()
    layer.timeouts = [error] * 50
    await layer.send(channel, {"type": "hello"})
    loop = asyncio.get_running_loop()
    started = loop.time()
    with structlog.testing.capture_logs() as logs:
        message = await anext(layer_messages(layer, channel, "chanx.layer", consumer="C"))
    assert message == {"type": "hello"}
    assert loop.time() - started < 0.09  # one failure's pause alone would be 0.1 s
    assert {e["event"] for e in logs} == {"chanx.layer.receive_timeout"}
    assert len(logs) == 50
    assert all(e["log_level"] == "debug" and e["consumer"] == "C" for e in logs)


async def test_other_read_errors_still_pause_warn_and_report_recovery() -> None:
    layer = CountingLayer()
    channel = await layer.new_channel()
    layer.failures = 1
    await layer.send(channel, {"type": "hello"})
    loop = asyncio.get_running_loop()
    started = loop.time()
    with structlog.testing.capture_logs() as logs:
        message = await anext(layer_messages(layer, channel, "chanx.layer"))
    assert message == {"type": "hello"}
    assert loop.time() - started >= 0.1
    assert [(e["event"], e["log_level"]) for e in logs] == [
        ("chanx.layer.receive_failed", "error"),
        ("chanx.layer.receive_recovered", "info"),
    ]


async def test_the_hubs_tasks_do_not_carry_the_first_members_log_context() -> None:
    """Hub-wide log lines must not name the connection that happened to join first."""
    seen: list[dict[str, Any]] = []

    class Recording(CountingLayer):
        async def receive(self, channel: str) -> dict[str, Any]:
            seen.append(structlog.contextvars.get_contextvars())
            return await super().receive(channel)

    hub = GroupHub(Recording())
    member = Member("m")
    tokens = structlog.contextvars.bind_contextvars(consumer="First", path="/ws/first")
    try:
        await hub.join("room", member)
    finally:
        structlog.contextvars.reset_contextvars(**tokens)
    await wait_for(lambda: bool(seen))
    assert seen == [{}]
    await hub.leave("room", member)
