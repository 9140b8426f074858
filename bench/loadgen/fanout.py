"""The ``fanout`` scenario's load generator: the group's members and the sender, in one process.

Usage: ``python -m bench.loadgen.fanout --members ws://127.0.0.1:PORT/ws/fanout=500 --sender
ws://127.0.0.1:PORT/ws/fanout/sender`` (``--members`` repeats, one per server process). It opens
every connection, then sends probe broadcasts until one reaches every member (a server may join
a connection to its group after the handshake) and prints one JSON line, ``{"ready": ...}``.
Then it reads commands from stdin, one JSON object a line, and answers each with one JSON line
(``{"error": "..."}`` when something went wrong):

- ``{"broadcasts": K}``: K broadcasts one after another, the next only once every member
  received the previous; answers the seconds from each trigger until the last member had it,
  and this process's CPU seconds (``time.process_time``) over the K broadcasts.
- ``{"quit": true}`` (or the end of stdin): close every connection and exit.

It speaks the WebSocket protocol itself, on non-blocking sockets and one ``epoll`` loop, with
only the standard library: a member's frame costs a ``recv_into`` and a few comparisons, so the
generator stays well below the servers' CPU per broadcast (it reports its own to show it). No
compression is offered, so none is negotiated; pings are answered, also while waiting for a
command. Every frame is checked: the first copy of each broadcast is decoded and compared with
what the sender asked for, the copies that follow must be the same bytes, and each member must
receive each broadcast exactly once.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import hashlib
import json
import os
import select
import socket
import sys
import time
from collections.abc import Callable
from urllib.parse import urlsplit

from bench.apps._fanout_wire import news, shout_frame

ACCEPT_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
OPEN_TIMEOUT = 20.0
"""Seconds one connection may take to open."""
SETTLE_SECONDS = 30.0
"""How long probes may take until one reaches every member."""
PROBE_TIMEOUT = 2.0
"""Seconds one probe may take before the next is sent."""
BROADCAST_TIMEOUT = 30.0
"""Seconds a measured broadcast may take to reach every member."""

_READ = memoryview(bytearray(1 << 16))
"""Where every read lands (``recv_into``); each is handled before the next read."""


def client_frame(opcode: int, payload: bytes) -> bytes:
    """Return a final client frame: masked, as RFC 6455 requires of clients."""
    size = len(payload)
    if size < 126:
        head = bytes((0x80 | opcode, 0x80 | size))
    elif size < 1 << 16:
        head = bytes((0x80 | opcode, 0x80 | 126)) + size.to_bytes(2, "big")
    else:
        head = bytes((0x80 | opcode, 0x80 | 127)) + size.to_bytes(8, "big")
    mask = os.urandom(4)
    key = (mask * (size // 4 + 1))[:size]
    masked = (int.from_bytes(payload, "big") ^ int.from_bytes(key, "big")).to_bytes(size, "big")
    return head + mask + masked


class Connection:
    """One open WebSocket client connection that hands every text frame to ``on_text``.

    Args:
        sock: The connected, handshaken socket.
        on_text: Called with the connection and the payload of every text frame.
    """

    def __init__(self, sock: socket.socket, on_text: Callable[[Connection, bytes], None]) -> None:
        self.sock = sock
        self.fd = sock.fileno()
        self.on_text = on_text
        self.pending = bytearray()
        """The start of a frame whose end was not read yet."""
        self.seq = -1
        """The last broadcast this member received."""
        self.closed = False

    def feed(self, data: bytes | memoryview) -> None:
        """Handle what was read: every complete frame, keeping the start of an incomplete one."""
        if self.pending:
            self.pending += data
            data = bytes(self.pending)
            self.pending.clear()
        pos, end = 0, len(data)
        while end - pos >= 2:
            first, size = data[pos], data[pos + 1]
            if size & 0x80 or not first & 0x80:
                # Servers never mask; these servers never fragment a small text frame.
                self.on_text(self, b"<masked or fragmented frame>")
                self.close()
                return
            head = 2
            if size == 126:
                if end - pos < 4:
                    break
                size, head = int.from_bytes(data[pos + 2 : pos + 4], "big"), 4
            elif size == 127:
                if end - pos < 10:
                    break
                size, head = int.from_bytes(data[pos + 2 : pos + 10], "big"), 10
            if end - pos < head + size:
                break
            payload = bytes(data[pos + head : pos + head + size])
            pos += head + size
            opcode = first & 0x0F
            if opcode == 0x1:
                self.on_text(self, payload)
            elif opcode == 0x9:
                self.send(0xA, payload)
            elif opcode == 0x8:
                self.close()
                return
        if pos < end:
            self.pending += data[pos:]

    def send(self, opcode: int, payload: bytes) -> None:
        """Send one frame (small: it fits the socket's buffer at once)."""
        if not self.closed:
            self.sock.sendall(client_frame(opcode, payload))

    def close(self) -> None:
        """Send a normal close frame, if still open, and close the socket."""
        if not self.closed:
            with contextlib.suppress(OSError):
                self.send(0x8, (1000).to_bytes(2, "big"))
            self.closed = True
        self.sock.close()


def open_connection(url: str, on_text: Callable[[Connection, bytes], None]) -> Connection:
    """Connect to ``url``, complete the opening handshake and return the connection.

    Raises:
        ConnectionError: When the server refuses the handshake or closes the connection.
    """
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    key = base64.b64encode(os.urandom(16))
    sock = socket.create_connection((host, port), timeout=OPEN_TIMEOUT)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.sendall(
        f"GET {parts.path or '/'} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key.decode()}\r\n"
        "Sec-WebSocket-Version: 13\r\n\r\n".encode()
    )
    response = b""
    while b"\r\n\r\n" not in response:
        chunk = sock.recv(4096)
        if not chunk:
            sock.close()
            msg = f"{url} closed the connection during the handshake"
            raise ConnectionError(msg)
        response += chunk
    head, _, rest = response.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in lines[1:])}
    accept = base64.b64encode(hashlib.sha1(key + ACCEPT_GUID).digest()).decode()
    if lines[0].split(" ")[1:2] != ["101"] or headers.get("sec-websocket-accept") != accept:
        sock.close()
        msg = f"{url} refused the handshake: {lines[0]}"
        raise ConnectionError(msg)
    sock.setblocking(False)
    connection = Connection(sock, on_text)
    if rest:
        connection.feed(rest)
    return connection


