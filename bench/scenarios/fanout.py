"""Scenario ``fanout``: one broadcast to 500 connections, server CPU and time until all have it.

Each contender is a deployment: one or two uvicorn servers (one worker each) and a load
generator process (:mod:`bench.loadgen.fanout`) holding 500 member connections, split evenly
over the servers, plus one sender connection on the first server. Deployments are started once,
before the first round, and kept open to the end. A round asks the generator for K broadcasts
(``--broadcasts``): the sender sends a ``shout`` frame, the server sends ``news`` to every member
of the group, and the next shout leaves only once all 500 received the previous one. A round's
CPU is the servers' own (every server process, read from ``/proc`` before the command and after
the generator's answer); the generator reports how long each broadcast took until its last
member had it, and its own CPU, to show it was never the bottleneck.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import statistics
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench._harness import Contender, Result, Sample, measure, scenario_json
from bench._proc import ROOT, Child, free_port, port_answers, precise_cpu_seconds, python
from bench.apps._fanout_wire import (
    LAYER_VARIABLE,
    MEMBER_PATH,
    PREFIX_VARIABLE,
    REDIS_URL_VARIABLE,
    SENDER_PATH,
)

NAME = "fanout"
SUMMARY = (
    "Server CPU per broadcast of one ~150-byte `news` frame to 500 WebSocket connections in one "
    "group, and the time until all 500 have it, under uvicorn."
)
MEMBERS = 500
"""Connections in the group, over every server of a deployment."""
BROADCASTS = 20
"""Broadcasts per round unless ``--broadcasts`` says otherwise."""
REDIS_URL = os.environ.get("CHANX_BENCH_REDIS_URL") or "redis://127.0.0.1:6379/0"
"""The Redis server of the Redis layers (``CHANX_BENCH_REDIS_URL`` overrides it)."""
READY_SECONDS = 90.0
"""How long a generator may take to open its connections and see a probe reach them all."""
ANSWER_SECONDS = 300.0
"""How long a round may take."""
EXTRA_LABELS = {
    "all_ms": "ms until all have it (median)",
    "slowest_ms": "slowest ms",
    "load_cpu_us": "load generator CPU µs/broadcast",
}


# ---------------------------------------------------------------------------- deployments
@dataclass(frozen=True)
class Plan:
    """One contender's deployment.

    Attributes:
        name: The contender's name.
        description: What runs, for the report.
        app: The uvicorn application, ``module:attribute``.
        layer: The channel layer (``memory``, ``redis``, ``pubsub``); None for no layer.
        processes: Server processes; the members are split evenly over them.
        interpreter: The Python of the servers; None for this one.
    """

    name: str
    description: str
    app: str
    layer: str | None = "memory"
    processes: int = 1
    interpreter: Path | None = None

    @property
    def redis(self) -> bool:
        """True when the deployment needs Redis."""
        return self.layer in ("redis", "pubsub")


@dataclass
class Deployment:
    """The running servers and load generator of one plan.

    Attributes:
        plan: What to run.
        prefix: The Redis key prefix of this deployment, unique to it and to this run.
    """

    plan: Plan
    prefix: str
    servers: list[Child] = field(default_factory=list)
    generator: asyncio.subprocess.Process | None = None

    def server_command(self, port: int) -> list[str]:
        """Return the command line of one server."""
        return python(
            "-m",
            "uvicorn",
            self.plan.app,
            "--app-dir",
            str(ROOT),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
            "--lifespan",
            "off",
            # Pinned so every contender runs on the same server stack (uvicorn's defaults,
            # stated): asyncio's loop, h11 for the handshake, websockets' sans-I/O protocol.
            "--loop",
            "asyncio",
            "--http",
            "h11",
            "--ws",
            "websockets-sansio",
            interpreter=self.plan.interpreter,
        )

    def server_env(self) -> dict[str, str]:
        """Return the environment of the servers."""
        env = {
            LAYER_VARIABLE: self.plan.layer or "memory",
            REDIS_URL_VARIABLE: REDIS_URL,
            PREFIX_VARIABLE: self.prefix,
        }
        if self.plan.interpreter is not None:
            # chanx 2.13 reads Django's settings when either is set; PYTHONPATH would reach
            # into this environment's packages. Empty is unset to Python and to 2.13.
            env |= {"PYTHONPATH": "", "DJANGO_SETTINGS_MODULE": "", "CHANX_USE_DJANGO": ""}
        return env

    async def start(self) -> None:
        """Start the servers and the generator; return once every member is in the group.

        Raises:
            RuntimeError: When a server does not start or the generator does not get ready.
        """
        ports = [free_port() for _ in range(self.plan.processes)]
        for port in ports:
            child = Child(self.server_command(port), port=port, env=self.server_env())
            self.servers.append(child)
            await asyncio.to_thread(child.start)
        share, rest = divmod(MEMBERS, len(ports))
        members = [
            f"ws://127.0.0.1:{port}{MEMBER_PATH}={share + (index < rest)}"
            for index, port in enumerate(ports)
        ]
        args = [arg for spec in members for arg in ("--members", spec)]
        self.generator = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.loadgen.fanout",
            *args,
            "--sender",
            f"ws://127.0.0.1:{ports[0]}{SENDER_PATH}",
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        await self.answer(READY_SECONDS)

    async def answer(self, within: float) -> dict[str, Any]:
        """Read the generator's next answer, waiting ``within`` seconds at most.

        Raises:
            RuntimeError: When it answered an error, or exited.
        """
        generator = self.generator
        assert generator is not None
        assert generator.stdout is not None
        line = await asyncio.wait_for(generator.stdout.readline(), within)
        if not line:
            err = await generator.stderr.read() if generator.stderr else b""
            msg = f"the load generator exited: {err.decode(errors='replace')[-2000:]}"
            raise RuntimeError(msg)
        data: dict[str, Any] = json.loads(line)
        if "error" in data:
            msg = f"{self.plan.name}: {data['error']}"
            raise RuntimeError(msg)
        return data

    async def run(self, broadcasts: int) -> Sample:
        """Run ``broadcasts`` broadcasts and return the round's sample."""
        generator = self.generator
        assert generator is not None
        assert generator.stdin is not None
        pids = [server.pid for server in self.servers]
        before = sum(precise_cpu_seconds(pid) for pid in pids)
        generator.stdin.write(json.dumps({"broadcasts": broadcasts}).encode() + b"\n")
        with contextlib.suppress(ConnectionError):
            # A generator that exited says why on stderr, which answer() reports.
            await generator.stdin.drain()
        data = await self.answer(ANSWER_SECONDS)
        cpu = sum(precise_cpu_seconds(pid) for pid in pids) - before
        latencies: list[float] = data["latencies"]
        return Sample(
            cpu,
            data["wall_seconds"],
            broadcasts,
            extra={
                "all_ms": statistics.median(latencies) * 1e3,
                "slowest_ms": max(latencies) * 1e3,
                "load_cpu_us": data["cpu_seconds"] / broadcasts * 1e6,
            },
        )

    async def stop(self) -> None:
        """Stop the generator (it closes its connections), then the servers, by PID."""
        generator, self.generator = self.generator, None
        if generator is not None:
            if generator.returncode is None and generator.stdin is not None:
                with contextlib.suppress(OSError):
                    generator.stdin.write(b'{"quit": true}\n')
                    await generator.stdin.drain()
            try:
                await asyncio.wait_for(generator.wait(), 10)
            except TimeoutError:
                generator.kill()
                await generator.wait()
        for server in self.servers:
            await asyncio.to_thread(server.stop)
        self.servers.clear()
        if self.plan.redis:
            await forget_keys(self.prefix)


