"""Helpers for the Redis fault tests: clients that record every frame, Redis commands, logs.

A :class:`Client` reads its connection in a background task, so a test can stop Redis, wait,
and then look at everything each client received (or the close that ended it) without racing
the server. Every wait is bounded; every address is on loopback.
"""

from __future__ import annotations

import asyncio
import functools
import json
import re
import socket
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

WAIT = 5.0
"""Seconds a single expected frame may take."""
RECOVERY = 20.0
"""Seconds the servers may take to serve group traffic again after a Redis fault."""
QUIET = 0.5
"""Seconds to listen for frames that must not come (duplicates, late deliveries)."""
PROBE = 0.5
"""Seconds a recovery probe may take before the next one is shouted."""

Frame = dict[str, Any]


class Client:
    """A WebSocket client whose frames a background task records, in order.

    Args:
        name: A name for failure messages.
        ws: The open connection.
    """

    def __init__(self, name: str, ws: ClientConnection) -> None:
        self.name = name
        self.ws = ws
        self.frames: list[Frame] = []
        self.closed: ConnectionClosed | None = None
        self._reader = asyncio.get_running_loop().create_task(self._read())

    @classmethod
    async def open(cls, name: str, url: str, **kwargs: Any) -> Client:
        """Connect to ``url`` and start recording."""
        ws = await connect(url, open_timeout=WAIT, close_timeout=WAIT, proxy=None, **kwargs)
        return cls(name, ws)

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                assert isinstance(raw, str), f"{self.name}: a binary frame {raw!r}"
                self.frames.append(json.loads(raw))
        except ConnectionClosed as exc:
            self.closed = exc

    async def close(self) -> None:
        """Close from the client side and stop recording."""
        await self.ws.close()
        self._reader.cancel()
        await asyncio.gather(self._reader, return_exceptions=True)

    def describe(self) -> str:
        """The client's state, for failure messages."""
        state = "open"
        if self.closed is not None:
            code = self.closed.rcvd.code if self.closed.rcvd is not None else None
            state = f"closed by the server (code {code}, {self.closed})"
        return f"{self.name} is {state}; received {self.frames!r}"

    def assert_open(self) -> None:
        """Fail if the server closed or dropped the connection."""
        assert self.closed is None, self.describe()
        assert not self._reader.done(), self.describe()

    async def send(self, action: str, payload: Any = None) -> None:
        """Send one frame of the wire format."""
        self.assert_open()
        await self.ws.send(json.dumps({"action": action, "payload": payload}))

    def actions(self, action: str) -> list[Any]:
        """The payloads of every frame with ``action`` received so far."""
        return [frame["payload"] for frame in self.frames if frame.get("action") == action]

    def heard(self) -> Counter[str]:
        """How many times each shouted text was relayed to this client."""
        return Counter(self.actions("heard"))

    async def wait_for(
        self, condition: Callable[[], bool], what: str, seconds: float = WAIT
    ) -> None:
        """Wait until ``condition()`` holds, failing with what arrived after ``seconds``."""
        deadline = time.monotonic() + seconds
        while not condition():
            if self.closed is not None or time.monotonic() > deadline:
                msg = f"{self.name}: no {what} within {seconds}s; {self.describe()}"
                raise AssertionError(msg)
            await asyncio.sleep(0.02)

    async def expect(self, action: str, payload: Any, seconds: float = WAIT) -> None:
        """Wait until a frame with ``action`` and ``payload`` has arrived."""
        await self.wait_for(
            lambda: payload in self.actions(action), f"{action} {payload!r}", seconds
        )

    async def ping(self, seconds: float = WAIT) -> None:
        """Prove the connection is served: a ping gets a pong."""
        pongs = len(self.actions("pong"))
        await self.send("ping")
        await self.wait_for(lambda: len(self.actions("pong")) > pongs, "pong", seconds)


async def open_clients(url: str, count: int, prefix: str = "client") -> list[Client]:
    """Open ``count`` clients on ``url`` and prove each has joined its groups (a ping each)."""
    clients = [await Client.open(f"{prefix}-{index}", url) for index in range(count)]
    for client in clients:
        await client.ping()
    return clients


async def close_all(clients: list[Client]) -> None:
    """Close every client, whatever state it is in."""
    await asyncio.gather(*(client.close() for client in clients), return_exceptions=True)


async def hear_everywhere(clients: list[Client], text: str, seconds: float = WAIT) -> None:
    """Wait until every client has heard ``text`` at least once."""
    for client in clients:
        await client.wait_for(
            functools.partial(has_heard, client, text), f"heard {text!r}", seconds
        )


def has_heard(client: Client, text: str) -> bool:
    """True once ``text`` was relayed to the client."""
    return client.heard()[text] > 0


async def recover(sender: Client, clients: list[Client], seconds: float = RECOVERY) -> str:
    """Shout probes until one reaches every client; return the text of that probe.

    Probes shouted before the server could reach Redis again fail (and are logged); each probe
    that gets through reaches the clients at most once, which the caller checks.
    """
    deadline = time.monotonic() + seconds
    number = 0
    while True:
        number += 1
        text = f"probe-{number}"
        await sender.send("shout", text)
        step = time.monotonic() + PROBE
        while time.monotonic() < step:
            if all(client.heard()[text] for client in clients):
                return text
            for client in clients:
                client.assert_open()
            await asyncio.sleep(0.02)
        if time.monotonic() > deadline:
            state = "\n".join(client.describe() for client in clients)
            msg = f"no broadcast reached every client within {seconds}s after the fault:\n{state}"
            raise AssertionError(msg)


async def channel_of(client: Client) -> str:
    """Ask the server for the client's channel name on the layer."""
    names = len(client.actions("channel_name"))
    await client.send("who")
    await client.wait_for(lambda: len(client.actions("channel_name")) > names, "channel_name")
    name = client.actions("channel_name")[names]
    assert isinstance(name, str), client.describe()
    return name


async def tell(sender: Client, channel: str, text: str) -> None:
    """Have the server send an event to one connection, by its channel name."""
    await sender.send("tell", {"channel": channel, "text": text})


def announcements(client: Client) -> Counter[str]:
    """How many times each event text reached this client."""
    return Counter(client.actions("announcement"))


def error_frames(client: Client) -> list[Any]:
    """The payloads of the ``error`` frames a client received."""
    return client.actions("error")


async def wait_for_log(
    read: Callable[[], str], since: int, pattern: re.Pattern[str], what: str
) -> str:
    """Wait until the server output after offset ``since`` matches ``pattern``; return it."""
    deadline = time.monotonic() + WAIT
    while True:
        new = read()[since:]
        if pattern.search(new):
            return new
        if time.monotonic() > deadline:
            msg = f"the server logged no {what} within {WAIT}s; its new output:\n{new}"
            raise AssertionError(msg)
        await asyncio.sleep(0.05)


def redis_command(port: int, *args: str) -> bytes:
    """Send one command to the Redis on 127.0.0.1:``port`` and return its raw reply."""
    parts = [f"*{len(args)}\r\n".encode()]
    for arg in args:
        data = arg.encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(data), data))
    with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as sock:
        sock.sendall(b"".join(parts))
        return sock.recv(65536)
