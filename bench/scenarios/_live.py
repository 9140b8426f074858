"""Real servers and a real client for the server scenarios (``roundtrip``, ``logging``, ``memory``).

A contender's server is a uvicorn or daphne child process serving one of the apps in
``bench/apps/``; its clients live in another child process, the load generator
(``bench/loadgen/pingpong.py``), driven over its stdin and stdout. Everything listens on and
connects to 127.0.0.1, and every child is stopped by its PID. A server's CPU is read from
``/proc`` before and after a round (:func:`bench._proc.precise_cpu_seconds`), so it never includes the load
generator's, which reports its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from bench._harness import Contender, Sample
from bench._proc import ROOT, Child, free_port, precise_cpu_seconds, python
from bench.apps._serving import GC_PATH, LOG_FILE_VARIABLE

PING_FRAME = '{"action":"ping"}'
"""What every client sends: Chanx's ``ping`` message, its payload left out."""
WS_PATH = "/ws/ping"
"""Where every app serves its consumer."""
LOADGEN = ROOT / "bench" / "loadgen" / "pingpong.py"
DJANGO_SETTINGS = "bench.apps.ping_django_settings"
COMMAND_SECONDS = 300.0
"""How long one load-generator command (a round, opening connections) may take."""

UVICORN_OPTIONS = (
    "--log-level",
    "warning",
    "--no-access-log",
    "--lifespan",
    "off",
    # uvicorn's default WebSocket protocol when websockets is installed, named so a different
    # install cannot change it; the plain asyncio loop and h11 for the same reason.
    "--ws",
    "websockets-sansio",
    "--loop",
    "asyncio",
    "--http",
    "h11",
)
"""One worker (uvicorn's default), warnings only, no access log."""
DAPHNE_OPTIONS = ("-v", "0")
"""One process (daphne always is), no access log, nothing but errors."""


@dataclass(frozen=True)
class Server:
    """How to start the server of one contender.

    Attributes:
        kind: ``uvicorn`` or ``daphne``.
        app: The ASGI app as ``module:attribute``, imported from the repository root.
        interpreter: The Python that runs it; None for this one.
        env: Extra environment variables.
    """

    kind: Literal["uvicorn", "daphne"]
    app: str
    interpreter: Path | None = None
    env: Mapping[str, str] = field(default_factory=dict)

    def child(self, port: int) -> Child:
        """Return the (not yet started) child process serving the app on ``port``."""
        if self.kind == "uvicorn":
            args = ["-m", "uvicorn", self.app, "--host", "127.0.0.1", "--port", str(port)]
            args += UVICORN_OPTIONS
            # chanx 2.13 reads its settings from Django whenever this variable is set.
            settings = ""
        else:
            args = ["-m", "daphne", "-b", "127.0.0.1", "-p", str(port), *DAPHNE_OPTIONS, self.app]
            settings = DJANGO_SETTINGS
        env = {"DJANGO_SETTINGS_MODULE": settings, **self.env}
        if self.interpreter is not None:
            # Another virtualenv's interpreter must see its own packages only.
            env["PYTHONPATH"] = ""
        return Child(python(*args, interpreter=self.interpreter), port=port, env=env)


