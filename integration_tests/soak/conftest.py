"""Fixtures for the soak tests: the soak servers under uvicorn (FastAPI) and daphne (Django).

The tests are long (thousands of connections per server), so the default ``integration`` nox
session leaves this folder out and the ``soak`` session runs it on its own.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from chanx_it import ServerProcess, free_port
from soak_it import APPS_DIR, SoakServer, server_args


@pytest.fixture
def soak_server(run_process: Callable[..., ServerProcess]) -> Callable[..., SoakServer]:
    """Start a soak server: ``soak_server(kind, env)`` with kind ``uvicorn`` or ``daphne``."""

    def start(kind: str, env: dict[str, str]) -> SoakServer:
        port = free_port()
        process = run_process(server_args(kind, port), port=port, env=env, cwd=APPS_DIR)
        return SoakServer(kind=kind, port=port, process=process)

    return start
