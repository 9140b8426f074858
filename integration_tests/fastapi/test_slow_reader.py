"""One client that stops reading does not hold up a group broadcast to the others (uvicorn).

Each test serves ``chanx_slow_reader_app`` under uvicorn with one ``outbound_overflow`` policy
and ``max_outbound_messages = 64``, connects ``READERS`` ordinary clients and one slow client,
and has a sender blast ``BLASTS`` broadcasts of ``FRAME_BYTES`` each, one every
``INTERVAL`` seconds. The slow client is a raw socket with a ``SLOW_RCVBUF``-byte receive
buffer that does the WebSocket upgrade by hand and then never calls ``recv``, so the kernel's
buffers on both sides really fill and uvicorn stops taking writes for it.

The ordinary clients must receive every broadcast, in order, each within ``MAX_LATENCY``
seconds of its sending. If the fanout awaited each member's write, the first broadcast after
the slow client's buffers filled would wait forever, and all later ones with it. The server's
resident memory may not grow by more than half the bytes broadcast: an unbounded queue for
the slow client would keep every one of them.
"""

from __future__ import annotations

import asyncio
import json
import socket
import statistics
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi_it import APPS_DIR, TIMEOUT, Serve, Server, open_ws, ping_pong, send
from websockets.asyncio.client import ClientConnection
from websockets.client import ClientProtocol
from websockets.exceptions import ConnectionClosed
from websockets.frames import Frame, Opcode
from websockets.protocol import State
from websockets.uri import parse_uri

from chanx.core.limits import SLOW_CLIENT_CLOSE_CODE

APP = "chanx_slow_reader_app:app"
PATH = "/ws/slow"
STATS_PATH = "/_slow/stats"
READERS = 4
"""Ordinary clients, the sender among them."""
BLASTS = 1000
FRAME_BYTES = 32 * 1024
INTERVAL = 0.003
"""Seconds between two blasts: a pace the server keeps up with, so latency measures stalls."""
SLOW_RCVBUF = 4096
MAX_LATENCY = 1.0
"""Seconds a broadcast may take to reach an ordinary client, at worst."""
MAX_OUTBOUND = 64


class Reader:
    """An ordinary client whose broadcasts a background task records with their latency.

    Args:
        ws: The open connection.
    """

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.seqs: list[int] = []
        self.latencies: list[float] = []
        self.closed: ConnectionClosed | None = None
        self._task = asyncio.get_running_loop().create_task(self._read())

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                arrived = time.monotonic()
                frame = json.loads(raw)
                if frame["action"] == "tick":
                    self.seqs.append(frame["payload"]["seq"])
                    self.latencies.append(arrived - frame["payload"]["sent_at"])
        except ConnectionClosed as exc:
            self.closed = exc

    async def stop(self) -> None:
        """Stop recording (the connection stays as it is)."""
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)


