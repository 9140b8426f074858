"""The group hub: one layer membership per group per process, local fanout, recovery."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import pytest
import structlog
from chanx_core_host import MemoryLayer

from chanx.core._hub import GroupHub, hub_for


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
    """Counts layer calls; can lose its groups and fail reads, as a restarting Redis does."""

    def __init__(self) -> None:
        super().__init__()
        self.adds = 0
        self.failures = 0

    async def group_add(self, group: str, channel: str) -> None:
        self.adds += 1
        await super().group_add(group, channel)

    async def receive(self, channel: str) -> dict[str, Any]:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("backend down")
        return await super().receive(channel)


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
    layer = CountingLayer()
    layer.group_expiry = 0.1  # type: ignore[attr-defined]
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
