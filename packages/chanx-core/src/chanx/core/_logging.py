"""The ``chanx`` structlog logger and the per-message context Chanx binds.

Per connection, Chanx binds ``consumer`` and ``path`` in the connection's own task (once, at
connect). Per message, while message logging is on, it binds ``action`` and ``message_id``
around the handler with :func:`structlog.contextvars.bind_contextvars` and restores the
previous values afterwards with :func:`structlog.contextvars.reset_contextvars`. It never clears the application's variables, and with logging off a
frame costs one ``if``.
"""

from __future__ import annotations

import os
from typing import Any

import structlog

logger: Any = structlog.get_logger("chanx")
"""The logger every Chanx component writes to."""


def new_message_id() -> str:
    """Return a short random id that ties together the log lines of one message."""
    return os.urandom(6).hex()
