"""Running handlers for one connection: in order by default, or with bounded concurrency.

Why in order by default: it is what a Channels or a FastAPI WebSocket loop does, so replies,
``complete`` frames and broadcasts leave in the order the client sent its frames, and it needs
no task per frame. One worker task per connection (started on the first frame, so idle
connections carry none) takes work from a bounded queue; when the queue is full the connection
stops reading, which pushes back on a flooding client through TCP instead of growing memory.

With ``max_concurrent_handlers > 1`` each frame runs in its own task, at most that many at once;
reading pauses while all slots are busy. Either way, closing the connection cancels every
handler still running and waits for it to unwind.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Coroutine
from typing import Any

from chanx.core._logging import logger

Work = Callable[[Any], Coroutine[Any, Any, None]]

_UNWIND_SECONDS = 5.0


async def _stop(_: Any) -> None:
    """End the in-order worker: :meth:`Dispatcher.close` queues it behind every other item."""
    raise asyncio.CancelledError


class Dispatcher:
    """Runs ``work(item)`` for each submitted item under the connection's concurrency policy.

    Args:
        max_concurrent: 1 for strict order; more for that many handlers at once.
        max_pending: How many items may wait before :meth:`submit` blocks (in-order mode).
    """

    __slots__ = ("_closed", "_max_pending", "_queue", "_slots", "_tasks", "_worker")

    def __init__(self, max_concurrent: int, max_pending: int) -> None:
        self._closed = False
        self._max_pending = max_pending
        self._queue: asyncio.Queue[tuple[Work, Any]] | None = None
        self._worker: asyncio.Task[None] | None = None
        self._slots = asyncio.Semaphore(max_concurrent) if max_concurrent > 1 else None
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def in_flight(self) -> int:
        """Handlers running or waiting right now."""
        queued = self._queue.qsize() if self._queue is not None else 0
        return queued + len(self._tasks)

    async def submit(self, work: Work, item: Any) -> None:
        """Schedule ``work(item)``; wait while the connection is at its limit.

        Args:
            work: The coroutine function to run.
            item: Its argument.
        """
        if self._closed:
            return
        slots = self._slots
        if slots is None:
            queue = self._queue
            if queue is None:
                queue = self._queue = asyncio.Queue(self._max_pending)
            if self._worker is None:
                self._worker = asyncio.get_running_loop().create_task(self._drain(queue))
                self._tasks.add(self._worker)
            await queue.put((work, item))
            return
        await slots.acquire()
        if self._closed:
            slots.release()
            return
        task = asyncio.get_running_loop().create_task(work(item))
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if self._slots is not None:
            self._slots.release()
        # The same backstop as the in-order worker's: report it as Chanx's, not as asyncio's
        # "Task exception was never retrieved".
        if not task.cancelled() and (error := task.exception()) is not None:
            logger.error("chanx.dispatch.unexpected_error", exc_info=error)

    async def _drain(self, queue: asyncio.Queue[tuple[Work, Any]]) -> None:
        while True:
            work, item = await queue.get()
            try:
                await work(item)
            except Exception:  # the work functions report their own errors; this is a backstop
                logger.exception("chanx.dispatch.unexpected_error")

    def cancel_running(self, _: object = None) -> None:
        """Cancel every handler without waiting (the connection's task ended without a close)."""
        for task in self._tasks:
            task.cancel()

    async def close(self) -> None:
        """Cancel every handler still running or waiting, and wait until they have unwound."""
        self._closed = True
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if self._queue is not None:
            while not self._queue.empty():
                self._queue.get_nowait()
            # A handler may catch its cancellation and return; the worker then takes this item
            # instead of waiting forever on the empty queue.
            self._queue.put_nowait((_stop, None))
        if tasks:
            _, stuck = await asyncio.wait(tasks, timeout=_UNWIND_SECONDS)
            for task in stuck:
                logger.error("chanx.dispatch.handler_ignored_cancellation", task=task.get_name())
            for task in tasks:
                if task.done() and not task.cancelled():
                    with contextlib.suppress(Exception):
                        task.result()
        self._tasks.clear()
        self._worker = None
        self._queue = None  # drops the stop item a cancelled worker never took