def interpreter_versions(interpreter: Path, names: Sequence[str]) -> dict[str, str]:
    """Return the versions of the named distributions installed for another interpreter."""
    code = (
        "import importlib.metadata as m, json, platform, sys\n"
        "def v(n):\n"
        "    try:\n"
        "        return m.version(n)\n"
        "    except m.PackageNotFoundError:\n"
        "        return '-'\n"
        "print(json.dumps({'python': platform.python_version(), "
        "**{n: v(n) for n in sys.argv[1:]}}))"
    )
    out = subprocess.run(
        [str(interpreter), "-c", code, *names],
        capture_output=True,
        check=True,
        env={k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME"}},
        text=True,
    )
    found: dict[str, str] = json.loads(out.stdout)
    return found


def pong_problem(replies: Sequence[str]) -> str | None:
    """Return what is wrong with the replies to :data:`PING_FRAME`, or None when all are pongs."""
    for reply in replies:
        try:
            data = json.loads(reply)
        except ValueError:
            return f"a reply is not JSON: {reply!r}"
        if not isinstance(data, dict) or data.get("action") != "pong":
            return f"a reply is not a pong: {reply!r}"
    return None if replies else "no reply"


async def collect_garbage(port: int) -> None:
    """Make the server on ``port`` run a full garbage collection (``GET /bench/gc``)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(
            f"GET {GC_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()
        )
        await writer.drain()
        response = await asyncio.wait_for(reader.read(), 30)
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
    if not response.startswith(b"HTTP/1.1 200"):
        msg = f"GET {GC_PATH} failed: {response[:200]!r}"
        raise RuntimeError(msg)


class LoadGen:
    """The load generator, a child process of this interpreter driven by JSON commands."""

    def __init__(self) -> None:
        self.process: asyncio.subprocess.Process | None = None
        self._stderr: Any = None

    async def start(self) -> LoadGen:
        """Start the process."""
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - open while the process runs
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            str(LOADGEN),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=self._stderr,
            cwd=ROOT,
        )
        return self

    async def command(self, op: str, **fields: Any) -> dict[str, Any]:
        """Send one command and return its answer.

        Raises:
            RuntimeError: When the command failed or the process is gone.
        """
        process = self.process
        assert process is not None, "not started"
        assert process.stdin is not None
        assert process.stdout is not None
        process.stdin.write(json.dumps({"op": op, **fields}).encode() + b"\n")
        await process.stdin.drain()
        try:
            line = await asyncio.wait_for(process.stdout.readline(), COMMAND_SECONDS)
        except TimeoutError:
            msg = f"the load generator did not answer {op!r} within {COMMAND_SECONDS:.0f} s"
            raise RuntimeError(msg) from None
        if not line:
            msg = f"the load generator ended: {self._stderr_tail()}"
            raise RuntimeError(msg)
        answer: dict[str, Any] = json.loads(line)
        if "error" in answer:
            msg = f"load generator: {answer['error']}"
            raise RuntimeError(msg)
        return answer

    def _stderr_tail(self) -> str:
        if self._stderr is None:
            return ""
        self._stderr.seek(0)
        text: str = self._stderr.read().decode(errors="replace")
        return text.strip().splitlines()[-1] if text.strip() else "(no output)"

    async def stop(self) -> None:
        """Close its input (it closes its connections and exits), then kill it by PID if need be."""
        process, self.process = self.process, None
        if process is not None and process.returncode is None:
            assert process.stdin is not None
            process.stdin.close()
            try:
                await asyncio.wait_for(process.wait(), 10)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None


class PingPong:
    """A round-trip contender: a server started once, a load generator, its open connections.

    Args:
        name: The contender's name.
        description: What runs, for the report.
        server: How to start its server.
        connections: How many connections the load generator keeps open.
        versions: Versions of what it runs on, when they differ from this process's.
        log_file: Where the server's structlog lines go; when given, each sample also reports
            the bytes written there per message (``log_bytes``).
    """

    def __init__(
        self,
        name: str,
        description: str,
        server: Server,
        connections: int,
        versions: dict[str, str] | None = None,
        log_file: Path | None = None,
    ) -> None:
        self.name = name
        self.description = description
        self.server = server
        self.connections = connections
        self.versions = versions or {}
        self.log_file = log_file
        self.child: Child | None = None
        self.loadgen: LoadGen | None = None

    async def start(self) -> None:
        """Start the server and the load generator, open the connections, check the replies.

        Raises:
            RuntimeError: When something does not start or a reply is not a ``pong``.
        """
        port = free_port()
        server = self.server
        if self.log_file is not None:
            server = Server(
                server.kind,
                server.app,
                server.interpreter,
                {**server.env, LOG_FILE_VARIABLE: str(self.log_file)},
            )
        child = server.child(port)
        await asyncio.to_thread(child.start)
        self.child = child
        self.loadgen = await LoadGen().start()
        await self.loadgen.command(
            "open", url=f"ws://127.0.0.1:{port}{WS_PATH}", count=self.connections
        )
        # Before any round: a contender that answers wrongly measures nothing useful.
        answer = await self.loadgen.command("check", frame=PING_FRAME)
        problem = pong_problem(answer["replies"])
        if problem is not None:
            raise RuntimeError(problem)

    async def run(self, messages: int) -> Sample:
        """Make ``messages`` round trips and return the server's CPU for them, with figures."""
        assert self.child is not None, "not started"
        assert self.loadgen is not None, "not started"
        pid = self.child.pid
        logged = self._log_size()
        cpu = precise_cpu_seconds(pid)
        answer = await self.loadgen.command("run", frame=PING_FRAME, messages=messages)
        cpu = precise_cpu_seconds(pid) - cpu
        wall: float = answer["wall_seconds"]
        loadgen_cpu: float = answer["cpu_seconds"]
        extra = {
            "msgs_per_s": messages / wall,
            "p50_us": answer["p50_us"],
            "p99_us": answer["p99_us"],
            "server_cpu_pct": 100 * cpu / wall,
            "loadgen_cpu_us": loadgen_cpu / messages * 1e6,
            "loadgen_cpu_pct": 100 * loadgen_cpu / wall,
        }
        if self.log_file is not None:
            extra["log_bytes"] = (self._log_size() - logged) / messages
        return Sample(cpu, wall, messages, extra)

    def _log_size(self) -> int:
        if self.log_file is None or not self.log_file.exists():
            return 0
        return self.log_file.stat().st_size

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
        return Contender(self.name, self.description, self.run, self.versions)


ROUND_TRIP_LABELS = {
    "msgs_per_s": "msgs/s",
    "p50_us": "p50 µs",
    "p99_us": "p99 µs",
    "server_cpu_pct": "server CPU %",
    "loadgen_cpu_us": "loadgen CPU µs/msg",
    "loadgen_cpu_pct": "loadgen CPU %",
}
"""The further columns of a round-trip scenario's table."""


async def start_all(live: Sequence[PingPong]) -> tuple[list[PingPong], list[str]]:
    """Start every contender at once; return those that run, and why each other one does not."""
    outcomes = await asyncio.gather(*(p.start() for p in live), return_exceptions=True)
    started: list[PingPong] = []
    skipped: list[str] = []
    for contender, outcome in zip(live, outcomes, strict=True):
        if isinstance(outcome, BaseException):
            await contender.stop()
            skipped.append(f"{contender.name}: could not run ({last_line(outcome)})")
        else:
            started.append(contender)
    return started, skipped


async def stop_all(live: Sequence[PingPong]) -> None:
    """Stop every contender, even when one of them fails to stop."""
    await asyncio.gather(*(p.stop() for p in live), return_exceptions=True)


def last_line(error: BaseException) -> str:
    """Return the last non-empty line of an error's message (a server's traceback ends there)."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return lines[-1] if lines else type(error).__name__
