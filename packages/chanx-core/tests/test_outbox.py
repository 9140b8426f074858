"""The outbox: writes in order, never lets a slow client grow without bound, never raises late."""

from __future__ import annotations

import asyncio

import pytest
import structlog

from chanx.core._outbox import Outbox, OverflowPolicy


class Wire:
    """A server side whose writes can be held, as a client that stopped reading holds them."""

    def __init__(self) -> None:
        self.written: list[str] = []
        self.open = asyncio.Event()
        self.open.set()
        self.error: BaseException | None = None

    async def write(self, text: str) -> None:
        await self.open.wait()
        if self.error is not None:
            raise self.error
        self.written.append(text)


def outbox(
    wire: Wire, limit: int = 3, policy: OverflowPolicy = "close"
) -> tuple[Outbox, list[int]]:
    overflows: list[int] = []
    box = Outbox(wire.write, limit, policy, lambda: overflows.append(1), "Test")
    return box, overflows


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_send_writes_at_once_and_push_writes_from_a_task_in_order() -> None:
    wire = Wire()
    box, _ = outbox(wire)
    await box.send("a")
    assert wire.written == ["a"]
    box.push("b")
    box.push("c")
    assert wire.written == ["a"]  # push never writes in the caller's turn
    await settle()
    assert wire.written == ["a", "b", "c"]


async def test_frames_queue_behind_a_held_write_and_leave_in_order() -> None:
    wire = Wire()
    box, overflows = outbox(wire, limit=4)
    wire.open.clear()
    box.push("1")
    await settle()
    box.push("2")
    await box.send("3")  # queued behind the held write: returns without waiting
    assert box.waiting == 2
    wire.open.set()
    await settle()
    assert wire.written == ["1", "2", "3"]
    assert overflows == []


async def test_own_frames_wait_for_room_and_never_overflow_the_queue() -> None:
    """A connection replying faster than its client reads waits at half the queue: no 1013."""
    wire = Wire()
    box, overflows = outbox(wire, limit=8)
    wire.open.clear()
    box.push("broadcast")
    await settle()

    async def reply_many() -> None:
        for n in range(40):
            await box.send(f"r{n}")

    replies = asyncio.create_task(reply_many())
    await settle()
    assert not replies.done()
    assert box.waiting == 4  # half the queue: the rest stays free for broadcasts
    for n in range(4):
        box.push(f"b{n}")  # broadcasts still fit, never waiting
    assert overflows == []
    wire.open.set()
    await asyncio.wait_for(replies, 5)
    await settle()
    assert overflows == []
    assert not box.gone
    assert [t for t in wire.written if t.startswith("r")] == [f"r{n}" for n in range(40)]
    assert len(wire.written) == 45


async def test_closing_releases_frames_waiting_for_room() -> None:
    """A reply waiting for room returns once the connection closes; nothing is left waiting."""
    wire = Wire()
    box, _ = outbox(wire, limit=2)
    wire.open.clear()
    box.push("held")
    await settle()
    await box.send("queued")
    waiting = asyncio.create_task(box.send("blocked"))
    await settle()
    assert not waiting.done()
    box.close()
    await asyncio.wait_for(waiting, 1)
    assert wire.written == []


async def test_close_policy_gives_up_on_a_client_that_does_not_read() -> None:
    wire = Wire()
    box, overflows = outbox(wire, limit=2)
    wire.open.clear()
    with structlog.testing.capture_logs() as logs:
        box.push("held")
        await settle()
        for text in ("q1", "q2", "over", "after"):
            box.push(text)
    assert overflows == [1]
    assert box.gone
    assert box.waiting == 0
    assert [e["event"] for e in logs] == ["chanx.websocket.slow_client_closed"]
    box.close()
    await settle()
    assert wire.written == []


async def test_drop_oldest_policy_keeps_the_newest_frames() -> None:
    wire = Wire()
    box, overflows = outbox(wire, limit=2, policy="drop_oldest")
    wire.open.clear()
    box.push("held")
    await settle()
    for text in ("a", "b", "c", "d"):
        box.push(text)
    assert box.dropped == 2
    wire.open.set()
    await settle()
    assert wire.written == ["held", "c", "d"]
    assert overflows == []
    assert not box.gone


async def test_a_vanished_client_is_dropped_quietly() -> None:
    wire = Wire()
    box, _ = outbox(wire)
    wire.error = OSError("client disconnected")
    await box.send("a")  # no exception for the handler
    assert box.gone
    box.push("b")
    await settle()
    assert wire.written == []


@pytest.mark.parametrize("send", ["push", "send"])
async def test_a_refused_write_ends_the_delivery_with_one_line_and_no_traceback(send: str) -> None:
    """Daphne's Disconnected (a RuntimeError) means the client is gone, as uvicorn's OSError does."""
    wire = Wire()
    box, _ = outbox(wire)
    wire.error = RuntimeError("Unexpected ASGI message after close")
    with structlog.testing.capture_logs() as logs:
        if send == "push":
            box.push("a")
        else:
            await box.send("a")  # no exception for the handler either
        await settle()
    assert box.gone
    assert logs == [
        {
            "event": "chanx.websocket.client_gone",
            "consumer": "Test",
            "error": "RuntimeError",
            "log_level": "info",
        }
    ]


async def test_close_cancels_a_held_write_and_leaves_no_task() -> None:
    wire = Wire()
    box, _ = outbox(wire)
    wire.open.clear()
    before = set(asyncio.all_tasks())
    box.push("held")
    await settle()
    assert len(set(asyncio.all_tasks()) - before) == 1
    box.close()
    await settle()
    assert set(asyncio.all_tasks()) - before == set()


@pytest.mark.parametrize("policy", ["close", "drop_oldest"])
async def test_memory_stays_bounded_whatever_is_pushed(policy: OverflowPolicy) -> None:
    wire = Wire()
    box, _ = outbox(wire, limit=10, policy=policy)
    wire.open.clear()
    box.push("held")
    await settle()
    for number in range(10_000):
        box.push(str(number))
    assert box.waiting <= 10