class SlowClient:
    """A WebSocket client on a raw socket with a small receive buffer that reads only on demand.

    Args:
        sock: The connected, non-blocking socket.
        protocol: The handshaken sans-I/O protocol of ``websockets``.
    """

    def __init__(self, sock: socket.socket, protocol: ClientProtocol) -> None:
        self.sock = sock
        self.protocol = protocol
        self.frames: list[Frame] = []
        self.reset = False

    @classmethod
    async def connect(cls, port: int) -> SlowClient:
        """Connect, upgrade to WebSocket by hand, and read nothing beyond the response."""
        loop = asyncio.get_running_loop()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        # Before connecting, so the window the client offers is small from the start.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, SLOW_RCVBUF)
        sock.setblocking(False)
        await loop.sock_connect(sock, ("127.0.0.1", port))
        protocol = ClientProtocol(parse_uri(f"ws://127.0.0.1:{port}{PATH}"), max_size=None)
        client = cls(sock, protocol)
        protocol.send_request(protocol.connect())
        await client._flush()
        async with asyncio.timeout(TIMEOUT):
            while protocol.state is State.CONNECTING:
                data = await loop.sock_recv(sock, 1024)
                assert data, "the server closed the connection during the handshake"
                protocol.receive_data(data)
        assert protocol.state is State.OPEN, protocol.handshake_exc
        client._collect()
        return client

    def _collect(self) -> None:
        for event in self.protocol.events_received():
            if isinstance(event, Frame):
                self.frames.append(event)

    async def _flush(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            for chunk in self.protocol.data_to_send():
                if chunk:
                    await loop.sock_sendall(self.sock, chunk)
                else:  # the protocol's end of stream, after its close frame
                    self.sock.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            self.reset = True  # the server is gone already: nothing left to answer

    async def read_until(self, done: Callable[[], bool], seconds: float) -> None:
        """Read (and answer, as a client does) until ``done()`` or the connection ends."""
        loop = asyncio.get_running_loop()
        async with asyncio.timeout(seconds):
            while not done():
                try:
                    data = await loop.sock_recv(self.sock, 256 * 1024)
                except ConnectionResetError:
                    self.reset = True
                    return
                if data:
                    self.protocol.receive_data(data)
                else:
                    self.protocol.receive_eof()
                self._collect()
                if self.protocol.state is not State.CLOSED:
                    await self._flush()
                if not data:
                    return

    async def send_action(self, action: str) -> None:
        """Send one frame of the wire format (masked, as a client must)."""
        self.protocol.send_text(json.dumps({"action": action, "payload": None}).encode())
        await self._flush()

    def texts(self) -> list[dict[str, Any]]:
        """The text frames received so far, as JSON."""
        found = []
        for frame in self.frames:
            if frame.opcode is Opcode.TEXT:
                assert frame.fin, "a fragmented frame"
                found.append(json.loads(bytes(frame.data)))
        return found

    def ticks(self) -> list[int]:
        """The numbers of the broadcasts received so far."""
        return [frame["payload"]["seq"] for frame in self.texts() if frame["action"] == "tick"]

    def close(self) -> None:
        """Drop the socket."""
        self.sock.close()


def members(server: Server) -> int:
    """The number of local members of the app's group, from the server."""
    with urllib.request.urlopen(f"{server.http}{STATS_PATH}", timeout=TIMEOUT) as response:
        return int(json.loads(response.read())["members"])


async def wait_members(server: Server, count: int) -> None:
    """Wait until the app's group has ``count`` local members."""
    async with asyncio.timeout(TIMEOUT):
        while True:
            if await asyncio.to_thread(members, server) == count:
                return
            await asyncio.sleep(0.05)


def rss(pid: int) -> int:
    """The resident memory of a process, in bytes, from ``/proc/<pid>/status``."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    msg = f"no VmRSS for {pid}"
    raise LookupError(msg)


async def sample_peak(pid: int, peak: list[int]) -> None:
    """Keep ``peak[0]`` at the highest resident memory seen, every 20 ms, until cancelled."""
    while True:
        peak[0] = max(peak[0], rss(pid))
        await asyncio.sleep(0.02)


async def blast(sender: ClientConnection) -> None:
    """Send the flood, paced at :data:`INTERVAL`, each blast stamped with the send time."""
    started = time.monotonic()
    for seq in range(BLASTS):
        # Paced against the start, so a slow step does not stretch the whole flood.
        await asyncio.sleep(max(0.0, started + seq * INTERVAL - time.monotonic()))
        payload = {"seq": seq, "sent_at": time.monotonic(), "size": FRAME_BYTES}
        await send(sender, "blast", payload)


def percentile(values: list[float], share: float) -> float:
    """The value below which ``share`` of the values lie."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def flood(server: Server) -> tuple[SlowClient, list[Reader], int, int]:
    """Connect everyone, blast, and wait until the ordinary clients have every broadcast.

    Returns:
        The slow client, the ordinary clients, the server's RSS before and at its peak.
    """
    pid = server.process.process.pid
    connections: list[ClientConnection] = [
        await open_ws(server.ws(PATH), compression=None) for _ in range(READERS)
    ]
    for ws in connections:
        await ping_pong(ws)
    slow = await SlowClient.connect(server.port)
    await wait_members(server, READERS + 1)
    readers = [Reader(ws) for ws in connections]
    before = rss(pid)
    peak = [before]
    sampler = asyncio.get_running_loop().create_task(sample_peak(pid, peak))
    try:
        await blast(connections[0])
        try:
            async with asyncio.timeout(2 * MAX_LATENCY + TIMEOUT):
                while any(len(reader.seqs) < BLASTS for reader in readers):
                    assert all(reader.closed is None for reader in readers)
                    await asyncio.sleep(0.01)
        except TimeoutError:
            got = [len(reader.seqs) for reader in readers]
            pytest.fail(f"the readers got {got} of {BLASTS} broadcasts: the fanout stalled")
    finally:
        sampler.cancel()
        await asyncio.gather(sampler, return_exceptions=True)
    peak[0] = max(peak[0], rss(pid))
    return slow, readers, before, peak[0]


def check_readers(readers: list[Reader], before: int, peak: int, policy: str) -> None:
    """Every ordinary client got every broadcast in order, quickly; memory stayed bounded."""
    latencies = [latency for reader in readers for latency in reader.latencies]
    total = BLASTS * FRAME_BYTES
    print(
        f"\nslow reader, {policy}: {BLASTS} broadcasts of {FRAME_BYTES // 1024} KiB to "
        f"{READERS} readers: latency median {statistics.median(latencies) * 1000:.1f} ms, "
        f"p99 {percentile(latencies, 0.99) * 1000:.1f} ms, max {max(latencies) * 1000:.1f} ms; "
        f"server RSS {before / 2**20:.1f} -> peak {peak / 2**20:.1f} MiB "
        f"({total / 2**20:.0f} MiB broadcast)"
    )
    for reader in readers:
        assert reader.seqs == list(range(BLASTS))
    assert max(latencies) < MAX_LATENCY
    assert peak - before < total / 2


def assert_no_errors(server: Server) -> None:
    """Fail when the server logged a traceback or an error (its slow-client warning is due)."""
    output = server.process.output()
    for word in ("Traceback", "ERROR", "[error"):
        assert word not in output, f"{word!r} in the server output:\n{output}"


@pytest.fixture
def serve_policy(serve: Serve) -> Callable[[str], Server]:
    """Serve the slow-reader app with an overflow policy."""

    def start(policy: str) -> Server:
        env = {"CHANX_OUTBOUND_OVERFLOW": policy, "CHANX_MAX_OUTBOUND": str(MAX_OUTBOUND)}
        return serve(APP, env=env, app_dir=APPS_DIR)

    return start


async def test_slow_reader_is_closed_with_1013_and_others_keep_their_pace(
    serve_policy: Callable[[str], Server],
) -> None:
    """Under "close" the others get every broadcast promptly; the slow client gets 1013."""
    server = serve_policy("close")
    slow, readers, before, peak = await flood(server)
    try:
        check_readers(readers, before, peak, "close")
        assert "chanx.websocket.slow_client_closed" in server.process.output()
        # uvicorn holds the close until the client reads again (it waits for the transport to
        # drain); Chanx gives the close CLOSE_SECONDS, then ends the connection's loop, which
        # releases its membership while the client still reads nothing.
        await wait_members(server, READERS)
        assert "chanx.websocket.close_timed_out" in server.process.output()
        waiting = await asyncio.to_thread(members, server)
        # What the server wrote before giving up is still in the buffers; reading it, the
        # client finds an unbroken run of broadcasts, then the close frame.
        await slow.read_until(lambda: slow.protocol.close_rcvd is not None, TIMEOUT)
        ticks = slow.ticks()
        print(
            f"slow client: {len(ticks)} broadcasts, then close {slow.protocol.close_rcvd} "
            f"(members while it did not read: {waiting})"
        )
        assert slow.protocol.close_rcvd is not None, f"reset={slow.reset}, ticks={len(ticks)}"
        assert slow.protocol.close_rcvd.code == SLOW_CLIENT_CLOSE_CODE
        assert ticks == list(range(len(ticks)))
        assert len(ticks) < BLASTS - MAX_OUTBOUND
        await wait_members(server, READERS)
        for reader in readers:
            await reader.stop()
            await ping_pong(reader.ws)
        assert_no_errors(server)
    finally:
        slow.close()
        for reader in readers:
            await reader.stop()
            await reader.ws.close()


async def test_slow_reader_under_drop_oldest_stays_connected_and_others_keep_their_pace(
    serve_policy: Callable[[str], Server],
) -> None:
    """Under "drop_oldest" the others get every broadcast promptly; the slow one gets the newest."""
    server = serve_policy("drop_oldest")
    slow, readers, before, peak = await flood(server)
    try:
        check_readers(readers, before, peak, "drop_oldest")
        assert "chanx.websocket.slow_client_dropped" in server.process.output()
        assert await asyncio.to_thread(members, server) == READERS + 1
        # Reading again, the client gets what waited for it, then the answer to its ping.
        await slow.send_action("ping")

        def answered() -> bool:
            return any(frame["action"] == "pong" for frame in slow.texts())

        await slow.read_until(answered, TIMEOUT)
        ticks = slow.ticks()
        print(f"slow client: {len(ticks)} of {BLASTS} broadcasts, the last {ticks[-1:]}")
        assert answered(), f"no pong; reset={slow.reset}, close={slow.protocol.close_rcvd}"
        assert slow.protocol.close_rcvd is None
        assert ticks == sorted(set(ticks))
        assert ticks[-1] == BLASTS - 1
        assert len(ticks) < BLASTS
        assert await asyncio.to_thread(members, server) == READERS + 1
        assert_no_errors(server)
    finally:
        slow.close()
        for reader in readers:
            await reader.stop()
            await reader.ws.close()
