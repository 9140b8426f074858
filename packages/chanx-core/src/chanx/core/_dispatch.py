"""Running handlers for one connection: in order by default, or with bounded concurrency.

In order (``max_concurrent_handlers = 1``, the default), a client frame's handler runs right
where the frame arrives, in the connection's own task, as in a Channels consumer or a FastAPI
receive loop: no task and no trip through the event loop per frame. While it runs the
connection reads nothing more, which pushes back on a flooding client through TCP. Work that
arrives from elsewhere (a group event delivered by the process's group hub) waits in a bounded
queue and runs, in arrival order, as soon as the running handler returns; when nothing runs,
it starts in a task of its own.

With ``max_concurrent_handlers = N > 1`` each item runs in its own task, at most N at once;
further items wait in the queue, and the connection stops reading while the queue is full.
Closing the connection cancels every handler running in a task and waits for it to unwind.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
from collections import deque
from collections.abc import Callable, Coroutine
from typing import Any

from chanx.core._logging import logger

Work = Callable[[Any], Coroutine[Any, Any, None]]

_UNWIND_SECONDS = 5.0


class Dispatcher:
    """Runs ``work(item)`` for each item under the connection's concurrency policy.

    Args:
        max_concurrent: 1 for strict order; more for that many handlers at once.
        max_pending: How many items may wait for a free slot.
        context: The context variables handler tasks start with (a copy each); the caller's
            when not given. The engine passes the connection's, so log lines of a handler
            started by the group hub still name their connection.
    """

    __slots__ = (
        "_closed",
        "_context",
        "_limit",
        "_max_pending",
        "_pending",
        "_room",
        "_running",
        "_tasks",
    )

    def __init__(
        self, max_concurrent: int, max_pending: int, context: contextvars.Context | None = None
    ) -> None:
        self._closed = False
        self._context = context
        self._limit = max(1, max_concurrent)
        self._max_pending = max_pending
        # Created on first use: most connections never queue anything, and an empty deque
        # costs half a kilobyte per connection.
        self._pending: deque[tuple[Work, Any]] | None = None
        self._running = 0
        self._room: asyncio.Future[None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def in_flight(self) -> int:
        """Handlers running or waiting right now."""
        return self._running + (len(self._pending) if self._pending else 0)

    async def submit(self, work: Work, item: Any) -> None:
        """Handle an item from the connection's own task; wait while the connection is full.

        In order and idle, the work runs here and now, followed by anything queued meanwhile.

        Args:
            work: The coroutine function to run.
            item: Its argument.
        """
        while not self._closed:
            if self._running < self._limit and not self._pending:
                if self._limit == 1:
                    await self._run_inline(work, item)
                else:
                    self._spawn(work, item)
                return
            if self._queue_item(work, item):
                return
            room = self._room = asyncio.get_running_loop().create_future()
            try:
                await room
            finally:
                self._room = None

    def offer(self, work: Work, item: Any) -> bool:
        """Queue an item from outside the connection's task without ever waiting.

        Args:
            work: The coroutine function to run.
            item: Its argument.

        Returns:
            False when the connection is closed or its queue is full (the item is dropped).
        """
        if self._closed:
            return False
        if self._running < self._limit and not self._pending:
            self._spawn(work, item)
            return True
        return self._queue_item(work, item)

    def _queue_item(self, work: Work, item: Any) -> bool:
        pending = self._pending
        if pending is None:
            pending = self._pending = deque()
        if len(pending) < self._max_pending:
            pending.append((work, item))
            return True
        return False

    def _next(self) -> tuple[Work, Any] | None:
        """Take the next waiting item, or None when nothing waits or the connection closed."""
        pending = self._pending
        if not pending or self._closed:
            return None
        entry = pending.popleft()
        self._make_room()
        return entry

    async def _run_inline(self, work: Work, item: Any) -> None:
        task = asyncio.current_task()
        self._running += 1
        try:
            await _guarded(work, item)
            _still_cancelled(task)
            while (entry := self._next()) is not None:
                await _guarded(*entry)
                _still_cancelled(task)
        finally:
            self._running -= 1

    def _spawn(self, work: Work, item: Any) -> None:
        self._running += 1
        context = self._context.copy() if self._context is not None else None
        task = asyncio.get_running_loop().create_task(self._run_task(work, item), context=context)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run_task(self, work: Work, item: Any) -> None:
        try:
            await _guarded(work, item)
            # Continue with what waits: in order this keeps the order, concurrently it keeps
            # the slot busy without another task.
            while (entry := self._next()) is not None:
                await _guarded(*entry)
        finally:
            self._running -= 1
            self._make_room()

    def _make_room(self) -> None:
        room = self._room
        if room is not None and not room.done():
            room.set_result(None)

    def cancel_running(self, _: object = None) -> None:
        """Cancel every handler task without waiting (the connection's task ended)."""
        self._closed = True
        self._pending = None
        for task in self._tasks:
            task.cancel()

    async def close(self) -> None:
        """Cancel every handler still running or waiting, and wait until they have unwound."""
        self._closed = True
        self._pending = None
        self._make_room()
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            _, stuck = await asyncio.wait(tasks, timeout=_UNWIND_SECONDS)
            for task in stuck:
                logger.error("chanx.dispatch.handler_ignored_cancellation", task=task.get_name())
            for task in tasks:
                if task.done() and not task.cancelled():
                    with contextlib.suppress(Exception):
                        task.result()
        self._tasks.clear()


def _still_cancelled(task: asyncio.Task[Any] | None) -> None:
    """Raise CancelledError when the connection's task was cancelled and a handler swallowed it.

    The server cancels the connection's task to end it (shutdown, a stuck client); a handler
    running inline that catches the CancelledError and returns must not keep it alive.
    """
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


async def _guarded(work: Work, item: Any) -> None:
    """Run one item; the work functions report their own errors, this is the backstop."""
    try:
        await work(item)
    except Exception:
        logger.exception("chanx.dispatch.unexpected_error")
