"""A flooding client, run as a process of its own so its CPU is not the measured clients'.

``python chanx_flooder.py URL FRAMES SECONDS`` connects, proves the connection is served (a
ping), prints ``flooding``, then sends ``shout`` frames as fast as the socket takes them: up
to FRAMES, for at most SECONDS, or until the server closes the connection. Without a close it
then waits until every frame has been answered (a pong, an error frame, or, for a shout a
handler ran, an ``ack``) and does one more round trip. Its last line of output is a JSON
report (see :class:`Report`).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import sys
import time
from collections import Counter
from collections.abc import Callable

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

NAME = "flooder"
"""The connection's ``?name=`` and the sender its shouts carry."""
WAIT = 20.0
"""The most any one wait may take."""
PING = json.dumps({"action": "ping"})


@dataclasses.dataclass
class Report:
    """What the flooder saw, printed as JSON."""

    sent: int = 0
    """Shout frames sent, the opening ping not counted."""
    seconds: float = 0.0
    """From the connection's opening to its close or to the last answer."""
    pongs: int = 0
    """Pongs received (the opening ping's and the final round trip's included)."""
    acks: int = 0
    """Shouts a handler ran and acknowledged."""
    heard: int = 0
    """This client's own shouts broadcast back to it (when it is in the room)."""
    errors: Counter[str] = dataclasses.field(default_factory=Counter)
    """Error frames' payloads (as JSON) and how many times each came."""
    close_code: int | None = None
    """The code the server closed the connection with, if it did."""

    def answers(self) -> int:
        """Frames that answered one of this client's."""
        return self.pongs + self.acks + sum(self.errors.values())

    def as_json(self) -> str:
        """The report as one line of JSON."""
        return json.dumps({**vars(self), "errors": dict(self.errors)})


async def read(ws: ClientConnection, report: Report, arrived: asyncio.Event) -> None:
    """Count every frame until the connection closes."""
    try:
        async for raw in ws:
            frame = json.loads(raw)
            action = frame["action"]
            if action == "pong":
                report.pongs += 1
            elif action == "error":
                report.errors[json.dumps(frame["payload"], sort_keys=True)] += 1
            elif action == "ack":
                report.acks += 1
            elif action == "heard" and frame["payload"]["sender"] == NAME:
                report.heard += 1
            arrived.set()
    except ConnectionClosed:
        pass
    finally:
        report.close_code = ws.close_code
        arrived.set()


async def until(condition: Callable[[], bool], arrived: asyncio.Event) -> None:
    """Wait until ``condition()`` holds, checking it whenever a frame arrives."""
    async with asyncio.timeout(WAIT):
        while not condition():
            arrived.clear()
            await arrived.wait()


async def main(url: str, frames: int, seconds: float) -> Report:
    """Flood ``url`` and report what happened."""
    report = Report()
    arrived = asyncio.Event()
    opened = time.monotonic()
    async with connect(url, open_timeout=WAIT, close_timeout=WAIT, proxy=None) as ws:
        reader = asyncio.get_running_loop().create_task(read(ws, report, arrived))
        await ws.send(PING)
        await until(lambda: report.pongs == 1, arrived)
        print("flooding", flush=True)
        deadline = time.monotonic() + seconds
        try:
            while report.sent < frames and time.monotonic() < deadline:
                payload = {"sender": NAME, "seq": report.sent}
                await ws.send(json.dumps({"action": "shout", "payload": payload}))
                report.sent += 1
        except ConnectionClosed:
            pass
        await until(lambda: reader.done() or report.answers() >= report.sent + 1, arrived)
        report.seconds = time.monotonic() - opened
        if not reader.done():
            await asyncio.sleep(0.05)  # a token for the round trip that proves it is served
            pongs = report.pongs
            await ws.send(PING)
            await until(lambda: report.pongs > pongs, arrived)
        reader.cancel()
    return report


if __name__ == "__main__":
    done = asyncio.run(main(sys.argv[1], int(sys.argv[2]), float(sys.argv[3])))
    print(done.as_json(), flush=True)
