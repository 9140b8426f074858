"""Helpers for the FastAPI tests: real uvicorn servers, real WebSocket and HTTP clients.

Every wait is bounded by :data:`TIMEOUT`; every address is on loopback.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from chanx_it import ServerProcess
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_DIR = ROOT / "examples" / "fastapi_chat"
"""The example app's folder: ``fastapi_chat`` is importable from it."""
APPS_DIR = Path(__file__).resolve().parent / "apps"
"""Small apps of these tests' own."""
EXAMPLE_APP = "fastapi_chat.app:app"
"""The app the ``demo`` nox session serves."""

TIMEOUT = 5.0
"""Seconds any single wait (a frame, a response, a close) may take."""

DUMP_DIR_ENV = "CHANX_ASYNCAPI_DUMP_DIR"

Frame = dict[str, Any]


@dataclasses.dataclass(frozen=True)
class Server:
    """A uvicorn process serving an app on 127.0.0.1."""

    port: int
    process: ServerProcess
    """The process, for its output."""

    @property
    def http(self) -> str:
        """The server's HTTP base URL."""
        return f"http://127.0.0.1:{self.port}"

    def ws(self, path: str) -> str:
        """The ws:// URL of a path on this server."""
        return f"ws://127.0.0.1:{self.port}{path}"


Serve = Callable[..., Server]
"""The ``serve`` fixture: ``serve(app=EXAMPLE_APP, env=None, app_dir=EXAMPLE_DIR) -> Server``."""


def uvicorn_args(app: str, port: int, app_dir: Path = EXAMPLE_DIR) -> list[str]:
    """The command line that serves ``app`` on loopback, as the ``demo`` nox session does."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        app,
        "--app-dir",
        str(app_dir),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]


def app_env(
    redis_url: str | None = None, layer: str | None = None, prefix: str | None = None
) -> dict[str, str]:
    """Environment for the example app: in-memory unless a Redis URL is given."""
    return {
        "REDIS_URL": redis_url or "",
        "CHANX_LAYER": layer or "",
        "CHANX_LAYER_PREFIX": prefix or "",
    }


def open_ws(url: str, **kwargs: Any) -> Any:
    """Open a WebSocket client connection (use with ``async with``), bounded by TIMEOUT."""
    return connect(url, open_timeout=TIMEOUT, close_timeout=TIMEOUT, **kwargs)


async def send(ws: ClientConnection, action: str, payload: Any = None) -> None:
    """Send one frame of the wire format."""
    await ws.send(json.dumps({"action": action, "payload": payload}))


async def recv(ws: ClientConnection) -> Frame:
    """Receive the next frame as JSON."""
    async with asyncio.timeout(TIMEOUT):
        raw = await ws.recv()
    assert isinstance(raw, str), f"expected a text frame, got {raw!r}"
    frame = json.loads(raw)
    assert isinstance(frame, dict)
    return frame


async def recv_raw(ws: ClientConnection) -> str:
    """Receive the next frame as text."""
    async with asyncio.timeout(TIMEOUT):
        raw = await ws.recv()
    assert isinstance(raw, str), f"expected a text frame, got {raw!r}"
    return raw


async def recv_action(
    ws: ClientConnection, action: str, skip: Sequence[str] = ("member_joined",)
) -> Frame:
    """Receive frames until one with ``action`` arrives, skipping only the ``skip`` actions."""
    async with asyncio.timeout(TIMEOUT):
        while True:
            frame = await recv(ws)
            if frame["action"] == action:
                return frame
            assert frame["action"] in skip, f"expected {action}, got {frame}"


async def ping_pong(ws: ClientConnection, skip: Sequence[str] = ()) -> None:
    """Prove the connection still answers: ping, then pong."""
    await send(ws, "ping")
    frame = await recv_action(ws, "pong", skip=skip)
    assert frame == {"action": "pong", "payload": None}


async def close_code(ws: ClientConnection) -> int | None:
    """Wait for the server to close the connection and return the close code it sent."""
    try:
        async with asyncio.timeout(TIMEOUT):
            while True:
                await ws.recv()
    except ConnectionClosed as exc:
        return exc.rcvd.code if exc.rcvd is not None else None


def dump_document(name: str, text: str) -> None:
    """Write a served AsyncAPI document into ``CHANX_ASYNCAPI_DUMP_DIR`` when it is set.

    The ``integration`` nox session validates that folder with the official parser.
    """
    folder = os.environ.get(DUMP_DIR_ENV)
    if not folder:
        return
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    (target / re.sub(r"[^A-Za-z0-9_.-]+", "_", name)).write_text(text, encoding="utf-8")


def assert_quiet(process: ServerProcess) -> None:
    """Fail when a server printed a traceback, a warning or an error."""
    output = process.output()
    for word in ("Traceback", "Warning", "ERROR", "Exception", "error"):
        assert word not in output, f"{word!r} in the output of {process.args[:4]}:\n{output}"
