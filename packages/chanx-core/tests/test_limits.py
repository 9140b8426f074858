"""Rate limits: reading them from settings, and the token bucket with its strikes."""

from __future__ import annotations

import pytest

from chanx.core._limits import TokenBucket
from chanx.core.limits import CLOSE_CODES, RATE_LIMIT_CLOSE_CODE, RateLimit


def test_burst_defaults_to_the_rate_rounded_up() -> None:
    """Without a burst, a limit allows its rate (rounded up, at least 1) at once."""
    assert RateLimit(rate=2.5).burst == 3
    assert RateLimit(rate=0.2).burst == 1
    assert RateLimit(rate=10, burst=40).burst == 40


@pytest.mark.parametrize(
    "kwargs",
    [
        {"rate": 0},
        {"rate": -1},
        {"rate": float("inf")},
        {"rate": True},
        {"rate": 1, "burst": -2},
        {"rate": 1, "close_after": 0},
    ],
)
def test_out_of_range_numbers_are_refused(kwargs: dict[str, float]) -> None:
    """A rate limit that could never be met, or never refuse, is a configuration error."""
    with pytest.raises(ValueError, match="RateLimit"):
        RateLimit(**kwargs)  # type: ignore[arg-type]


def test_settings_may_spell_a_limit_as_a_mapping_or_a_number() -> None:
    """Django settings hold plain data: a mapping (any key case) or a bare rate."""
    assert RateLimit.coerce({"RATE": 5, "BURST": 10}, "x") == RateLimit(rate=5, burst=10)
    assert RateLimit.coerce({"rate": 5, "close_after": None}, "x") == RateLimit(
        rate=5, close_after=None
    )
    assert RateLimit.coerce(3, "x") == RateLimit(rate=3)
    assert RateLimit.coerce(None, "x") is None
    limit = RateLimit(rate=1)
    assert RateLimit.coerce(limit, "x") is limit


@pytest.mark.parametrize("value", [{"burst": 3}, {"rate": 1, "per": "minute"}, "fast", True])
def test_other_setting_values_name_the_setting(value: object) -> None:
    """A value of the wrong shape fails with the setting's name in the message."""
    with pytest.raises(ValueError, match=r"Chat\.rate_limit"):
        RateLimit.coerce(value, "Chat.rate_limit")


def test_a_bucket_allows_its_burst_then_its_rate() -> None:
    """A full bucket lets ``burst`` frames through at once, then one per ``1/rate`` seconds."""
    bucket = TokenBucket(RateLimit(rate=2, burst=3), now=100.0)
    assert [bucket.take(100.0) for _ in range(4)] == [True, True, True, False]
    assert bucket.take(100.4) is False  # 0.8 of a token
    assert bucket.take(100.5) is True
    # A long quiet spell refills to the burst, never beyond it.
    assert [bucket.take(200.0) for _ in range(4)] == [True, True, True, False]


def test_strikes_close_a_flood_but_fade_for_a_burst() -> None:
    """Refused frames past close_after mean abuse; strikes fade at the limit's own rate."""
    limit = RateLimit(rate=10, burst=10, close_after=5)
    bucket = TokenBucket(limit, now=0.0)
    assert [bucket.strike(0.0) for _ in range(5)] == [False] * 5
    assert bucket.strike(0.0) is True

    calm = TokenBucket(limit, now=0.0)
    for second in range(20):
        # Five refusals a second, each time after a quiet second: they fade before piling up.
        assert not any(calm.strike(float(second)) for _ in range(5))


def test_a_limit_without_close_after_never_closes() -> None:
    """``close_after=None`` only refuses frames, however many."""
    bucket = TokenBucket(RateLimit(rate=1, close_after=None), now=0.0)
    assert not any(bucket.strike(0.0) for _ in range(10_000))


def test_every_close_code_is_documented() -> None:
    """The table of close codes names each code Chanx sends, the rate limit's included."""
    assert RATE_LIMIT_CLOSE_CODE in CLOSE_CODES
    assert {1011, 1013, 4401, 4403, 4408, 4429} <= set(CLOSE_CODES)
    assert RateLimit(rate=10, burst=20).describe() == "10 per second, burst 20"
