"""The bench the bad-input matrix's cases run on: recorded clients, steady traffic, a server.

:class:`Bench` holds one case's three clients (see :mod:`chanx_bad_input`); :class:`Traffic` is
the talker's steady shouting and pinging; :func:`server_tasks` asks the server how many asyncio
tasks it runs; :func:`running` serves an app of the matrix for a whole test module.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import subprocess
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from urllib.parse import urlencode

from chanx_bad_input_consumer import MAIN, TOKEN
from chanx_it import STARTUP_SECONDS, ServerProcess, port_answers, stop_process
from chanx_redis_faults import Client, Frame

SUPPORT_DIR = Path(__file__).resolve().parent
"""This folder, which the apps import the shared consumer from."""
WAIT = 5.0
"""The most one expected frame, close or settling may take."""
PONG: Frame = {"action": "pong", "payload": None}
"""The answer to a ping."""
AUTH_OK: Frame = {
    "action": "authentication",
    "payload": {"status_code": 200, "status_text": "OK", "data": None},
}
"""The frame a connection with a valid token gets first."""

Url = Callable[[str], str]
"""Turns a path with its query string into the server's ws:// URL."""


@dataclasses.dataclass
class Bench:
    """One case's clients, and the server's output from the case's start."""

    bad: Client
    talker: Client
    listener: Client
    log: Callable[[], str]

    def answers(self, since: int) -> list[Frame]:
        """What the bad client received after frame ``since``, the room's broadcasts left out."""
        return [frame for frame in self.bad.frames[since:] if frame.get("action") != "heard"]

    async def exchange(self, frames: Sequence[str | bytes], count: int) -> list[Frame]:
        """Send raw frames from the bad client; return the ``count`` answers that follow."""
        since = len(self.bad.frames)
        for frame in frames:
            await self.bad.ws.send(frame)
        await self.bad.wait_for(lambda: len(self.answers(since)) >= count, f"{count} answers")
        return self.answers(since)

    async def closed(self) -> int | None:
        """Wait until the server has closed the bad client; return the close code."""
        bad = self.bad
        await bad.wait_for(lambda: bad.closed is not None, "the server's close")
        return bad.ws.close_code


class Traffic:
    """The talker's steady traffic while a case runs: a shout every 10 ms, a ping every third.

    Args:
        talker: The well-behaved client that sends it.
    """

    def __init__(self, talker: Client) -> None:
        self.talker = talker
        self.sent: list[str] = []
        self.pings = 0
        self._stop = asyncio.Event()
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        while not self._stop.is_set():
            text = f"shout-{len(self.sent)}"
            await self.talker.send("shout", text)
            self.sent.append(text)
            if len(self.sent) % 3 == 0:
                await self.talker.send("ping")
                self.pings += 1
            await asyncio.sleep(0.01)

    async def flowing(self, shouts: int = 5) -> None:
        """Wait until ``shouts`` more shouts have gone out."""
        target = len(self.sent) + shouts
        await self.talker.wait_for(
            lambda: len(self.sent) >= target or self._task.done(), f"{shouts} more shouts"
        )

    async def finish(self) -> list[str]:
        """Let some shouts go out after the bad input, stop, and return every text shouted."""
        await self.flowing()
        self._stop.set()
        await self._task  # the talker's own failure, if any, fails the case here
        return self.sent

    def cancel(self) -> None:
        """Stop at once, whatever happened (a case that failed midway)."""
        self._stop.set()
        self._task.cancel()


async def signed_in(client: Client) -> None:
    """Wait for the successful ``authentication`` frame, then sync with a ping."""
    await client.wait_for(lambda: AUTH_OK in client.frames, "authentication")
    await client.ping()


async def server_tasks(url: Url) -> int:
    """Ask the server, over a connection of its own, how many asyncio tasks it runs."""
    probe = await Client.open("probe", url(f"{MAIN}?{urlencode({'token': TOKEN})}"))
    try:
        await probe.wait_for(lambda: AUTH_OK in probe.frames, "authentication")
        await probe.send("stats")
        await probe.wait_for(lambda: bool(probe.actions("stats_reply")), "stats_reply")
        return int(probe.actions("stats_reply")[0]["tasks"])
    finally:
        await probe.close()


async def settled(url: Url, before: int) -> None:
    """Wait until the server runs no more tasks than ``before``: nothing was left behind."""
    deadline = time.monotonic() + WAIT
    while (now := await server_tasks(url)) > before:
        if time.monotonic() > deadline:
            msg = f"the server runs {now} asyncio tasks, {before} before the case"
            raise AssertionError(msg)
        await asyncio.sleep(0.1)


def server_env() -> dict[str, str]:
    """The environment an app of the matrix runs with: this folder importable, output unbuffered."""
    paths = [str(SUPPORT_DIR), *filter(None, [os.environ.get("PYTHONPATH")])]
    # The Django app configures its own settings; a settings module from outside must not win.
    return {
        "PYTHONPATH": os.pathsep.join(paths),
        "PYTHONUNBUFFERED": "1",
        "DJANGO_SETTINGS_MODULE": "",
    }


@contextlib.contextmanager
def running(args: Sequence[str], port: int, cwd: Path, log: Path) -> Iterator[ServerProcess]:
    """Run a server for a whole module (the matrix's cases share it); stop it by PID after.

    Args:
        args: The server's command line.
        port: The loopback port it listens on.
        cwd: Its working directory.
        log: The file its output goes to.

    Yields:
        The process, once it accepts connections.
    """
    with log.open("wb") as sink:
        process = subprocess.Popen(
            list(args),
            stdout=sink,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            env={**os.environ, **server_env()},
        )
    server = ServerProcess(args=args, port=port, process=process, log=log)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not port_answers(port):
            if process.poll() is not None or time.monotonic() > deadline:
                msg = f"{args[:4]} did not listen on {port}:\n{server.output()}"
                raise AssertionError(msg)
            time.sleep(0.05)
        yield server
    finally:
        stop_process(process)
