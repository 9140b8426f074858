"""Fixtures for the FastAPI tests: the example app (or a probe app) under a real uvicorn."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from chanx_it import ServerProcess, free_port
from fastapi_it import EXAMPLE_APP, EXAMPLE_DIR, ROOT, Serve, Server, app_env, uvicorn_args


@pytest.fixture
def serve(run_process: Callable[..., ServerProcess]) -> Serve:
    """Start uvicorn serving an app on a free loopback port; it stops when the test ends.

    Call it as ``serve(app=EXAMPLE_APP, env=None, app_dir=EXAMPLE_DIR)``. The example app runs
    on its in-memory layer unless ``env`` names a Redis (see ``fastapi_it.app_env``).
    """

    def start(
        app: str = EXAMPLE_APP, env: dict[str, str] | None = None, app_dir: Path = EXAMPLE_DIR
    ) -> Server:
        port = free_port()
        process = run_process(
            uvicorn_args(app, port, app_dir), port=port, env={**app_env(), **(env or {})}, cwd=ROOT
        )
        return Server(port=port, process=process)

    return start
