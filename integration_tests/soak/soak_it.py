"""The soak tests' load: connection cycles of every kind, the server's figures, their comparison.

A cycle connects, authenticates, sends and receives, and disconnects, in one of :data:`MODES`;
:func:`run_cycles` runs many of them, :data:`CONCURRENCY` at a time. Every wait is bounded and
every address is on loopback.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from chanx_it import ServerProcess
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidMessage

APPS_DIR = Path(__file__).resolve().parent / "apps"
"""The soak servers' modules: ``chanx_soak_app`` (FastAPI) and ``chanx_soak_django``."""
WS_PATH = "/ws/soak"
STATS_PATH = "/_soak/stats"

CYCLES_ENV = "CHANX_SOAK_CYCLES"
"""The environment variable that sets the number of measured cycles."""
DEFAULT_CYCLES = 3000
"""Measured cycles when :data:`CYCLES_ENV` is not set."""
WARMUP_CYCLES = 2000
"""Cycles run before the baseline, so caches, thread pools and the allocator's arenas exist
(daphne with channels_redis grows by some 10 MiB over its first 2,000 connections)."""
CONCURRENCY = 20
"""Clients connected at once."""
USERS = 50
"""Distinct users of the cycles; concurrent connections of one user share its group."""
FRAME_SECONDS = 10.0
"""The most a cycle waits for one frame, one close or one connection."""
IDLE_SECONDS = 30.0
"""The most the server may take to return to its baseline after the last cycle."""
LOST_SECONDS = 2.0
"""How long a cycle waits for its own broadcast or event before it counts it as lost."""
WORK_SECONDS = 0.1
"""How long the handler a ``mid_handler`` client leaves in the middle of runs."""
TASK_TOLERANCE = 2
"""asyncio tasks the server may hold above its baseline once idle."""
RSS_TOLERANCE_BYTES = 10 * 1024 * 1024
RSS_TOLERANCE_RATIO = 0.10
"""Resident memory may end at most 10 MiB or 10 % above its baseline, whichever is larger."""

MODES = ("clean", "abort", "eof", "mid_handler", "refused", "during_auth")
"""How cycles end, in turn:

- ``clean``: a closing handshake after a shout and a nudge round trip;
- ``abort``: the same round trips, then a TCP reset without a close frame;
- ``eof``: the same round trips, then a TCP close (FIN) without a close frame;
- ``mid_handler``: a reset while the server runs a handler for the connection;
- ``refused``: an unknown token, refused with 4401;
- ``during_auth``: a reset while the server still checks the (slow) token.
"""

ROUND_TRIP_MODES = ("clean", "abort", "eof")
"""The modes whose cycles shout to the lobby and nudge their user's group, and await both."""

Frame = dict[str, Any]


@dataclasses.dataclass(frozen=True)
class SoakServer:
    """A soak server process on 127.0.0.1."""

    kind: str
    port: int
    process: ServerProcess

    @property
    def http(self) -> str:
        """The server's HTTP base URL."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws(self) -> str:
        """The consumer's ws:// URL."""
        return f"ws://127.0.0.1:{self.port}{WS_PATH}"


def server_args(kind: str, port: int) -> list[str]:
    """The command line that serves the soak app of ``kind`` (``uvicorn`` or ``daphne``).

    Both run from :data:`APPS_DIR` (``python -m`` puts the working folder on ``sys.path``).
    """
    if kind == "uvicorn":
        app = "chanx_soak_app:app"
        return [
            *(sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port)),
            # Not a line per connection: the soak opens thousands.
            *("--log-level", "warning"),
        ]
    if kind == "daphne":
        app = "chanx_soak_django:application"
        return [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), app]
    msg = f"unknown server {kind!r}"
    raise ValueError(msg)


def cycles_from_env() -> int:
    """Return the number of measured cycles: :data:`CYCLES_ENV`, else :data:`DEFAULT_CYCLES`."""
    raw = os.environ.get(CYCLES_ENV, "").strip()
    if not raw:
        return DEFAULT_CYCLES
    cycles = int(raw)
    if cycles < 1:
        msg = f"{CYCLES_ENV} must be a positive number, got {raw!r}"
        raise ValueError(msg)
    return cycles


def rss_limit(baseline: int) -> int:
    """Return the most resident memory the server may end with, given its baseline."""
    return baseline + max(RSS_TOLERANCE_BYTES, int(baseline * RSS_TOLERANCE_RATIO))


