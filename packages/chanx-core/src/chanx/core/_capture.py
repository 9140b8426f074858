"""Recording ``send_event`` / ``broadcast_event`` calls for tests."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from chanx.messages import BaseMessage


@dataclasses.dataclass(frozen=True)
class CapturedEvent:
    """One event a consumer class was asked to send."""

    consumer: type | None
    """The consumer class whose ``send_event`` / ``broadcast_event`` was called; None for the
    functions of :mod:`chanx.core.events`, which know no consumer class."""
    event: BaseMessage
    """The event."""
    groups: tuple[str, ...] = ()
    """The target groups, for a broadcast."""
    channel_name: str | None = None
    """The target channel, for ``send_event``."""


@dataclasses.dataclass
class EventCapture:
    """The events recorded while a :func:`chanx.core.testing.capture_broadcast_events` is open."""

    suppress: bool
    """When true, captured events are not delivered."""
    events: list[CapturedEvent] = dataclasses.field(default_factory=list)
    """Everything recorded, in call order."""

    def of_type(self, cls: type[BaseMessage]) -> Sequence[BaseMessage]:
        """Return the captured events that are instances of ``cls``."""
        return [item.event for item in self.events if isinstance(item.event, cls)]


ACTIVE: list[EventCapture] = []
"""Open captures, innermost last; empty (and so free to check) outside tests."""


def record(item: CapturedEvent) -> bool:
    """Record an event in every open capture; return True when delivery is suppressed."""
    suppressed = False
    for capture in ACTIVE:
        capture.events.append(item)
        suppressed = suppressed or capture.suppress
    return suppressed
