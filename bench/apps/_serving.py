"""What every benchmark server app shares: the ``/bench/gc`` endpoint and the log setup.

This module imports only the standard library and structlog, so the apps of the released chanx
2.13.0 (run in a virtualenv of their own) use it too.

``GET /bench/gc`` runs a full garbage collection in the server and answers with the number of
objects it freed; the ``memory`` scenario calls it before reading the server's resident memory,
so the figure holds no garbage that is merely waiting for the collector. It is a plain ASGI
wrapper in front of the app: it costs one call per connection, never one per message.
"""

from __future__ import annotations

import gc
import logging
import os
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

GC_PATH = "/bench/gc"
"""The path of the garbage-collection endpoint."""
LOG_FILE_VARIABLE = "BENCH_LOG_FILE"
"""The environment variable naming the file the server's structlog lines go to."""


def with_gc_endpoint(app: App) -> App:
    """Return an ASGI app that answers ``GET /bench/gc`` itself and passes the rest to ``app``.

    Args:
        app: The server's application.

    Returns:
        The wrapping application.
    """

    async def wrapper(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == GC_PATH:
            body = str(gc.collect()).encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [(b"content-type", b"text/plain"), (b"connection", b"close")],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return
        await app(scope, receive, send)

    return wrapper


def configure_structlog() -> None:
    """Render every structlog line as JSON to ``$BENCH_LOG_FILE``, as a production app would.

    The processors are the ones structlog's documentation recommends for production (context
    variables merged, level, ISO timestamp, JSON), writing through a ``WriteLogger`` that
    flushes each line; lines below INFO are filtered out before any processing. Without the
    variable the lines go to ``os.devnull``: a server's stdout is a pipe nobody reads.
    """
    import structlog

    path = os.environ.get(LOG_FILE_VARIABLE) or os.devnull
    stream = open(path, "a", encoding="utf-8")  # noqa: SIM115 - open for the server's lifetime
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.JSONRenderer(),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.INFO),
        logger_factory=structlog.WriteLoggerFactory(file=stream),
        cache_logger_on_first_use=True,
    )
