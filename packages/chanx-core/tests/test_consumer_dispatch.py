"""How a connection schedules its handlers: order, concurrency, backpressure and cancellation."""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from typing import Any, ClassVar, Literal

from chanx_core_host import HostConsumer

from chanx.core.decorators import ws_handler
from chanx.core.testing import WebsocketCommunicator
from chanx.messages import BaseMessage

STEP = 1.0
"""Upper bound for one wait on a gate; tests never get near it unless they are broken."""


class Work(BaseMessage):
    action: Literal["work"] = "work"
    payload: int


class Done(BaseMessage):
    action: Literal["done"] = "done"
    payload: int


class Probe:
    """Gates and records for handlers: which ran, how many at once, which were cancelled."""

    def __init__(self, *, swallow_cancel: bool = False) -> None:
        self.gates: defaultdict[int, asyncio.Event] = defaultdict(asyncio.Event)
        self.began: defaultdict[int, asyncio.Event] = defaultdict(asyncio.Event)
        self.started: list[int] = []
        self.cancelled: list[int] = []
        self.running = 0
        self.peak = 0
        self.swallow_cancel = swallow_cancel

    def open(self, *indexes: int) -> None:
        for index in indexes:
            self.gates[index].set()

    async def wait_began(self, *indexes: int) -> None:
        for index in indexes:
            await asyncio.wait_for(self.began[index].wait(), STEP)

    async def run(self, index: int) -> None:
        self.started.append(index)
        self.running += 1
        self.peak = max(self.peak, self.running)
        self.began[index].set()
        try:
            await self.gates[index].wait()
        except asyncio.CancelledError:
            self.cancelled.append(index)
            if not self.swallow_cancel:
                raise
        finally:
            self.running -= 1


class ProbeConsumer(HostConsumer):
    probe: ClassVar[Probe]

    @ws_handler
    async def work(self, message: Work) -> Done:
        await type(self).probe.run(message.payload)
        return Done(payload=message.payload)


def connect(consumer: type[ProbeConsumer]) -> WebsocketCommunicator:
    return WebsocketCommunicator(consumer.as_asgi(), "/ws", consumer=consumer)


async def send_work(communicator: WebsocketCommunicator, *indexes: int) -> None:
    for index in indexes:
        await communicator.send_message(Work(payload=index))


async def receive_done(communicator: WebsocketCommunicator, count: int) -> list[int]:
    replies: list[Any] = [await communicator.receive_json() for _ in range(count)]
    assert all(reply["action"] == "done" for reply in replies), replies
    return [reply["payload"] for reply in replies]


def other_tasks() -> set[asyncio.Task[Any]]:
    return {task for task in asyncio.all_tasks() if task is not asyncio.current_task()}


async def unfinished(tasks: set[asyncio.Task[Any]]) -> set[asyncio.Task[Any]]:
    """Give ``tasks`` a moment to unwind and return those still running."""
    if tasks:
        await asyncio.wait(tasks, timeout=STEP)
    return {task for task in tasks if not task.done()}


# ---------------------------------------------------------------------------- order


async def test_frames_are_handled_one_at_a_time_in_order_by_default() -> None:
    """By default a slow first handler holds back the second, so replies keep send order."""

    class InOrder(ProbeConsumer):
        probe = Probe()

    probe = InOrder.probe
    probe.open(2)
    async with connect(InOrder) as communicator:
        await send_work(communicator, 1, 2)
        await probe.wait_began(1)
        assert await communicator.receive_nothing()
        assert probe.started == [1]
        probe.open(1)
        assert await receive_done(communicator, 2) == [1, 2]
    assert probe.peak == 1


async def test_max_concurrent_handlers_bounds_how_many_run_at_once() -> None:
    """With max_concurrent_handlers = 2, two handlers run together and a third waits for a slot."""

    class TwoAtOnce(ProbeConsumer):
        max_concurrent_handlers = 2
        probe = Probe()

    probe = TwoAtOnce.probe
    async with connect(TwoAtOnce) as communicator:
        await send_work(communicator, 1, 2, 3)
        await probe.wait_began(1, 2)
        assert await communicator.receive_nothing()
        assert probe.started == [1, 2]
        assert probe.running == 2
        probe.open(2)
        assert await receive_done(communicator, 1) == [2]
        await probe.wait_began(3)
        assert probe.running == 2
        probe.open(1, 3)
        assert sorted(await receive_done(communicator, 2)) == [1, 3]
    assert probe.peak == 2


# ---------------------------------------------------------------------------- backpressure


async def test_a_flood_in_order_mode_creates_no_task_and_loses_no_frame() -> None:
    """Flooding a blocked in-order connection adds no task: the frames wait to be read."""

    class Bounded(ProbeConsumer):
        max_pending_messages = 2
        probe = Probe()

    probe = Bounded.probe
    async with connect(Bounded) as communicator:
        baseline = len(asyncio.all_tasks())
        await send_work(communicator, *range(30))
        await probe.wait_began(0)
        assert await communicator.receive_nothing()
        # The host framework may start its own reader; Chanx adds no task per frame.
        assert len(asyncio.all_tasks()) - baseline <= 1
        assert probe.started == [0]
        probe.open(*range(30))
        assert await receive_done(communicator, 30) == list(range(30))


