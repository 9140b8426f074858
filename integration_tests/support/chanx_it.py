"""Helpers for the cross-package tests: Redis, free ports, child processes (loopback only)."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

MACHINE_REDIS = ("127.0.0.1", 6379)
STARTUP_SECONDS = 20.0


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_answers(port: int, host: str = "127.0.0.1") -> bool:
    """Return True when something accepts TCP connections on the port."""
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.5):
        return True
    return False


def redis_answers(host: str, port: int) -> bool:
    """Return True when a Redis server answers PING on the address."""
    try:
        with socket.create_connection((host, port), timeout=0.5) as sock:
            sock.sendall(b"*1\r\n$4\r\nPING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def wait_until(condition: Callable[[], bool], seconds: float, what: str) -> None:
    """Poll ``condition`` until it holds, failing the test after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {seconds}s waiting for {what}")
        time.sleep(0.05)


def stop_process(process: subprocess.Popen[bytes], grace: float = 5.0) -> None:
    """Stop a child process by PID: SIGTERM, then SIGKILL after ``grace`` seconds."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.kill(process.pid, signal.SIGKILL)
            process.wait(grace)


def unavailable(reason: str) -> None:
    """Skip loudly, or fail under CI=true, when a real part the test needs is missing."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason} (CI=true: this may not be skipped)")
    banner = "!" * 72
    sys.stderr.write(f"\n{banner}\nSKIPPING: {reason}\n{banner}\n")
    pytest.skip(reason)


@dataclasses.dataclass
class RedisServer:
    """A redis-server process this test run owns: it can be stopped and started again."""

    port: int
    workdir: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The server's redis:// URL."""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start the server (again) on the same port and wait until it answers."""
        binary = shutil.which("redis-server")
        if binary is None:
            unavailable("redis-server is not installed, so no Redis can be started")
        assert binary is not None
        with (self.workdir / "redis.log").open("ab") as log:
            self.process = subprocess.Popen(
                [
                    binary,
                    "--bind",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    str(self.workdir),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_until(lambda: redis_answers("127.0.0.1", self.port), STARTUP_SECONDS, "redis-server")

    def stop(self) -> None:
        """Stop the server by PID."""
        if self.process is not None:
            stop_process(self.process)
            self.process = None


@dataclasses.dataclass
class ServerProcess:
    """A server (uvicorn, daphne, a worker) started by a test, with its output captured."""

    args: Sequence[str]
    port: int | None
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        """Everything the process wrote so far."""
        return self.log.read_text(errors="replace") if self.log.exists() else ""