class Tally:
    """Counts, for the current broadcast, the members that received it, checking every frame.

    Args:
        members: How many members each broadcast must reach.
    """

    def __init__(self, members: int) -> None:
        self.members = members
        self.seq = 0
        self.expected: bytes | None = None
        self.received = 0
        self.finished = 0.0
        self.probing = True
        """While probing, frames of earlier probes (or any greeting) are not errors."""
        self.ignored = 0
        self.errors: list[str] = []

    @property
    def done(self) -> bool:
        """True once every member received the current broadcast."""
        return self.received == self.members

    def start(self, seq: int) -> None:
        """Start counting broadcast ``seq``."""
        self.seq, self.expected, self.received = seq, None, 0

    def on_text(self, member: Connection, payload: bytes) -> None:
        """Count a member's frame if it is the current broadcast, exactly once per member."""
        if payload != self.expected and not self.verify(payload):
            return
        if member.seq == self.seq:
            self.error(f"broadcast {self.seq} arrived twice at one member")
            return
        member.seq = self.seq
        self.received += 1
        if self.received == self.members:
            self.finished = time.perf_counter()

    def verify(self, payload: bytes) -> bool:
        """Decode a frame not seen yet in this broadcast; True when it is the broadcast."""
        try:
            content = json.loads(payload)
        except ValueError:
            content = None
        if content == news(self.seq):
            self.expected = payload
            return True
        if self.probing:
            self.ignored += 1
        else:
            self.error(f"unexpected frame during broadcast {self.seq}: {payload[:200]!r}")
        return False

    def error(self, text: str) -> None:
        """Remember a failure (the first few), to report with the answer."""
        if len(self.errors) < 5:
            self.errors.append(text)


