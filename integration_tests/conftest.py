"""Shared fixtures for the cross-package tests: Redis, free ports and real server processes.

Everything here uses loopback only. Server processes are started as children of the test run
and stopped by PID (SIGTERM, then SIGKILL) when the test ends, whatever happened.

Redis: the machine's server on 127.0.0.1:6379 when it answers; otherwise one this run starts
(when ``redis-server`` is installed); otherwise the tests that need it are skipped with a loud
banner, except under ``CI=true``, where a missing Redis fails the run.

The helpers behind the fixtures live in ``support/chanx_it.py`` (importable as ``chanx_it``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "support"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from chanx_it import (
    MACHINE_REDIS,
    STARTUP_SECONDS,
    RedisServer,
    ServerProcess,
    free_port,
    port_answers,
    redis_answers,
    stop_process,
)


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A Redis server of this test's own, for tests that stop and restart it."""
    server = RedisServer(port=free_port(), workdir=tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A Redis URL: the machine's server, or one started for this run."""
    if redis_answers(*MACHINE_REDIS):
        yield f"redis://{MACHINE_REDIS[0]}:{MACHINE_REDIS[1]}/0"
        return
    with tempfile.TemporaryDirectory(prefix="chanx-redis-") as workdir:
        server = RedisServer(port=free_port(), workdir=Path(workdir))
        server.start()
        try:
            yield server.url
        finally:
            server.stop()


@pytest.fixture
def key_prefix() -> str:
    """A channel-layer key prefix unique to this test, so concurrent runs never meet."""
    return f"chanx-test-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def run_process(tmp_path: Path) -> Iterator[Callable[..., ServerProcess]]:
    """Start child processes that are stopped by PID when the test ends.

    Call it as ``run_process(args, port=None, env=None, cwd=None)``; with a port it waits until
    the port accepts connections (or the process dies, which fails the test with its output).
    """
    started: list[ServerProcess] = []

    def start(
        args: Sequence[str],
        port: int | None = None,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
    ) -> ServerProcess:
        log = tmp_path / f"process-{len(started)}.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                list(args),
                stdout=output,
                stderr=subprocess.STDOUT,
                env={**os.environ, **(env or {})},
                cwd=cwd,
            )
        server = ServerProcess(args=args, port=port, process=process, log=log)
        started.append(server)
        if port is not None:
            deadline = time.monotonic() + STARTUP_SECONDS
            while not port_answers(port):
                if process.poll() is not None:
                    pytest.fail(f"{args[0]} exited with {process.returncode}:\n{server.output()}")
                if time.monotonic() > deadline:
                    pytest.fail(f"{args[0]} did not listen on {port}:\n{server.output()}")
                time.sleep(0.05)
        return server

    try:
        yield start
    finally:
        for server in reversed(started):
            stop_process(server.process)
