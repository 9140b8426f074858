"""Scenario ``roundtrip``: a server's CPU per ping/pong, over real sockets, 50 clients at once.

Each contender is a real server (uvicorn, or daphne for Django Channels) started once for the
whole scenario; the load generator, a process of its own, opens 50 connections to it before
the first round and keeps them open across rounds. In a round, every connection sends
``{"action":"ping"}``, waits for the ``pong``, and sends the next, all connections at once,
until the round's messages are done. The cost is the server process's CPU over the round (from
``/proc``) per round trip; throughput, latency percentiles and the load generator's own CPU are
reported next to it.
"""

from __future__ import annotations

import argparse
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench._harness import Result, measure, scenario_json
from bench.scenarios._live import (
    ROUND_TRIP_LABELS,
    PingPong,
    Server,
    interpreter_versions,
    start_all,
    stop_all,
)

NAME = "roundtrip"
BASELINE = "bare ASGI echo (uvicorn)"
FAST_CHANNELS = "Chanx on fast-channels (uvicorn)"
FAST_CHANNELS_213 = "chanx 2.13.0 on fast-channels (uvicorn)"
DJANGO = "Chanx on Django Channels (daphne)"
DJANGO_213 = "chanx 2.13.0 on Django Channels (daphne)"
PLAIN_DJANGO = "Channels consumer (daphne)"


def messages_per_round(options: argparse.Namespace) -> int:
    """Round trips per round of the server scenarios: three times ``--messages``.

    A server's figures are noisier than an in-process loop's (two processes, a kernel between
    them), so rounds are longer than ``dispatch``'s: 6000 round trips by default, a second or
    two per round.
    """
    return max(int(options.messages) * 3, int(options.connections))


def contenders(connections: int, chanx213: Path | None) -> tuple[list[PingPong], list[str]]:
    """Return the scenario's contenders, the baseline first, and why any is left out."""
    live = [
        PingPong(
            BASELINE,
            "a raw ASGI callable (`bench/apps/ping_asgi.py`): `json.loads` of the frame, a "
            '`{"action": "pong", "payload": null}` built and `json.dumps`-ed per reply; no '
            "framework, no router.",
            Server("uvicorn", "bench.apps.ping_asgi:app"),
            connections,
        ),
        PingPong(
            "fast-channels consumer (uvicorn)",
            "fast-channels' `AsyncJsonWebsocketConsumer` with a hand-written `receive_json` "
            "answering `send_json(pong)`, routed by FastAPI (`bench/apps/ping_fastapi.py`).",
            Server("uvicorn", "bench.apps.ping_fastapi:plain"),
            connections,
        ),
        PingPong(
            FAST_CHANNELS,
            "`chanx.ext.fast_channels.websocket.AsyncJsonWebsocketConsumer`, one `@ws_handler` "
            "`PingMessage` -> `PongMessage`, routed by FastAPI with `websocket_route`.",
            Server("uvicorn", "bench.apps.ping_fastapi:chanx"),
            connections,
        ),
        PingPong(
            PLAIN_DJANGO,
            "Channels' `AsyncJsonWebsocketConsumer` with a hand-written `receive_json` "
            "answering `send_json(pong)` (`bench/apps/ping_django.py`), Channels' stock "
            "`dispatch` (a worker-thread hop for `aclose_old_connections()` per message).",
            Server("daphne", "bench.apps.ping_django:plain"),
            connections,
        ),
        PingPong(
            DJANGO,
            "`chanx.ext.channels.websocket.AsyncJsonWebsocketConsumer`, the same handler, "
            "routed by Channels' `URLRouter`.",
            Server("daphne", "bench.apps.ping_django:chanx"),
            connections,
        ),
    ]
    skipped: list[str] = []
    if chanx213 is None:
        skipped += [
            f"{FAST_CHANNELS_213} and {DJANGO_213}: no `--chanx213-python` given "
            "(`nox -s bench` sets it)"
        ]
        return live, skipped
    try:
        fast_versions = interpreter_versions(
            chanx213, ("chanx", "fast-channels", "fastapi", "uvicorn")
        )
        django_versions = interpreter_versions(chanx213, ("chanx", "channels", "django", "daphne"))
    except (OSError, subprocess.CalledProcessError) as exc:
        skipped.append(f"{FAST_CHANNELS_213} and {DJANGO_213}: `{chanx213}` does not run ({exc})")
        return live, skipped
    how = (
        f"the released chanx 2.13.0 in `{chanx213.parent.parent.name}`, the same handler, "
        "`send_message_immediately = False` as today's default"
    )
    live.insert(
        3,
        PingPong(
            FAST_CHANNELS_213,
            f"{how}; `bench/apps/ping_fastapi_chanx213.py`.",
            Server("uvicorn", "bench.apps.ping_fastapi_chanx213:chanx", chanx213),
            connections,
            fast_versions,
        ),
    )
    live.append(
        PingPong(
            DJANGO_213,
            f"{how}; `bench/apps/ping_django_chanx213.py`.",
            Server("daphne", "bench.apps.ping_django_chanx213:chanx", chanx213),
            connections,
            django_versions,
        )
    )
    return live, skipped


def comparisons(results: Sequence[Result]) -> str:
    """Return the same-server ratios the baseline column does not show, as one sentence."""
    cpu = {r.contender.name: r.cpu_median for r in results}
    pairs = [
        (FAST_CHANNELS, FAST_CHANNELS_213, "Chanx / chanx 2.13 on fast-channels"),
        (DJANGO, DJANGO_213, "Chanx / chanx 2.13 on Django Channels"),
        (DJANGO, PLAIN_DJANGO, "Chanx / plain Channels consumer on daphne"),
    ]
    found = [f"{label} {cpu[a] / cpu[b]:.2f}x" for a, b, label in pairs if a in cpu and b in cpu]
    return f" Same-server CPU ratios: {'; '.join(found)}." if found else ""


async def run(options: argparse.Namespace) -> dict[str, Any]:
    """Measure every contender of the scenario and return its JSON-ready report.

    Args:
        options: The command line: ``rounds``, ``messages``, ``connections`` and
            ``chanx213_python`` (None leaves chanx 2.13 out).

    Returns:
        The scenario's data (see :func:`bench._harness.scenario_json`).

    Raises:
        RuntimeError: When the baseline cannot run.
    """
    connections = int(options.connections)
    messages = messages_per_round(options)
    live, skipped = contenders(connections, options.chanx213_python)
    started, failed = await start_all(live)
    try:
        if not started or started[0] is not live[0]:
            msg = f"the baseline could not run: {failed[0] if failed else 'unknown'}"
            raise RuntimeError(msg)
        results = await measure([p.contender() for p in started], options.rounds, messages)
    finally:
        await stop_all(started)
    summary = (
        f"Server CPU per ping/pong round trip, {connections} client connections at once over "
        f"loopback; ratios are to the bare ASGI echo on uvicorn.{comparisons(results)}"
    )
    return scenario_json(
        NAME,
        summary,
        results,
        skipped + failed,
        options.rounds,
        messages,
        unit="message",
        extra_labels=ROUND_TRIP_LABELS,
    )
