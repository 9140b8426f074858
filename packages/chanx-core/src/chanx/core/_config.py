"""Consumer settings: class attributes over project-wide defaults over Chanx's defaults.

Settings are resolved lazily, the first time a consumer class serves a connection, so importing
a consumer module before the framework is configured freezes nothing. The result is cached per
class; :func:`invalidate_settings` (called by the adapters when a framework signals a settings
change, and by test helpers) makes every class resolve again on its next connection.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping
from typing import Any, Final, Literal

from chanx.core._limits import RateLimit

DEFAULTS: Final[Mapping[str, Any]] = {
    "camelize": False,
    "send_completion": False,
    "send_message_immediately": False,
    "send_authentication_message": True,
    "log_websocket_message": False,
    "log_ignored_actions": (),
    "max_concurrent_handlers": 1,
    "max_pending_messages": 32,
    "max_outbound_messages": 512,
    "outbound_overflow": "close",
    "handler_timeout": None,
    "max_message_size": 1_048_576,
    "rate_limit": None,
    "idle_timeout": None,
    "heartbeat_interval": None,
    "authentication_timeout": 10.0,
}
"""Chanx's own default for every setting a consumer reads through :class:`ConsumerConfig`."""

_generation = 0


def invalidate_settings() -> None:
    """Make every consumer class resolve its settings again on its next connection."""
    global _generation
    _generation += 1


def settings_generation() -> int:
    """Return the counter :func:`invalidate_settings` bumps."""
    return _generation


@dataclasses.dataclass(frozen=True, slots=True)
class ConsumerConfig:
    """The resolved settings of one consumer class, read once per connection, never per frame."""

    camelize: bool
    """camelCase keys on the wire, snake_case in Python, in both directions."""
    send_completion: bool
    """Send ``complete``, ``group_complete`` and ``event_complete`` frames."""
    send_message_immediately: bool
    """Yield to the event loop after every send, so each frame leaves before the next work."""
    send_authentication_message: bool
    """Send the ``authentication`` frame after the authenticator ran."""
    log_websocket_message: bool
    """Log every frame received and sent."""
    log_ignored_actions: frozenset[str]
    """Actions never logged, in either direction."""
    max_concurrent_handlers: int
    """1: frames are handled one at a time, in order. More: up to that many at once."""
    max_pending_messages: int
    """Frames and events that may wait for a handler before the connection stops reading."""
    max_outbound_messages: int
    """Frames that may wait for a client that is slow to read before ``outbound_overflow``."""
    outbound_overflow: Literal["close", "drop_oldest"]
    """A slow client whose queue is full: close it with 1013, or drop its oldest frame."""
    handler_timeout: float | None
    """Seconds a handler may run before it is cancelled and an error frame sent (None: no limit)."""
    max_message_size: int | None
    """The largest client frame, in UTF-8 bytes, that is parsed; larger ones get an error frame."""
    rate_limit: RateLimit | None
    """Frames per second a connection may send (a token bucket); None for no limit."""
    idle_timeout: float | None
    """Seconds without a frame from the client before the connection is closed with 4408."""
    heartbeat_interval: float | None
    """Seconds between the ``ping`` frames the server sends; None sends none."""
    authentication_timeout: float | None
    """Seconds the authenticator may take; past it the connection is refused with status 408."""
    generation: int
    """The :func:`settings_generation` this was resolved at."""

    @classmethod
    def resolve(cls, consumer: type, project: Mapping[str, Any]) -> ConsumerConfig:
        """Resolve the settings of a consumer class.

        For each setting, the first of these wins: a class attribute that is not ``None``
        (inherited ones included), the project's value (such as Django's ``CHANX`` dict, keyed
        by the upper-case name), Chanx's default.

        Args:
            consumer: The consumer class.
            project: Project-wide defaults supplied by the adapter.

        Returns:
            The resolved configuration.

        Raises:
            ValueError: When a numeric setting is out of range.
        """
        values: dict[str, Any] = {}
        for name, default in DEFAULTS.items():
            value = getattr(consumer, name, None)
            if value is None:
                value = project.get(name.upper(), default)
            values[name] = value
        ignored = values["log_ignored_actions"]
        values["log_ignored_actions"] = frozenset(
            (ignored,) if isinstance(ignored, str) else _strings(ignored)
        )
        for name in ("max_concurrent_handlers", "max_pending_messages", "max_outbound_messages"):
            value = values[name]
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                msg = f"{consumer.__qualname__}.{name} must be a positive int, got {value!r}"
                raise ValueError(msg)
        for name in (
            "handler_timeout",
            "idle_timeout",
            "heartbeat_interval",
            "authentication_timeout",
        ):
            seconds = values[name]
            if seconds is not None and (
                isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds <= 0
            ):
                msg = f"{consumer.__qualname__}.{name} must be positive seconds or None, got {seconds!r}"
                raise ValueError(msg)
        size = values["max_message_size"]
        if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size < 1):
            msg = f"{consumer.__qualname__}.max_message_size must be a positive int or None, got {size!r}"
            raise ValueError(msg)
        values["rate_limit"] = RateLimit.coerce(
            values["rate_limit"], f"{consumer.__qualname__}.rate_limit"
        )
        if values["outbound_overflow"] not in ("close", "drop_oldest"):
            msg = (
                f"{consumer.__qualname__}.outbound_overflow must be 'close' or 'drop_oldest', "
                f"got {values['outbound_overflow']!r}"
            )
            raise ValueError(msg)
        for name in (
            "camelize",
            "send_completion",
            "send_message_immediately",
            "send_authentication_message",
            "log_websocket_message",
        ):
            values[name] = bool(values[name])
        return cls(generation=_generation, **values)

    @property
    def watches_activity(self) -> bool:
        """Whether connections need a timer: an idle timeout or a heartbeat is set."""
        return self.idle_timeout is not None or self.heartbeat_interval is not None

    def limits_document(self) -> dict[str, Any]:
        """Return the limits and policies a client author must know, for the AsyncAPI document.

        The ``x-chanx-limits`` extension shows them with camelCase keys, ``None`` for no limit.
        """
        return {
            "maxMessageSize": self.max_message_size,
            "rateLimit": self.rate_limit.as_document() if self.rate_limit else None,
            "idleTimeout": self.idle_timeout,
            "heartbeatInterval": self.heartbeat_interval,
            "handlerTimeout": self.handler_timeout,
            "maxOutboundMessages": self.max_outbound_messages,
            "outboundOverflow": self.outbound_overflow,
        }


def _strings(values: Collection[Any]) -> list[str]:
    return [str(value) for value in values]
