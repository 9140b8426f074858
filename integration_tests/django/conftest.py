"""Fixtures for the django_chat tests: a migrated database with users, and running servers.

The example project in ``examples/django_chat`` is served as it is, by daphne and by uvicorn,
on loopback, with channels_redis on the session's Redis under a prefix of this run's own.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "support"))

from chanx_it import STARTUP_SECONDS, ServerProcess, free_port, port_answers, stop_process
from django_chat_it import (
    EXAMPLE,
    USERS,
    ChatServer,
    obtain_token,
    prepare_database,
    server_command,
)

SERVER_KINDS = ["daphne", "uvicorn"]


def start_server(kind: str, env: dict[str, str], log: Path) -> tuple[ChatServer, ServerProcess]:
    """Start the example under a server and wait until it listens."""
    port = free_port()
    args = server_command(kind, port)
    with log.open("wb") as output:
        process = subprocess.Popen(
            args, stdout=output, stderr=subprocess.STDOUT, env={**os.environ, **env}, cwd=EXAMPLE
        )
    handle = ServerProcess(args=args, port=port, process=process, log=log)
    deadline = time.monotonic() + STARTUP_SECONDS
    while not port_answers(port):
        if process.poll() is not None or time.monotonic() > deadline:
            stop_process(process)
            pytest.fail(f"{kind} did not serve the example on {port}:\n{handle.output()}")
        time.sleep(0.05)
    return ChatServer(kind=kind, port=port, env=env, log=log), handle


@pytest.fixture(scope="session")
def chat_database(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The example's settings and a migrated SQLite file holding :data:`USERS`."""
    env = {
        "DJANGO_SETTINGS_MODULE": "django_chat.settings",
        "DJANGO_CHAT_DB": str(tmp_path_factory.mktemp("django_chat") / "db.sqlite3"),
        "PYTHONUNBUFFERED": "1",
    }
    prepare_database(env)
    return env


@pytest.fixture(scope="session")
def chat_env(chat_database: dict[str, str], redis_url: str) -> dict[str, str]:
    """The example's environment on channels_redis, under a key prefix of this run's own."""
    return {
        **chat_database,
        "REDIS_URL": redis_url,
        "CHANX_LAYER_PREFIX": f"chanx-django-it-{uuid.uuid4().hex[:10]}",
    }


@pytest.fixture(scope="session", params=SERVER_KINDS)
def chat_server(
    request: pytest.FixtureRequest,
    chat_env: dict[str, str],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[ChatServer]:
    """The example served by daphne, then by uvicorn, for the whole session."""
    kind = str(request.param)
    log = tmp_path_factory.mktemp(f"{kind}-log") / "server.log"
    server, handle = start_server(kind, chat_env, log)
    try:
        yield server
    finally:
        stop_process(handle.process)


@pytest.fixture(scope="session")
def tokens(chat_server: ChatServer) -> dict[str, str]:
    """Each user's DRF token, obtained from the server's ``/api/token/``."""
    return {name: obtain_token(chat_server, name, password) for name, password in USERS.items()}
