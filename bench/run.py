"""Run Chanx's benchmarks and write ``bench/results/latest.md`` and ``latest.json``.

Usage: ``python bench/run.py [--scenario NAME ...] [--rounds 5] [--messages 2000]``
(``python3 scripts/run_nox.py -s bench`` runs it against the built wheels). See bench/README.md
for what each scenario measures and how to read the ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import chanx.core as chanx_core

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    # Appended, not prepended: the repository root must never shadow an installed package.
    sys.path.append(str(ROOT))

from bench import _harness  # noqa: E402 - needs the repository root on sys.path, set above

Scenario = Callable[[argparse.Namespace], Awaitable[dict[str, Any]]]

DISTRIBUTIONS = (
    "chanx-messages",
    "chanx-core",
    "chanx-fastapi",
    "chanx-django",
    "pydantic",
    "pydantic-core",
    "fast-channels",
    "channels",
    "django",
    "asgiref",
    "structlog",
    "fastapi",
    "starlette",
    "uvicorn",
    "daphne",
    "websockets",
)


async def dispatch(options: argparse.Namespace) -> dict[str, Any]:
    """Run the ``dispatch`` scenario (imported here: it configures Django in this process)."""
    from bench.scenarios import dispatch

    return await dispatch.run(options.rounds, options.messages, options.chanx213_python)


async def fanout(options: argparse.Namespace) -> dict[str, Any]:
    """Run the ``fanout`` scenario: one broadcast to 500 connections, under uvicorn."""
    from bench.scenarios import fanout

    return await fanout.run(options.rounds, options.broadcasts, options.chanx213_python)


async def roundtrip(options: argparse.Namespace) -> dict[str, Any]:
    """Run the ``roundtrip`` scenario: ping/pong through real uvicorn and daphne servers."""
    from bench.scenarios import roundtrip

    return await roundtrip.run(options)


async def message_logging(options: argparse.Namespace) -> dict[str, Any]:
    """Run the ``logging`` scenario: the Chanx round trip with message logging on and off."""
    from bench.scenarios import message_logging

    return await message_logging.run(options)


async def memory(options: argparse.Namespace) -> dict[str, Any]:
    """Run the ``memory`` scenario: a server's resident memory per idle connection."""
    from bench.scenarios import memory

    return await memory.run(options)


SCENARIOS: dict[str, Scenario] = {
    "dispatch": dispatch,
    "fanout": fanout,
    "roundtrip": roundtrip,
    "logging": message_logging,
    "memory": memory,
}
"""Every scenario, by name, in the order a full run takes them."""


def parse(argv: list[str] | None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scenario",
        action="append",
        choices=sorted(SCENARIOS),
        help="a scenario to run (repeatable; default: all)",
    )
    parser.add_argument("--rounds", type=int, default=5, help="measured rounds (default 5)")
    parser.add_argument(
        "--messages",
        type=int,
        default=2000,
        help="messages per round (default 2000; roundtrip and logging make 3 times as many)",
    )
    parser.add_argument(
        "--broadcasts",
        type=int,
        default=20,
        help="broadcasts per round of the fanout scenario (default 20)",
    )
    parser.add_argument(
        "--connections",
        type=int,
        default=50,
        help="client connections of the roundtrip and logging scenarios (default 50)",
    )
    parser.add_argument(
        "--idle-connections",
        type=int,
        default=1000,
        help="idle connections the memory scenario opens (default 1000)",
    )
    parser.add_argument(
        "--chanx213-python",
        type=Path,
        help="the python of a virtualenv with chanx==2.13.0 (nox -s bench creates one)",
    )
    parser.add_argument(
        "--output-dir",
        type=Path,
        default=ROOT / "bench" / "results",
        help="where latest.md and latest.json go (default bench/results)",
    )
    options = parser.parse_args(argv)
    if options.connections < 1 or options.idle_connections < 1:
        parser.error("--connections and --idle-connections must be positive")
    if options.rounds < 1 or options.messages < 1 or options.broadcasts < 1:
        parser.error("--rounds, --messages and --broadcasts must be positive")
    return options


def render(report: dict[str, Any]) -> str:
    """Render the whole report as Markdown."""
    start, end = report["machine"], report["machine_after"]
    versions = ", ".join(f"{name} {v}" for name, v in report["versions"].items())
    head = [
        "# Chanx benchmarks",
        "",
        f"Run {report['started']} in {report['seconds']:.0f} s on {start['platform']}, "
        f"{start['cpu_count']} CPUs, load average {start['loadavg']} before and "
        f"{end['loadavg']} after.",
        "",
        f"Versions: {versions}; Chanx imported from `{report['chanx_core_from']}`.",
        "",
        "Ratios compare medians with the baseline measured in the same run; absolute figures "
        "only compare within one machine and one run.",
        "",
    ]
    return "\n".join(head + [_harness.scenario_markdown(s) for s in report["scenarios"]])


async def run(options: argparse.Namespace) -> dict[str, Any]:
    """Run the selected scenarios and return the report."""
    started = datetime.now(UTC).isoformat(timespec="seconds")
    before, clock = _harness.machine(), time.perf_counter()
    scenarios = [await SCENARIOS[name](options) for name in options.scenario or SCENARIOS]
    return {
        "started": started,
        "seconds": round(time.perf_counter() - clock, 1),
        "machine": before,
        "machine_after": _harness.machine(),
        "versions": _harness.versions(*DISTRIBUTIONS),
        # Editable sources or built wheels: which Chanx was measured.
        "chanx_core_from": str(Path(chanx_core.__file__ or "").parent),
        "scenarios": scenarios,
    }


def main(argv: list[str] | None = None) -> None:
    """Run the benchmarks, print the Markdown report and write it with the raw JSON."""
    options = parse(argv)
    report = asyncio.run(run(options))
    markdown = render(report)
    out: Path = options.output_dir
    out.mkdir(parents=True, exist_ok=True)
    (out / "latest.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    (out / "latest.md").write_text(markdown, encoding="utf-8")
    print(markdown)
    print(f"written: {out / 'latest.md'}, {out / 'latest.json'}")


if __name__ == "__main__":
    main()