class Generator:
    """The members, the sender, the broadcasts and the loop that reads them all.

    Args:
        members: ``(url, count)`` for each server: open ``count`` members at ``url``.
        sender: The sender's URL.
    """

    def __init__(self, members: list[tuple[str, int]], sender: str) -> None:
        self.plan = members
        self.sender_url = sender
        self.tally = Tally(sum(count for _, count in members))
        self.poller = select.epoll()
        self.connections: dict[int, Connection] = {}
        self.sender: Connection | None = None
        self.seq = 0
        self.stdin = sys.stdin.fileno()
        self.stdin_buffer = b""
        self.stdin_open = True

    def connect(self) -> None:
        """Open every member, then the sender, and watch them all (and stdin)."""
        for url, count in self.plan:
            for _ in range(count):
                self.watch(open_connection(url, self.tally.on_text))
        self.sender = open_connection(self.sender_url, self.ignore)
        self.watch(self.sender)
        self.poller.register(self.stdin, select.EPOLLIN)

    def watch(self, connection: Connection) -> None:
        """Have the loop read ``connection``."""
        self.connections[connection.fd] = connection
        self.poller.register(connection.fd, select.EPOLLIN)

    def ignore(self, connection: Connection, payload: bytes) -> None:
        """Drop what the sender receives (nothing, from every contender)."""

    def poll(self, timeout: float) -> None:
        """Wait up to ``timeout`` seconds for reads and handle every one that is ready."""
        connections, read = self.connections, _READ
        for fd, _ in self.poller.poll(timeout):
            connection = connections.get(fd)
            if connection is None:
                if fd == self.stdin:
                    self.read_stdin()
                continue
            try:
                size = connection.sock.recv_into(read)
            except BlockingIOError:
                continue
            except OSError:
                size = 0
            if size:
                connection.feed(read[:size])
            else:
                self.lost(connection)

    def lost(self, connection: Connection) -> None:
        """Forget a connection the server closed; a member lost is an error."""
        self.poller.unregister(connection.fd)
        del self.connections[connection.fd]
        connection.close()
        self.tally.error("the server closed a connection")

    def read_stdin(self) -> None:
        """Read what the parent wrote; the end of stdin stops watching it."""
        chunk = os.read(self.stdin, 65536)
        if chunk:
            self.stdin_buffer += chunk
        else:
            self.stdin_open = False
            self.poller.unregister(self.stdin)

    def wait(self, ready: Callable[[], bool], timeout: float) -> bool:
        """Run the loop until ``ready()`` or ``timeout`` seconds passed; return ``ready()``."""
        deadline = time.monotonic() + timeout
        while not ready():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self.poll(min(left, 1.0))
        return True

    def command(self) -> dict[str, object] | None:
        """Answer pings until the parent's next command arrives; None at the end of stdin."""
        self.wait(lambda: b"\n" in self.stdin_buffer or not self.stdin_open, float("inf"))
        if b"\n" not in self.stdin_buffer:
            return None
        line, _, self.stdin_buffer = self.stdin_buffer.partition(b"\n")
        command: dict[str, object] = json.loads(line)
        return command

    def trigger(self) -> int:
        """Start counting the next broadcast and send its shout; return its number."""
        assert self.sender is not None
        self.seq += 1
        self.tally.start(self.seq)
        self.sender.send(0x1, shout_frame(self.seq).encode())
        return self.seq

    def settle(self) -> int:
        """Send probes until one reaches every member; return how many it took.

        Raises:
            RuntimeError: When none did within :data:`SETTLE_SECONDS`.
        """
        deadline = time.monotonic() + SETTLE_SECONDS
        probes = 0
        while time.monotonic() < deadline:
            probes += 1
            self.trigger()
            if self.wait(lambda: self.tally.done, PROBE_TIMEOUT):
                self.tally.probing = False
                return probes
        msg = (
            f"no probe reached every member in {SETTLE_SECONDS:.0f} s: the last reached "
            f"{self.tally.received} of {self.tally.members}"
        )
        raise RuntimeError(msg)

    def broadcasts(self, count: int) -> dict[str, object]:
        """Run ``count`` broadcasts one after another and report what they took."""
        tally = self.tally
        latencies: list[float] = []
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(count):
            seq = self.trigger()
            started = time.perf_counter()
            if not self.wait(lambda: tally.done, BROADCAST_TIMEOUT):
                tally.error(
                    f"broadcast {seq} reached {tally.received} of {tally.members} members "
                    f"in {BROADCAST_TIMEOUT:.0f} s"
                )
            if tally.errors:
                break
            latencies.append(tally.finished - started)
        answer: dict[str, object] = {
            "latencies": latencies,
            "cpu_seconds": time.process_time() - cpu,
            "wall_seconds": time.perf_counter() - wall,
        }
        if tally.errors:
            answer["error"] = "; ".join(tally.errors)
        return answer

    def close(self) -> None:
        """Close every connection."""
        for connection in self.connections.values():
            connection.close()
        self.connections.clear()
        self.poller.close()


def answer(data: dict[str, object]) -> None:
    """Write one JSON line to the parent."""
    sys.stdout.write(json.dumps(data) + "\n")
    sys.stdout.flush()


def serve(generator: Generator) -> None:
    """Connect, settle, then answer the parent's commands until it says quit."""
    opened = time.perf_counter()
    try:
        generator.connect()
        probes = generator.settle()
    except (OSError, RuntimeError) as exc:
        answer({"error": f"{type(exc).__name__}: {exc}"})
        generator.close()
        return
    answer(
        {
            "ready": True,
            "members": generator.tally.members,
            "seconds": round(time.perf_counter() - opened, 3),
            "probes": probes,
            "ignored_frames": generator.tally.ignored,
        }
    )
    while (command := generator.command()) is not None and not command.get("quit"):
        broadcasts = command.get("broadcasts")
        if not isinstance(broadcasts, int) or broadcasts < 1:
            answer({"error": f"unknown command: {command}"})
            continue
        answer(generator.broadcasts(broadcasts))
    generator.close()


def parse(argv: list[str] | None) -> Generator:
    """Parse the command line into a :class:`Generator`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--members",
        action="append",
        required=True,
        metavar="URL=COUNT",
        help="open COUNT members at URL (repeatable, one per server)",
    )
    parser.add_argument("--sender", required=True, metavar="URL", help="the sender's URL")
    options = parser.parse_args(argv)
    plan: list[tuple[str, int]] = []
    for spec in options.members:
        url, _, count = spec.rpartition("=")
        plan.append((url, int(count)))
    return Generator(plan, options.sender)


def main(argv: list[str] | None = None) -> None:
    """Run the load generator."""
    serve(parse(argv))


if __name__ == "__main__":
    main()
