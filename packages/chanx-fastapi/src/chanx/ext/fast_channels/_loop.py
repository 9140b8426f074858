"""The event loop that serves the connections, for synchronous code in other threads.

fast-channels' in-memory layer keeps asyncio queues that belong to the loop serving the
connections; asyncio queues are not thread-safe. ``async_to_sync`` called from a worker thread
(a FastAPI ``def`` endpoint, a thread pool, a script thread) would run the layer call on a new
loop in that thread and wake no consumer. So the sync helpers hand the call to the serving loop
when there is one, which also lets a Redis layer reuse that loop's connections.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Coroutine
from typing import Any

_serving: weakref.ref[asyncio.AbstractEventLoop] | None = None


def remember_serving_loop() -> None:
    """Record the running loop as the one that serves connections (called per connection)."""
    global _serving
    loop = asyncio.get_running_loop()
    if _serving is None or _serving() is not loop:
        _serving = weakref.ref(loop)


def serving_loop_elsewhere() -> asyncio.AbstractEventLoop | None:
    """Return the serving loop when it runs in another thread than the caller, else None.

    None also when no connection was ever served, or the loop has stopped: then the caller
    falls back to ``async_to_sync``, which runs the call on a loop of its own.
    """
    loop = _serving() if _serving is not None else None
    if loop is None or loop.is_closed() or not loop.is_running():
        return None
    try:
        current = asyncio.get_running_loop()
    except RuntimeError:
        current = None
    return None if current is loop else loop


def run_on_serving_loop(
    loop: asyncio.AbstractEventLoop, coroutine: Coroutine[Any, Any, None]
) -> None:
    """Run ``coroutine`` on ``loop`` from another thread and wait for it.

    Args:
        loop: A loop running in another thread.
        coroutine: The call to make there.

    Raises:
        Exception: Whatever the coroutine raised.
    """
    asyncio.run_coroutine_threadsafe(coroutine, loop).result()
