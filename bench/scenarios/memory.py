"""Scenario ``memory``: a server's resident memory per idle WebSocket connection.

Each contender's server is started once; the load generator opens 10 connections and pings once
on each, so every code path a connection touches is imported and built, and keeps them open.
Then each round (the harness's warm-up round too):

1. asks the server for a full garbage collection (``GET /bench/gc``) and reads its RSS;
2. opens 1000 more connections (``--idle-connections``) and sends nothing on them;
3. collects garbage again and reads the RSS once more.

The figure is the growth divided by 1000, in KiB per connection: everything one idle
connection keeps alive in the server, the server's own protocol objects included, so compare
contenders on the same server (uvicorn with uvicorn, daphne with daphne). Connections are never
closed between rounds: memory a process has freed stays resident and the next connections
would reuse it unseen, so each round measures 1000 connections on top of the earlier ones. A
sample's CPU is the server's CPU for opening the connections (handshake, routing, the consumer's
connect), per connection.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
from collections.abc import Sequence
from typing import Any

from bench._harness import Contender, Result, Sample, measure, scenario_json
from bench._proc import Child, free_port, precise_cpu_seconds, rss_bytes
from bench.scenarios._live import (
    PING_FRAME,
    WS_PATH,
    LoadGen,
    Server,
    collect_garbage,
    last_line,
    pong_problem,
)

NAME = "memory"
WARM_CONNECTIONS = 10
"""Connections opened, pinged and kept open before the first RSS reading."""
SETTLE_SECONDS = 0.3
"""Pause after opening connections, before collecting garbage: the last connects finish."""
LABELS = {
    "kib_per_connection": "KiB/connection",
    "kib_ratio": "KiB ratio to baseline",
    "rss_before_mib": "RSS before MiB",
    "rss_after_mib": "RSS after MiB",
}


class IdleConnections:
    """A memory contender: its server, started once, and a load generator holding connections.

    Args:
        name: The contender's name.
        description: What runs, for the report.
        server: How to start its server.
    """

    def __init__(self, name: str, description: str, server: Server) -> None:
        self.name = name
        self.description = description
        self.server = server
        self.child: Child | None = None
        self.loadgen: LoadGen | None = None
        self.url = ""

    async def start(self) -> None:
        """Start the server and the load generator, and warm the server up.

        Raises:
            RuntimeError: When something does not start or a reply is not a ``pong``.
        """
        port = free_port()
        child = self.server.child(port)
        await asyncio.to_thread(child.start)
        self.child = child
        self.loadgen = await LoadGen().start()
        self.url = f"ws://127.0.0.1:{port}{WS_PATH}"
        await self.loadgen.command("open", url=self.url, count=WARM_CONNECTIONS)
        # Before any round: a contender that answers wrongly measures nothing useful.
        answer = await self.loadgen.command("check", frame=PING_FRAME)
        problem = pong_problem(answer["replies"])
        if problem is not None:
            raise RuntimeError(problem)

    async def run(self, connections: int) -> Sample:
        """Open ``connections`` more idle connections and measure what they cost the server."""
        assert self.child is not None, "not started"
        assert self.loadgen is not None, "not started"
        pid, port = self.child.pid, self.child.port
        assert port is not None
        await collect_garbage(port)
        before = rss_bytes(pid)
        cpu = precise_cpu_seconds(pid)
        opened = await self.loadgen.command("open", url=self.url, count=connections)
        cpu = precise_cpu_seconds(pid) - cpu
        await asyncio.sleep(SETTLE_SECONDS)
        await collect_garbage(port)
        after = rss_bytes(pid)
        return Sample(
            cpu,
            opened["wall_seconds"],
            connections,
            {
                "kib_per_connection": (after - before) / connections / 1024,
                "rss_before_mib": before / 2**20,
                "rss_after_mib": after / 2**20,
            },
        )

    async def stop(self) -> None:
        """Close the connections, stop the load generator and the server."""
        if self.loadgen is not None:
            await self.loadgen.stop()
            self.loadgen = None
        if self.child is not None:
            await asyncio.to_thread(self.child.stop)
            self.child = None

    def contender(self) -> Contender:
        """Return this as the harness's contender."""
        return Contender(self.name, self.description, self.run)


