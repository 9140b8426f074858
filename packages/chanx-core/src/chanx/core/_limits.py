"""Rate limits: a token bucket per connection (and per handler), with strikes for abuse.

A :class:`RateLimit` allows ``rate`` frames per second on average and ``burst`` frames at once.
A frame over the limit is refused with an error frame and adds a *strike*; strikes fade at the
limit's own rate. A connection holding more than ``close_after`` strikes is sending far faster
than allowed (in steady state, more than twice the rate) and is closed with
:data:`~chanx.core._codes.RATE_LIMIT_CLOSE_CODE`.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any


@dataclasses.dataclass(frozen=True, slots=True)
class RateLimit:
    """How many frames a client may send.

    Args:
        rate: Frames per second allowed on average.
        burst: Frames allowed at once after a quiet spell; ``rate`` rounded up when not given.
        close_after: Strikes (refused frames, fading at ``rate`` per second) after which the
            connection is closed with 4429; ``None`` never closes, it only refuses.

    Raises:
        ValueError: When a number is out of range.
    """

    rate: float
    """Frames per second allowed on average."""
    burst: int = 0
    """Frames allowed at once; 0 stands for ``rate`` rounded up."""
    close_after: int | None = 50
    """Strikes after which the connection is closed with 4429; ``None`` never closes."""

    def __post_init__(self) -> None:
        rate: object = self.rate
        if isinstance(rate, bool) or not isinstance(rate, int | float) or not rate > 0:
            msg = f"RateLimit.rate must be a positive number of frames per second, got {rate!r}"
            raise ValueError(msg)
        if not math.isfinite(self.rate):
            msg = f"RateLimit.rate must be finite, got {self.rate!r}"
            raise ValueError(msg)
        if self.burst == 0:
            object.__setattr__(self, "burst", max(1, math.ceil(self.rate)))
        _positive_int("burst", self.burst)
        if self.close_after is not None:
            _positive_int("close_after", self.close_after)

    @classmethod
    def coerce(cls, value: object, where: str) -> RateLimit | None:
        """Read a rate limit from a setting: a ``RateLimit``, a mapping, a number or ``None``.

        A mapping takes the keys ``rate``, ``burst`` and ``close_after`` (upper-case too, as
        Django settings are written); a number is a rate with the default burst.

        Args:
            value: The setting's value.
            where: What is being read, for the error message.

        Returns:
            The rate limit, or ``None`` for no limit.

        Raises:
            ValueError: When the value is not one of those forms.
        """
        if value is None or isinstance(value, RateLimit):
            return value
        if isinstance(value, Mapping):
            keys = {str(key).lower(): item for key, item in value.items()}
            unknown = set(keys) - {"rate", "burst", "close_after"}
            if unknown or "rate" not in keys:
                msg = (
                    f"{where} needs a 'rate' and may have 'burst' and 'close_after', got {value!r}"
                )
                raise ValueError(msg)
            return cls(**keys)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return cls(rate=value)
        msg = (
            f"{where} must be a RateLimit, a mapping with a 'rate', a number or None, got {value!r}"
        )
        raise ValueError(msg)

    def describe(self) -> str:
        """Return the limit in words, for error frames: ``"10 per second, burst 20"``."""
        return f"{self.rate:g} per second, burst {self.burst}"

    def as_document(self) -> dict[str, Any]:
        """Return the limit as the AsyncAPI document's ``x-chanx-rate-limit`` shows it."""
        return {"rate": self.rate, "burst": self.burst, "closeAfter": self.close_after}


def _positive_int(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        msg = f"RateLimit.{name} must be a positive int, got {value!r}"
        raise ValueError(msg)


class TokenBucket:
    """One rate limit's state for one connection.

    Args:
        limit: The rate limit.
        now: The current time (``time.monotonic()``).
    """

    __slots__ = ("_limit", "_strikes", "_struck_at", "_tokens", "_updated")

    def __init__(self, limit: RateLimit, now: float) -> None:
        self._limit = limit
        self._tokens = float(limit.burst)
        self._updated = now
        self._strikes = 0.0
        self._struck_at = now

    @property
    def limit(self) -> RateLimit:
        """The rate limit this bucket enforces."""
        return self._limit

    def take(self, now: float) -> bool:
        """Take one token; False when the bucket is empty and the frame must be refused."""
        limit = self._limit
        tokens = self._tokens + (now - self._updated) * limit.rate
        self._updated = now
        if tokens >= 1.0:
            self._tokens = min(tokens, float(limit.burst)) - 1.0
            return True
        self._tokens = tokens
        return False

    def strike(self, now: float) -> bool:
        """Count one refused frame; True when the connection is now past ``close_after``."""
        limit = self._limit
        faded = (now - self._struck_at) * limit.rate
        self._strikes = max(0.0, self._strikes - faded) + 1.0
        self._struck_at = now
        return limit.close_after is not None and self._strikes > limit.close_after
