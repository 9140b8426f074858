"""Fixtures for the shared_messages tests: Redis, the installed message package, the services.

The tests install nothing: they run in the current environment, which must hold Chanx with
both adapters, uvicorn, daphne, websockets, redis and the example's ``ticket-messages``
package. Redis is ``REDIS_URL`` or the machine's on 127.0.0.1:6379; when none answers the
tests that need it are skipped with a banner, or fail under ``CI=true``.
"""

from __future__ import annotations

import importlib.metadata
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "support"))

from shared_messages_it import (
    PACKAGE,
    PACKAGE_NAME,
    Service,
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
def redis_url() -> str:
    """The Redis the services' channel layers use."""
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    if not redis_answers(url):
        unavailable(f"no Redis answers at {url}; the services' channel layers need one")
    return url


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
