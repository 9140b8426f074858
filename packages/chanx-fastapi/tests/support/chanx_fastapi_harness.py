"""A bare ASGI server stand-in: drive an app with queues and a send that can fail like uvicorn's."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

WAIT = 2.0
"""Seconds any wait here allows before the test fails (never reached when things work)."""


class ClientDisconnected(OSError):  # noqa: N818 - named after uvicorn's exception
    """What uvicorn raises for a send after the client vanished."""


class RawConnection:
    """One WebSocket connection to an ASGI app, driven by hand.

    Args:
        app: The ASGI application.
        path: The request path.
    """

    def __init__(self, app: Any, path: str = "/") -> None:
        self.app = app
        self.scope: dict[str, Any] = {
            "type": "websocket",
            "asgi": {"version": "3.0"},
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "headers": [],
            "subprotocols": [],
            "client": ("127.0.0.1", 50000),
            "server": ("testserver", 80),
        }
        self.incoming: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.outgoing: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.client_gone = False
        self.refused = asyncio.Event()
        """Set once a send was refused because the client is gone."""
        self.task: asyncio.Task[None] | None = None

    async def _receive(self) -> dict[str, Any]:
        return await self.incoming.get()

    async def _send(self, message: Mapping[str, Any]) -> None:
        if self.client_gone and message["type"] == "websocket.send":
            self.refused.set()
            raise ClientDisconnected
        await self.outgoing.put(dict(message))

    async def connect(self) -> dict[str, Any]:
        """Start the app, send ``websocket.connect`` and return its first answer."""
        self.task = asyncio.ensure_future(self.app(self.scope, self._receive, self._send))
        await self.incoming.put({"type": "websocket.connect"})
        return await self.next()

    async def next(self) -> dict[str, Any]:
        """Return the next ASGI message the app sent."""
        return await asyncio.wait_for(self.outgoing.get(), WAIT)

    async def send_text(self, text: str) -> None:
        """Send one text frame from the client."""
        await self.incoming.put({"type": "websocket.receive", "text": text})

    async def disconnect(self, code: int = 1000) -> None:
        """Send ``websocket.disconnect`` and wait for the app to finish."""
        await self.incoming.put({"type": "websocket.disconnect", "code": code})
        await self.finished()

    async def finished(self) -> None:
        """Wait for the app to return, re-raising what it raised."""
        assert self.task is not None
        await asyncio.wait_for(asyncio.shield(self.task), WAIT)
