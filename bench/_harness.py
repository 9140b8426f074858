"""Measuring contenders side by side and reporting them against a baseline of the same run.

Every scenario hands :func:`measure` a list of contenders, the first of which is its baseline.
Each round runs every contender once, in an order rotated from round to round, so a burst of
noise on the machine lands on different contenders instead of on one; the report gives the
median over rounds, the spread (min and max), and each median as a ratio to the baseline's.
"""

from __future__ import annotations

import gc
import os
import platform
import statistics
import sys
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any


@dataclass(frozen=True)
class Sample:
    """One contender's cost over one round of ``messages`` messages.

    Attributes:
        cpu_seconds: Process CPU time (``time.process_time``, every thread) for the round.
        wall_seconds: Elapsed time (``time.perf_counter``) for the round.
        messages: How many messages the round handled.
        extra: Further figures of the round (latency percentiles, throughput, ...), by key;
            the scenario names them in :func:`scenario_json`'s ``extra_labels``.
    """

    cpu_seconds: float
    wall_seconds: float
    messages: int
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def cpu_us(self) -> float:
        """CPU microseconds per message."""
        return self.cpu_seconds / self.messages * 1e6

    @property
    def wall_us(self) -> float:
        """Wall-clock microseconds per message."""
        return self.wall_seconds / self.messages * 1e6


Runner = Callable[[int], Awaitable[Sample]]
"""Handles the given number of messages and reports what it cost."""


@dataclass
class Contender:
    """One way of doing the scenario's work.

    Attributes:
        name: Short name, the table's first column.
        description: What exactly runs, for the report.
        run: Handles ``n`` messages and returns the :class:`Sample`.
        versions: Versions of what it runs on, when they differ from this process's.
    """

    name: str
    description: str
    run: Runner
    versions: dict[str, str] = field(default_factory=dict)


@dataclass
class Result:
    """The samples of one contender over every round."""

    contender: Contender
    samples: list[Sample] = field(default_factory=list)

    @property
    def cpu_median(self) -> float:
        """Median CPU microseconds per message."""
        return statistics.median(s.cpu_us for s in self.samples)

    @property
    def wall_median(self) -> float:
        """Median wall-clock microseconds per message."""
        return statistics.median(s.wall_us for s in self.samples)

    def extra_median(self, key: str) -> float | None:
        """Median of one of the samples' further figures, None when no sample has it."""
        values = [s.extra[key] for s in self.samples if key in s.extra]
        return statistics.median(values) if values else None


async def timed(handle: Callable[[], Awaitable[None]], messages: int) -> Sample:
    """Run ``handle`` ``messages`` times in a row and measure the CPU and wall time it took.

    Args:
        handle: Handles one message, returning once its reply was sent.
        messages: How many times to call it.

    Returns:
        The round's sample.
    """
    gc.collect()
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(messages):
        await handle()
    return Sample(time.process_time() - cpu, time.perf_counter() - wall, messages)


async def measure(contenders: Sequence[Contender], rounds: int, messages: int) -> list[Result]:
    """Run every contender ``rounds`` times, interleaved, after one warm-up round each.

    Args:
        contenders: The contenders, the baseline first.
        rounds: Measured rounds per contender.
        messages: Messages per round.

    Returns:
        One result per contender, in the given order.
    """
    results = [Result(c) for c in contenders]
    warmup = max(1, messages // 10)
    for result in results:
        await result.contender.run(warmup)
    for number in range(rounds):
        shift = number % len(results)
        for result in results[shift:] + results[:shift]:
            result.samples.append(await result.contender.run(messages))
    return results


def versions(*names: str) -> dict[str, str]:
    """Return the installed version of each named distribution (``-`` when missing)."""
    found: dict[str, str] = {"python": platform.python_version()}
    for name in names:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "-"
    return found


def machine() -> dict[str, Any]:
    """Describe the machine: CPU count, load averages, platform, interpreter."""
    return {
        "cpu_count": os.cpu_count(),
        "loadavg": [round(x, 2) for x in os.getloadavg()],
        "platform": platform.platform(),
        "implementation": sys.implementation.name,
    }


def scenario_json(
    name: str,
    summary: str,
    results: Sequence[Result],
    skipped: Sequence[str],
    rounds: int,
    messages: int,
    *,
    unit: str = "message",
    extra_labels: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Return a scenario's raw numbers, ratios included, as JSON-ready data.

    Args:
        name: The scenario's name.
        summary: One sentence on what it measures.
        results: One per contender, the baseline first.
        skipped: Why each contender that was left out was left out.
        rounds: Measured rounds.
        messages: Units of work per round.
        unit: What one unit of work is ("message", "broadcast", "connection").
        extra_labels: Column titles of the samples' further figures, by key, in table order.
    """
    base = results[0].cpu_median
    labels = dict(extra_labels or {})
    return {
        "scenario": name,
        "summary": summary,
        "rounds": rounds,
        "messages_per_round": messages,
        "unit": unit,
        "extra_labels": labels,
        "baseline": results[0].contender.name,
        "skipped": list(skipped),
        "contenders": [
            {
                "name": r.contender.name,
                "description": r.contender.description,
                "versions": r.contender.versions,
                "cpu_us_per_message": [round(s.cpu_us, 3) for s in r.samples],
                "wall_us_per_message": [round(s.wall_us, 3) for s in r.samples],
                "cpu_us_median": round(r.cpu_median, 3),
                "wall_us_median": round(r.wall_median, 3),
                "ratio_to_baseline": round(r.cpu_median / base, 3),
                "extra": {key: [s.extra.get(key) for s in r.samples] for key in labels},
                "extra_median": {
                    key: None if (m := r.extra_median(key)) is None else round(m, 3)
                    for key in labels
                },
            }
            for r in results
        ],
    }


def scenario_markdown(data: dict[str, Any]) -> str:
    """Render one scenario's JSON data as a Markdown section with its table."""
    unit = data.get("unit", "message")
    labels: dict[str, str] = data.get("extra_labels") or {}
    lines = [
        f"## {data['scenario']}",
        "",
        data["summary"],
        "",
        f"{data['rounds']} rounds of {data['messages_per_round']} {unit}s, contenders "
        f"interleaved; baseline: `{data['baseline']}`.",
        "",
        f"| contender | CPU µs/{unit} (median) | ratio to baseline | min / max µs "
        f"| wall µs/{unit} |" + "".join(f" {label} |" for label in labels.values()),
        "|---|---:|---:|---:|---:|" + "---:|" * len(labels),
    ]
    for c in data["contenders"]:
        cpu = c["cpu_us_per_message"]
        extras = c.get("extra_median") or {}
        cells = "".join(
            " - |" if extras.get(key) is None else f" {extras[key]:.2f} |" for key in labels
        )
        lines.append(
            f"| {c['name']} | {c['cpu_us_median']:.2f} | {c['ratio_to_baseline']:.2f}x "
            f"| {min(cpu):.2f} / {max(cpu):.2f} | {c['wall_us_median']:.2f} |" + cells
        )
    lines.append("")
    for c in data["contenders"]:
        lines.append(f"- **{c['name']}**: {c['description']}")
    for reason in data["skipped"]:
        lines.append(f"- *not measured*: {reason}")
    lines.append("")
    return "\n".join(lines)