async def forget_keys(prefix: str) -> None:
    """Delete what a deployment left in Redis (its groups live a day otherwise)."""
    with contextlib.suppress(Exception):
        from redis.asyncio import Redis

        client = Redis.from_url(REDIS_URL)
        try:
            async for key in client.scan_iter(match=f"{prefix}*"):
                await client.delete(key)
        finally:
            await client.aclose()


def redis_missing() -> str | None:
    """Return why the Redis contenders cannot run, or None when they can."""
    parts = urlsplit(REDIS_URL)
    if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        return f"{REDIS_URL} is not on loopback"
    if not port_answers(parts.port or 6379):
        return f"no Redis answers at {REDIS_URL}"
    return None


def chanx213_missing(interpreter: Path) -> tuple[str | None, dict[str, str]]:
    """Return why chanx 2.13 cannot run in ``interpreter`` (None if it can) and its versions."""
    probe = (
        "import json, platform; from importlib import metadata; import chanx.fast_channels, "
        "uvicorn, fastapi\n"
        "names = ('chanx', 'fast-channels', 'pydantic', 'uvicorn', 'websockets', 'fastapi', "
        "'starlette')\n"
        "print(json.dumps({'python': platform.python_version(), "
        "**{n: metadata.version(n) for n in names}}))"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    try:
        done = subprocess.run(
            [str(interpreter), "-c", probe], capture_output=True, env=env, timeout=60, check=False
        )
    except OSError as exc:
        return f"{interpreter}: {exc}", {}
    if done.returncode != 0:
        last = done.stderr.decode(errors="replace").strip().splitlines()[-1:]
        return f"{interpreter} cannot serve it ({' '.join(last)})", {}
    found: dict[str, str] = json.loads(done.stdout)
    return None, found


def last_line(exc: BaseException) -> str:
    """Return the last line of an error's message (a server's traceback ends with its cause)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[-1][:300] if lines else type(exc).__name__


# ---------------------------------------------------------------------------- contenders
def plans(chanx213_python: Path | None) -> list[Plan]:
    """Return every contender's plan, the baseline first."""
    chanx = "bench.apps.fanout_chanx:chanx"
    relay = "the sender's `@ws_handler` calls `broadcast_message(NewsMessage(...), groups=[GROUP])`"
    found = [
        Plan(
            "baseline: one pre-encoded frame per socket",
            "a bare ASGI app (`bench/apps/fanout_baseline.py`) keeping its members' `send` in a "
            "set: for each shout it encodes the `news` frame once and awaits `send` of it for "
            "every member in a loop. No framework, no channel layer.",
            "bench.apps.fanout_baseline:app",
            layer=None,
        ),
        Plan(
            "Chanx, in-memory layer",
            f"Chanx's fast-channels consumer on `InMemoryChannelLayer`; {relay}.",
            chanx,
        ),
        Plan(
            "Chanx, RedisChannelLayer",
            f"the same on fast-channels' list-based `RedisChannelLayer`; {relay}.",
            chanx,
            layer="redis",
        ),
        Plan(
            "Chanx, RedisPubSubChannelLayer",
            f"the same on `RedisPubSubChannelLayer`; {relay}.",
            chanx,
            layer="pubsub",
        ),
        Plan(
            "Chanx, 2 processes, RedisChannelLayer",
            "two uvicorn servers of the same app on `RedisChannelLayer`, 250 members each, the "
            "sender on the first; CPU of both servers.",
            chanx,
            layer="redis",
            processes=2,
        ),
        Plan(
            "Chanx, 2 processes, RedisPubSubChannelLayer",
            "the same two servers on `RedisPubSubChannelLayer`.",
            chanx,
            layer="pubsub",
            processes=2,
        ),
        Plan(
            "fast-channels alone, in-memory layer",
            "for reference: fast-channels' own `AsyncJsonWebsocketConsumer`, `group_send` of the "
            "decoded message, each member's handler calls `send_json` (an encode per member).",
            "bench.apps.fanout_chanx:plain",
        ),
    ]
    if chanx213_python is not None:
        found.append(
            Plan(
                "chanx 2.13.0 (PyPI), in-memory layer",
                "the released `chanx.fast_channels.websocket.AsyncJsonWebsocketConsumer` in "
                f"`{chanx213_python.parent.parent.name}`, same messages, routes and handler "
                "(`bench/apps/fanout_chanx213.py`): 2.13 dumps the message once and every "
                "member encodes it with `send_json`; `send_message_immediately = False` as "
                "today's default.",
                "bench.apps.fanout_chanx213:app",
                interpreter=chanx213_python,
            )
        )
    return found


def contender(deployment: Deployment, versions: dict[str, str]) -> Contender:
    """Return the harness's view of a started deployment."""
    plan = deployment.plan
    return Contender(plan.name, plan.description, deployment.run, versions)


async def run(rounds: int, broadcasts: int, chanx213_python: Path | None) -> dict[str, Any]:
    """Measure every contender of the scenario and return its JSON-ready report.

    Args:
        rounds: Measured rounds per contender.
        broadcasts: Broadcasts per round.
        chanx213_python: The interpreter of a virtualenv with ``chanx[fast-channels]==2.13.0``
            and uvicorn installed, or None to leave that contender out.

    Returns:
        The scenario's data (see :func:`bench._harness.scenario_json`).
    """
    skipped: list[str] = []
    if chanx213_python is None:
        skipped.append(
            "chanx 2.13.0 (PyPI), in-memory layer: no `--chanx213-python` given "
            "(`nox -s bench` sets it)"
        )
    no_redis = redis_missing()
    contenders: list[Contender] = []
    deployments: list[Deployment] = []
    try:
        for number, plan in enumerate(plans(chanx213_python)):
            found: dict[str, str] = {}  # the report's, but for chanx 2.13's environment
            if plan.redis and no_redis:
                skipped.append(f"{plan.name}: {no_redis}")
                continue
            if plan.interpreter is not None:
                missing, found = chanx213_missing(plan.interpreter)
                if missing:
                    skipped.append(f"{plan.name}: {missing}")
                    continue
            deployment = Deployment(plan, f"chanx-bench-fanout-{os.getpid()}-{number:02d}")
            deployments.append(deployment)
            try:
                await deployment.start()
            except (RuntimeError, OSError, TimeoutError) as exc:
                skipped.append(f"{plan.name}: did not start ({last_line(exc)})")
                await deployment.stop()
                deployments.remove(deployment)
                continue
            contenders.append(contender(deployment, found))
        if not contenders or contenders[0].name != plans(None)[0].name:
            msg = f"the fanout baseline did not start: {skipped}"
            raise RuntimeError(msg)
        results: list[Result] = await measure(contenders, rounds, broadcasts)
    finally:
        for deployment in deployments:
            await deployment.stop()
    return scenario_json(
        NAME,
        SUMMARY,
        results,
        skipped,
        rounds,
        broadcasts,
        unit="broadcast",
        extra_labels=EXTRA_LABELS,
    )
