"""Frames on their way to one client: in order, and never more than a bound waiting.

A connection's own code (its handlers, its replies) sends through :meth:`Outbox.send`, which
writes straight to the server and waits as long as the server makes it wait, exactly like an
awaited ``send``. Broadcasts delivered by the process's group hub use :meth:`Outbox.push`,
which never waits: one client that does not read must not hold up the delivery to the others.
While a write is in progress, further frames queue behind it, up to ``max_outbound_messages``;
past that the connection's ``outbound_overflow`` policy applies: ``"close"`` (the default)
drops the queue and closes the connection with :data:`SLOW_CLIENT_CLOSE_CODE`, and
``"drop_oldest"`` discards the oldest waiting frame.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Literal

from chanx.core._codes import SLOW_CLIENT_CLOSE_CODE
from chanx.core._logging import logger

__all__ = ["SLOW_CLIENT_CLOSE_CODE", "Outbox", "OverflowPolicy"]

OverflowPolicy = Literal["close", "drop_oldest"]
"""What happens when a client's queue of outbound frames is full."""


class Outbox:
    """The ordered, bounded way out of one connection.

    Args:
        write: Writes one text frame to the server (raises ``OSError`` once the client is gone).
        limit: How many frames may wait behind a write in progress.
        policy: The overflow policy.
        on_overflow: Called once when the ``"close"`` policy gives up on the client.
        name: The consumer's name, for log entries.
    """

    __slots__ = (
        "_busy",
        "_gone",
        "_limit",
        "_name",
        "_on_overflow",
        "_policy",
        "_queue",
        "_room",
        "_task",
        "_write",
        "dropped",
    )

    def __init__(
        self,
        write: Callable[[str], Awaitable[None]],
        limit: int,
        policy: OverflowPolicy,
        on_overflow: Callable[[], None],
        name: str,
    ) -> None:
        self._write = write
        self._limit = limit
        self._policy = policy
        self._on_overflow = on_overflow
        self._name = name
        self._queue: deque[str] | None = None  # created on first use, as most never queue
        self._busy = False
        self._gone = False
        self._task: asyncio.Task[None] | None = None
        # The connection's own frames wait here while the queue is half full: they push back
        # on the connection, while the other half stays for broadcasts, which never wait.
        self._room: asyncio.Future[None] | None = None
        self.dropped = 0
        """Frames discarded by the ``"drop_oldest"`` policy so far."""

    @property
    def gone(self) -> bool:
        """True once the client is gone or was given up on: nothing more is written."""
        return self._gone

    @property
    def waiting(self) -> int:
        """Frames queued behind the write in progress."""
        return len(self._queue) if self._queue else 0

    async def send(self, text: str) -> None:
        """Write a frame now and wait for the server, or queue it behind a write in progress.

        Behind a write in progress, the frame waits for room while the queue is half full, so
        a connection that replies faster than its client reads slows down instead of
        overflowing the queue (which only broadcasts may do).

        Args:
            text: The frame.
        """
        if self._gone:
            return
        if self._busy:
            while self._queue is not None and len(self._queue) >= self._limit // 2:
                room = self._room
                if room is None:
                    room = self._room = asyncio.get_running_loop().create_future()
                await room
                if self._gone:
                    return
            if self._busy:
                self._enqueue(text)
                return
        self._busy = True
        try:
            await self._drain(text)
        finally:
            self._busy = False

    def push(self, text: str) -> None:
        """Deliver a frame without waiting: written by a task of its own, or queued.

        Args:
            text: The frame.
        """
        if self._gone:
            return
        if self._busy:
            self._enqueue(text)
            return
        self._busy = True
        self._task = asyncio.get_running_loop().create_task(self._flush(text))

    def close(self) -> None:
        """Write nothing more: drop what waits and stop a write in progress."""
        self._gone = True
        self._queue = None
        self._make_room()
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()

    async def _drain(self, text: str) -> None:
        """Write ``text``, then whatever queued behind it meanwhile."""
        await self._write_one(text)
        while self._queue and not self._gone:
            text = self._queue.popleft()
            if self._room is not None and len(self._queue) < self._limit // 2:
                self._make_room()
            await self._write_one(text)
        self._make_room()

    def _make_room(self) -> None:
        room, self._room = self._room, None
        if room is not None and not room.done():
            room.set_result(None)

    async def _flush(self, text: str) -> None:
        # Nobody awaits this task; it cannot fail, as _write_one turns every refused write
        # into "the client is gone".
        try:
            await self._drain(text)
        finally:
            self._busy = False
            self._task = None
            self._make_room()

    async def _write_one(self, text: str) -> None:
        try:
            await self._write(text)
        except Exception as exc:
            # A write after the client vanished raises, each server its own way: uvicorn an
            # OSError (ClientDisconnected), daphne autobahn's Disconnected (a RuntimeError).
            # Either way nothing more can reach this client; the websocket.disconnect that
            # follows does the cleanup. No traceback: a race with a disconnect is routine, and
            # rendering thousands of them costs more than the broadcast.
            self._gone = True
            self._queue = None
            self._make_room()
            logger.info(
                "chanx.websocket.client_gone", consumer=self._name, error=type(exc).__name__
            )

    def _enqueue(self, text: str) -> None:
        queue = self._queue
        if queue is None:
            queue = self._queue = deque()
        if len(queue) < self._limit:
            queue.append(text)
            return
        if self._policy == "drop_oldest":
            queue.popleft()
            queue.append(text)
            self.dropped += 1
            if self.dropped == 1 or self.dropped % 1000 == 0:
                logger.warning(
                    "chanx.websocket.slow_client_dropped",
                    consumer=self._name,
                    dropped=self.dropped,
                    limit=self._limit,
                )
            return
        self._gone = True
        self._queue = None
        self._make_room()
        logger.warning("chanx.websocket.slow_client_closed", consumer=self._name, limit=self._limit)
        self._on_overflow()
