"""Child processes for the server scenarios: start, wait for the port, read CPU and memory, stop.

Servers and load generators run as child processes of the benchmark, on loopback ports, and
are always stopped by PID. CPU and resident memory come from ``/proc`` (Linux), so a server's
figures are its own and never include the load generator's.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
STARTUP_SECONDS = 30.0


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_answers(port: int) -> bool:
    """Return True when something accepts TCP connections on 127.0.0.1:``port``."""
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
        return True
    return False


def cpu_seconds(pid: int) -> float:
    """Return the user + system CPU seconds process ``pid`` has used so far, all threads."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # After the command name: state is field 3, utime 14 and stime 15 (1-based, see proc(5)).
    return (int(fields[11]) + int(fields[12])) / _TICKS


def precise_cpu_seconds(pid: int) -> float:
    """Return the CPU seconds of process ``pid`` so far, to the nanosecond where possible.

    :func:`cpu_seconds` counts clock ticks (10 ms), a few percent of a short round. The
    scheduler keeps each thread's time on the CPU in nanoseconds (the first field of
    ``/proc/<pid>/task/<tid>/schedstat``); their sum is the process's CPU, but for threads that
    ended meanwhile. The servers' only threads besides the event loop are their executors'
    workers, which live as long as the server. Without ``schedstat`` (kernels built without
    scheduler statistics) this falls back to the ticks.
    """
    tasks = Path(f"/proc/{pid}/task")
    try:
        total = 0
        for task in tasks.iterdir():
            with contextlib.suppress(FileNotFoundError):  # a thread that just ended
                total += int((task / "schedstat").read_text().split()[0])
    except FileNotFoundError:
        return cpu_seconds(pid)
    return total / 1e9 if total else cpu_seconds(pid)


def rss_bytes(pid: int) -> int:
    """Return the resident memory of process ``pid`` in bytes."""
    return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * _PAGE


@dataclass
class Child:
    """A child process the benchmark owns, stopped by PID.

    Attributes:
        args: The command line.
        port: The port it listens on, if it is a server (waited for on start).
        env: Extra environment variables.
        cwd: Its working directory.
    """

    args: Sequence[str]
    port: int | None = None
    env: Mapping[str, str] = field(default_factory=dict)
    cwd: Path = ROOT
    process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        """The running process's PID."""
        assert self.process is not None, "not started"
        return self.process.pid

    def start(self) -> Child:
        """Start the process and, for a server, wait until its port accepts connections."""
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **self.env}
        self.process = subprocess.Popen(
            list(self.args), cwd=self.cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        if self.port is not None:
            deadline = time.monotonic() + STARTUP_SECONDS
            while not port_answers(self.port):
                if self.process.poll() is not None or time.monotonic() > deadline:
                    out = self.stop()
                    msg = f"{' '.join(self.args)} did not start on port {self.port}:\n{out}"
                    raise RuntimeError(msg)
                time.sleep(0.05)
        return self

    def stop(self, grace: float = 5.0) -> str:
        """Stop the process by PID (SIGTERM, then SIGKILL) and return what it printed."""
        process = self.process
        if process is None:
            return ""
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(process.pid, signal.SIGTERM)
            try:
                process.wait(grace)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(process.pid, signal.SIGKILL)
                process.wait(grace)
        out = process.stdout.read().decode(errors="replace") if process.stdout else ""
        self.process = None
        return out[-4000:]

    def __enter__(self) -> Child:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()


def python(*args: str, interpreter: str | Path | None = None) -> list[str]:
    """Return a command line that runs ``args`` with this (or the given) interpreter."""
    return [str(interpreter or sys.executable), *args]
