"""The load generator of the server scenarios: WebSocket clients in a process of their own.

Usage: ``python bench/loadgen/pingpong.py``, then one JSON command per line on stdin; each gets
one JSON line back on stdout (``{"error": "..."}`` when it failed):

- ``{"op": "open", "url": "ws://127.0.0.1:PORT/ws/ping", "count": 50}`` opens ``count`` more
  connections (at most 32 handshakes at a time) and answers ``{"open": <total>, "wall_seconds",
  "cpu_seconds"}``.
- ``{"op": "check", "frame": "..."}`` sends ``frame`` once on every open connection, waits for
  each reply and answers ``{"replies": [<each distinct reply text>]}``.
- ``{"op": "run", "frame": "...", "messages": 10000}`` spreads ``messages`` round trips over
  the open connections, all running at once; each connection sends ``frame``, waits for the
  reply, then sends the next. It answers ``{"messages", "wall_seconds", "cpu_seconds",
  "p50_us", "p99_us"}``: its own CPU (``time.process_time``) and each round trip's latency.
- ``{"op": "close"}`` closes every connection and answers ``{"open": 0}``.

End of input closes the connections and exits. Clients use the ``websockets`` asyncio client
with compression and keep-alive pings off: a round trip is one small text frame each way.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

OPEN_CONCURRENCY = 32
"""Handshakes in flight at once while opening connections."""


class Clients:
    """The open connections, and the commands run on them."""

    def __init__(self) -> None:
        self.connections: list[ClientConnection] = []

    async def open(self, url: str, count: int) -> dict[str, Any]:
        """Open ``count`` more connections to ``url``."""
        gate = asyncio.Semaphore(OPEN_CONCURRENCY)

        async def one() -> ClientConnection:
            async with gate:
                return await connect(url, compression=None, ping_interval=None, open_timeout=60)

        cpu, wall = time.process_time(), time.perf_counter()
        self.connections += await asyncio.gather(*(one() for _ in range(count)))
        return {
            "open": len(self.connections),
            "wall_seconds": time.perf_counter() - wall,
            "cpu_seconds": time.process_time() - cpu,
        }

    async def check(self, frame: str) -> dict[str, Any]:
        """Send ``frame`` once on every connection and collect the distinct replies."""

        async def one(connection: ClientConnection) -> str:
            await connection.send(frame)
            reply = await asyncio.wait_for(connection.recv(), 30)
            return reply if isinstance(reply, str) else repr(reply)

        replies = await asyncio.gather(*(one(c) for c in self.connections))
        return {"replies": sorted(set(replies))}

    async def run(self, frame: str, messages: int) -> dict[str, Any]:
        """Make ``messages`` round trips, spread over every connection at once."""
        if not self.connections:
            msg = "no open connection"
            raise RuntimeError(msg)
        share, rest = divmod(messages, len(self.connections))
        latencies: list[int] = []
        clock = time.perf_counter_ns

        async def one(connection: ClientConnection, count: int) -> None:
            send, recv, record = connection.send, connection.recv, latencies.append
            for _ in range(count):
                start = clock()
                await send(frame)
                await recv()
                record(clock() - start)

        cpu, wall = time.process_time(), time.perf_counter()
        await asyncio.gather(*(one(c, share + (i < rest)) for i, c in enumerate(self.connections)))
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        latencies.sort()
        count = len(latencies)
        return {
            "messages": count,
            "wall_seconds": wall,
            "cpu_seconds": cpu,
            "p50_us": latencies[count // 2] / 1000,
            "p99_us": latencies[min(count - 1, count * 99 // 100)] / 1000,
        }

    async def close(self) -> dict[str, Any]:
        """Close every connection."""
        connections, self.connections = self.connections, []
        await asyncio.gather(*(c.close() for c in connections), return_exceptions=True)
        return {"open": 0}


async def serve() -> None:
    """Answer the commands read from stdin until it ends."""
    clients = Clients()
    try:
        while line := await asyncio.to_thread(sys.stdin.readline):
            command = json.loads(line)
            op = command.pop("op")
            try:
                if op == "open":
                    answer = await clients.open(command["url"], command["count"])
                elif op == "check":
                    answer = await clients.check(command["frame"])
                elif op == "run":
                    answer = await clients.run(command["frame"], command["messages"])
                elif op == "close":
                    answer = await clients.close()
                else:
                    answer = {"error": f"unknown command {op!r}"}
            except Exception as exc:  # reported to the benchmark, which stops the contender
                answer = {"error": f"{op}: {type(exc).__name__}: {exc}"}
            print(json.dumps(answer), flush=True)
    finally:
        await clients.close()


if __name__ == "__main__":
    asyncio.run(serve())