async def stats(base_url: str, path: str) -> Frame:
    """Fetch the server's live figures (a fresh HTTP connection each time, in a thread)."""

    def fetch() -> Frame:
        with urllib.request.urlopen(f"{base_url}{path}", timeout=FRAME_SECONDS) as response:
            body = json.loads(response.read())
        assert isinstance(body, dict)
        return body

    return await asyncio.to_thread(fetch)


def open_client(url: str) -> Any:
    """Open a WebSocket connection with bounded waits and no compression (use ``await``)."""
    return connect(
        url,
        open_timeout=FRAME_SECONDS,
        close_timeout=FRAME_SECONDS,
        compression=None,
        proxy=None,
        ping_interval=None,
    )


async def send(ws: ClientConnection, action: str, payload: Any = None) -> None:
    """Send one frame of the wire format."""
    await ws.send(json.dumps({"action": action, "payload": payload}))


async def recv(ws: ClientConnection) -> Frame:
    """Receive the next frame as JSON, within :data:`FRAME_SECONDS`."""
    async with asyncio.timeout(FRAME_SECONDS):
        raw = await ws.recv()
    assert isinstance(raw, str), f"expected a text frame, got {raw!r}"
    frame = json.loads(raw)
    assert isinstance(frame, dict)
    return frame


async def recv_own(ws: ClientConnection, action: str, ident: str) -> bool:
    """Receive frames until ``action`` carrying ``ident`` arrives; others' lines are skipped.

    Returns:
        False when it did not arrive within :data:`LOST_SECONDS`.
    """
    try:
        async with asyncio.timeout(LOST_SECONDS):
            while True:
                frame = await recv(ws)
                if frame["action"] == action and frame["payload"] == {"id": ident}:
                    return True
                assert frame["action"] in ("heard", "nudged"), f"unexpected frame {frame}"
    except TimeoutError:
        return False


async def close_code(ws: ClientConnection) -> int | None:
    """Wait for the server's close and return its code."""
    try:
        async with asyncio.timeout(FRAME_SECONDS):
            while True:
                await ws.recv()
    except ConnectionClosed as exc:
        return exc.rcvd.code if exc.rcvd is not None else None


async def vanish(ws: ClientConnection, reset: bool = True) -> None:
    """Drop the TCP connection without a close frame: a reset, or a plain FIN."""
    if reset:
        ws.transport.abort()
    else:
        ws.transport.close()
    async with asyncio.timeout(FRAME_SECONDS):
        await ws.wait_closed()


async def authenticated(ws: ClientConnection) -> None:
    """Read the authentication frame and require success."""
    frame = await recv(ws)
    assert frame["action"] == "authentication", frame
    assert frame["payload"]["status_code"] == 200, frame


async def cycle(ws_url: str, index: int, step: list[str], lost: Counter[str]) -> str:
    """Run one connection's life in the mode :data:`MODES` gives ``index``; return the mode.

    ``step`` gets the name of each step as it starts, for the failure message; ``lost`` counts
    the cycle's own broadcast (``heard``) or event (``nudged``) if it never came back.
    """
    mode = MODES[index % len(MODES)]
    user = f"u{index % USERS}"
    token = {"refused": f"nobody-{index}", "during_auth": f"slow-user-{user}"}.get(
        mode, f"user-{user}"
    )
    ident = f"c{index}"
    step.append("connect")
    async with open_client(f"{ws_url}?token={token}") as ws:
        if mode == "during_auth":
            step.append("vanish")
            await vanish(ws)
            return mode
        step.append("authentication")
        if mode == "refused":
            frame = await recv(ws)
            assert frame["payload"]["status_code"] == 401, frame
            step.append("close")
            assert await close_code(ws) == 4401
            return mode
        await authenticated(ws)
        if mode == "mid_handler":
            step.append("work")
            await send(ws, "work", {"id": ident, "seconds": WORK_SECONDS})
            await asyncio.sleep(WORK_SECONDS / 4)
            step.append("vanish")
            await vanish(ws)
            return mode
        step.append("shout")
        await send(ws, "shout", {"id": ident})
        if not await recv_own(ws, "heard", ident):
            lost["heard"] += 1
        step.append("nudge")
        await send(ws, "nudge", {"id": ident})
        if not await recv_own(ws, "nudged", ident):
            lost["nudged"] += 1
        step.append("end")
        if mode in ("abort", "eof"):
            await vanish(ws, reset=mode == "abort")
        step.append("close")
    return mode