async def test_a_flood_in_concurrent_mode_creates_at_most_the_bound_of_tasks() -> None:
    """Flooding a connection whose slots are all busy adds no task beyond max_concurrent_handlers."""

    class BoundedConcurrent(ProbeConsumer):
        max_concurrent_handlers = 2
        max_pending_messages = 1
        probe = Probe()

    probe = BoundedConcurrent.probe
    async with connect(BoundedConcurrent) as communicator:
        baseline = len(asyncio.all_tasks())
        await send_work(communicator, *range(30))
        await probe.wait_began(0, 1)
        assert await communicator.receive_nothing()
        assert len(asyncio.all_tasks()) - baseline <= 2
        assert probe.started == [0, 1]
        probe.open(*range(30))
        assert sorted(await receive_done(communicator, 30)) == list(range(30))
    assert probe.peak == 2


# ---------------------------------------------------------------------------- cancellation


async def test_disconnect_cancels_every_in_flight_handler() -> None:
    """Closing the connection cancels each running handler and waits until it has unwound."""

    class Cancellable(ProbeConsumer):
        max_concurrent_handlers = 2
        probe = Probe()

    probe = Cancellable.probe
    before = other_tasks()
    communicator = connect(Cancellable)
    await communicator.connect()
    await send_work(communicator, 1, 2)
    await probe.wait_began(1, 2)
    await communicator.disconnect()
    assert sorted(probe.cancelled) == [1, 2]
    assert probe.running == 0
    assert other_tasks() == before


async def test_in_order_a_blocked_handler_holds_the_connection_until_the_server_cancels_it() -> (
    None
):
    """In order, a handler runs in the connection's task: the frames behind it are not read.

    As in a Channels consumer, the disconnect is seen once the handler returns; a server that
    gives up and cancels the connection cancels the handler, and nothing is left behind.
    """

    class Queued(ProbeConsumer):
        probe = Probe()

    probe = Queued.probe
    before = other_tasks()
    communicator = connect(Queued)
    await communicator.connect()
    await send_work(communicator, *range(10))
    await probe.wait_began(0)
    with contextlib.suppress(TimeoutError):
        await communicator.disconnect(timeout=0.05)
    assert probe.started == [0]
    assert probe.cancelled == [0]
    assert await unfinished(other_tasks() - before) == set()


async def test_in_order_the_disconnect_is_handled_once_the_handler_returns() -> None:
    """A disconnect sent while a handler runs ends the connection right after it."""

    class Finishing(ProbeConsumer):
        probe = Probe()

    probe = Finishing.probe
    before = other_tasks()
    communicator = connect(Finishing)
    await communicator.connect()
    await send_work(communicator, 0)
    await probe.wait_began(0)
    disconnecting = asyncio.ensure_future(communicator.disconnect())
    await asyncio.sleep(0.01)
    assert not disconnecting.done()
    probe.open(0)
    await asyncio.wait_for(disconnecting, STEP)
    assert probe.cancelled == []
    assert await unfinished(other_tasks() - before) == set()


async def test_a_handler_that_swallows_cancellation_does_not_keep_the_connection_alive() -> None:
    """A handler that catches the server's CancelledError and returns still ends the connection."""

    class Swallowing(ProbeConsumer):
        probe = Probe(swallow_cancel=True)

    probe = Swallowing.probe
    before = other_tasks()
    communicator = connect(Swallowing)
    await communicator.connect()
    await send_work(communicator, 0, 1, 2)
    await probe.wait_began(0)
    with contextlib.suppress(TimeoutError):
        await communicator.wait(timeout=0.05)
    assert probe.started == [0]
    assert probe.cancelled == [0]
    assert await unfinished(other_tasks() - before) == set()


async def test_handler_timeout_cancels_a_hung_handler_and_the_connection_goes_on() -> None:
    """Past handler_timeout a handler is cancelled with an error frame; the next one runs."""

    class Limited(ProbeConsumer):
        handler_timeout = 0.05
        probe = Probe()

    probe = Limited.probe
    probe.open(1)
    before = other_tasks()
    async with connect(Limited) as communicator:
        await send_work(communicator, 0, 1)
        assert await communicator.receive_json() == {
            "action": "error",
            "payload": {"detail": "Timed out processing message for work"},
        }
        assert await receive_done(communicator, 1) == [1]
    assert probe.cancelled == [0]
    assert await unfinished(other_tasks() - before) == set()


async def test_cancelling_the_application_cancels_its_handlers() -> None:
    """When the server cancels a connection stuck on a full queue, its handlers go with it."""

    class Stuck(ProbeConsumer):
        max_pending_messages = 1
        probe = Probe()

    probe = Stuck.probe
    before = other_tasks()
    communicator = connect(Stuck)
    await communicator.connect()
    await send_work(communicator, *range(5))
    await probe.wait_began(0)
    # The connection stopped reading (its queue is full), so it never finishes on its own;
    # the wait gives up and cancels it, as a server does on shutdown.
    with contextlib.suppress(TimeoutError):
        await communicator.wait(timeout=0.05)
    assert await unfinished(other_tasks() - before) == set()
    assert probe.cancelled == [0]
