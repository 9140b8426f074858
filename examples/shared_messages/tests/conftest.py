"""Fixtures for the shared_messages tests: Redis, the installed message package, the services.

The tests install nothing: they run in the current environment, which must hold Chanx with
both adapters, uvicorn, daphne, websockets, redis and the example's ``ticket-messages``
package. Redis is ``REDIS_URL`` or the machine's on 127.0.0.1:6379; when none answers the
tests start a ``redis-server`` of their own, and without one they are skipped with a banner,
or fail under ``CI=true``.
"""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "support"))

from shared_messages_it import (
    PACKAGE,
    PACKAGE_NAME,
    Service,
    free_port,
    layer_environment,
    redis_answers,
    start_services,
    stop_services,
    unavailable,
)


@pytest.fixture(scope="session")
def package_installed() -> None:
    """Fail with the fix when the message package is not installed: every process needs it."""
    try:
        importlib.metadata.distribution(PACKAGE_NAME)
    except importlib.metadata.PackageNotFoundError:
        pytest.fail(f"{PACKAGE_NAME} is not installed here; install it: pip install -e {PACKAGE}")


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The Redis the services' channel layers use.

    ``REDIS_URL`` or the machine's on 127.0.0.1:6379 when it answers; otherwise a
    ``redis-server`` this run starts on a free port and stops at the end; otherwise skipped
    loudly (failed under ``CI=true``).
    """
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    if redis_answers(url):
        yield url
        return
    binary = shutil.which("redis-server")
    if binary is None:
        unavailable(f"no Redis answers at {url} and redis-server is not installed")
        return  # unavailable() skips or fails; this line is never reached
    port = free_port()
    workdir = tmp_path_factory.mktemp("redis")
    server = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--dir", str(workdir)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        own = f"redis://127.0.0.1:{port}/0"
        deadline = time.monotonic() + 10
        while not redis_answers(own):
            if server.poll() is not None or time.monotonic() > deadline:
                unavailable(f"no Redis answers at {url}, and redis-server would not start")
            time.sleep(0.1)
        yield own
    finally:
        server.terminate()
        server.wait(10)


@pytest.fixture(scope="module")
def layer_env(redis_url: str) -> Iterator[dict[str, str]]:
    """The environment of the services and the worker: one Redis, key prefixes of their own."""
    with layer_environment(redis_url) as env:
        yield env


@pytest.fixture(scope="module")
def services(
    package_installed: None, layer_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Service]]:
    """Both services, the FastAPI one under uvicorn and the Django one under daphne."""
    running = start_services(layer_env, tmp_path_factory.mktemp("services"))
    try:
        yield running
    finally:
        stop_services(running)