@dataclasses.dataclass
class Outcome:
    """What a run of cycles did."""

    modes: Counter[str]
    dropped_handshakes: int
    """Connections the server closed before its HTTP response (daphne does, rarely)."""
    lost: Counter[str]
    """Round trips whose broadcast or event never came back, by the action that was lost."""
    failures: list[str]
    seconds: float

    @property
    def round_trips(self) -> int:
        """How many broadcasts and events the cycles sent to themselves (and awaited)."""
        return 2 * sum(self.modes[mode] for mode in ROUND_TRIP_MODES)


async def run_cycles(ws_url: str, first: int, count: int) -> Outcome:
    """Run ``count`` cycles numbered from ``first``, :data:`CONCURRENCY` at a time."""
    modes: Counter[str] = Counter()
    lost: Counter[str] = Counter()
    failures: list[str] = []
    dropped = 0
    numbers = iter(range(first, first + count))

    async def worker() -> None:
        nonlocal dropped
        for index in numbers:
            step: list[str] = []
            try:
                async with asyncio.timeout(4 * FRAME_SECONDS):
                    modes[await cycle(ws_url, index, step, lost)] += 1
            except Exception as exc:  # every failure is reported at the end, with its cycle
                if isinstance(exc, InvalidMessage) and step == ["connect"]:
                    dropped += 1
                    continue
                mode = MODES[index % len(MODES)]
                failures.append(f"cycle {index} ({mode}) at {step[-1:]}: {exc!r}")

    started = time.monotonic()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    seconds = time.monotonic() - started
    return Outcome(
        modes=modes, dropped_handshakes=dropped, lost=lost, failures=failures, seconds=seconds
    )


def layer_memberships(figures: Frame) -> tuple[Any, Any]:
    """The in-memory layer's groups and channel queues (None, None for other layers).

    The Redis layers' ``receive_buffer`` is left out: it keeps an empty queue for some
    receives cancelled by a disconnect (an upstream leak the figures print, see the tests).
    """
    layer = figures["layer"]
    return layer.get("groups"), layer.get("channels")


def settled(baseline: Frame, now: Frame) -> bool:
    """Return True when the server's figures are back to ``baseline`` (tasks within tolerance)."""
    return (
        now["tasks"] <= baseline["tasks"] + TASK_TOLERANCE
        and now["hub_groups"] == baseline["hub_groups"]
        and now["hub_channels"] == baseline["hub_channels"]
        and layer_memberships(now) == layer_memberships(baseline)
        and now["consumers"] == baseline["consumers"]
    )


async def wait_settled(
    fetch: Callable[[], Awaitable[Frame]], baseline: Frame, extra: Callable[[], bool] | None = None
) -> tuple[Frame, float]:
    """Poll the figures until they settle (see :func:`settled`) or :data:`IDLE_SECONDS` pass.

    Returns:
        The last figures and how long the wait took; the caller asserts on them.
    """
    started = time.monotonic()
    while True:
        now = await fetch()
        done = settled(baseline, now) and (extra is None or extra())
        if done or time.monotonic() - started > IDLE_SECONDS:
            return now, time.monotonic() - started
        await asyncio.sleep(0.2)


def mib(size: int) -> str:
    """Format a byte count in MiB."""
    return f"{size / 1024 / 1024:.1f} MiB"


def report(name: str, outcome: Outcome, baseline: Frame, final: Frame, idle: float) -> str:
    """A few lines with the run's figures, printed by the test."""
    per_second = sum(outcome.modes.values()) / outcome.seconds if outcome.seconds else 0.0
    return "\n".join(
        [
            f"soak {name}: {sum(outcome.modes.values())} cycles in {outcome.seconds:.1f} s "
            f"({per_second:.0f}/s, {CONCURRENCY} at once), idle after {idle:.1f} s",
            f"  modes: {dict(sorted(outcome.modes.items()))}, "
            f"handshakes dropped by the server: {outcome.dropped_handshakes}",
            f"  own broadcasts and events lost: {dict(outcome.lost)} of {outcome.round_trips}",
            f"  tasks: {baseline['tasks']} -> {final['tasks']} (tolerance +{TASK_TOLERANCE})",
            f"  hub groups: {baseline['hub_groups']} -> {final['hub_groups']}",
            f"  layer: {baseline['layer']} -> {final['layer']}",
            f"  live consumers: {baseline['consumers']} -> {final['consumers']}",
            f"  RSS: {mib(baseline['rss'])} -> {mib(final['rss'])} "
            f"(limit {mib(rss_limit(baseline['rss']))})",
        ]
    )