def contenders() -> list[IdleConnections]:
    """Return the scenario's contenders, the baseline first."""
    specs = [
        (
            "fast-channels consumer (uvicorn)",
            "fast-channels' `AsyncJsonWebsocketConsumer` answering by hand, routed by FastAPI "
            "(`bench.apps.ping_fastapi:plain`).",
            Server("uvicorn", "bench.apps.ping_fastapi:plain"),
        ),
        (
            "Chanx on fast-channels (uvicorn)",
            "Chanx's consumer on fast-channels with one `@ws_handler`, routed by FastAPI "
            "(`bench.apps.ping_fastapi:chanx`).",
            Server("uvicorn", "bench.apps.ping_fastapi:chanx"),
        ),
        (
            "bare ASGI app (uvicorn)",
            "the raw ASGI ping/pong callable (`bench.apps.ping_asgi:app`): what uvicorn and "
            "the `websockets` protocol alone keep per connection.",
            Server("uvicorn", "bench.apps.ping_asgi:app"),
        ),
        (
            "Channels consumer (daphne)",
            "Channels' `AsyncJsonWebsocketConsumer` answering by hand "
            "(`bench.apps.ping_django:plain`); compare with the next row, not the baseline.",
            Server("daphne", "bench.apps.ping_django:plain"),
        ),
        (
            "Chanx on Django Channels (daphne)",
            "Chanx's consumer on Django Channels (`bench.apps.ping_django:chanx`).",
            Server("daphne", "bench.apps.ping_django:chanx"),
        ),
    ]
    return [IdleConnections(name, description, server) for name, description, server in specs]


def raise_open_files_limit(needed: int) -> None:
    """Raise this process's soft limit of open files (inherited by its children) if too low."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        limit = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (limit, hard))


def add_memory_ratios(results: Sequence[Result]) -> None:
    """Give every sample its KiB per connection as a ratio to the baseline's median."""
    base = results[0].extra_median("kib_per_connection")
    for result in results:
        for sample in result.samples:
            kib = sample.extra["kib_per_connection"]
            sample.extra["kib_ratio"] = kib / base if base else float("nan")


async def run(options: argparse.Namespace) -> dict[str, Any]:
    """Measure the resident memory per idle connection of each contender; return the report.

    Args:
        options: The command line: ``rounds`` and ``idle_connections``.

    Returns:
        The scenario's data (see :func:`bench._harness.scenario_json`).

    Raises:
        RuntimeError: When the baseline cannot run.
    """
    connections = int(options.idle_connections)
    # Every server, and its load generator, ends up with this many connections open.
    total = WARM_CONNECTIONS + max(1, connections // 10) + connections * int(options.rounds)
    raise_open_files_limit(total + 1024)
    live = contenders()
    outcomes = await asyncio.gather(*(c.start() for c in live), return_exceptions=True)
    started: list[IdleConnections] = []
    skipped: list[str] = []
    try:
        for contender, outcome in zip(live, outcomes, strict=True):
            if not isinstance(outcome, BaseException):
                started.append(contender)
            elif contender is live[0]:
                raise outcome
            else:
                skipped.append(f"{contender.name}: could not run ({last_line(outcome)})")
        results = await measure([c.contender() for c in started], options.rounds, connections)
    finally:
        await asyncio.gather(*(c.stop() for c in live), return_exceptions=True)
    add_memory_ratios(results)
    summary = (
        "Server resident memory per idle WebSocket connection: how much the RSS grows when "
        f"{connections} more connections are opened and left idle, divided by {connections}. "
        "CPU µs/connection is the server's CPU to open one (handshake and connect); the ratio "
        "column is that CPU's, the KiB ratio column the memory's."
    )
    return scenario_json(
        NAME,
        summary,
        results,
        skipped,
        options.rounds,
        connections,
        unit="connection",
        extra_labels=LABELS,
    )
