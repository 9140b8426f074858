# mypy: ignore-errors
# This file runs in a virtualenv with the released chanx 2.13.0 (one distribution, a regular
# `chanx` package), whose API the workspace's `chanx.*` portions do not describe.
"""The ``dispatch`` scenario's consumer on the released chanx 2.13.0, measured in its own process.

Usage: ``<venv with chanx[fast-channels]==2.13.0>/bin/python dispatch_chanx213.py MESSAGES``.
It prints one JSON object: the CPU and wall seconds for ``MESSAGES`` frames after its own
warm-up, and the versions it ran on. Same payloads (``_payloads.py``), same ten handlers and the
same in-process driving as ``dispatch.py``: ``consumer.dispatch(websocket.receive)`` with a fake
``base_send``, awaited until the reply arrived (2.13 runs each frame in a new task).
"""

from __future__ import annotations

import asyncio
import gc
import json
import platform
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any

# The repository root, so the shared `bench.scenarios` modules import here too (its chanx
# is 2.13's: the repository root has no chanx/ folder).
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.scenarios._messages import (
    ChatHandlers,
)
from bench.scenarios._payloads import (
    CHAT_FRAME,
    TEXT,
)
from chanx.fast_channels.websocket import AsyncJsonWebsocketConsumer


class Chat213(ChatHandlers, AsyncJsonWebsocketConsumer):
    """The shared ten handlers on the released chanx 2.13.0's consumer."""

    channel_layer_alias = None
    # 2.13 defaults to True (a sleep(0) after every send); today's default is False.
    send_message_immediately = False


async def main(messages: int) -> dict[str, Any]:
    """Connect one consumer, warm it up, then time ``messages`` chat frames and replies."""
    replied = asyncio.Event()
    last: dict[str, Any] = {}

    async def send(message: dict[str, Any]) -> None:
        last.clear()
        last.update(message)
        if message["type"] == "websocket.send":
            replied.set()

    consumer = Chat213()
    consumer.scope = {
        "type": "websocket",
        "path": "/ws/chat",
        "query_string": b"",
        "headers": [(b"host", b"127.0.0.1")],
        "path_params": {},
    }
    consumer.channel_layer = None
    consumer.channel_name = "bench.inmemory!1"
    consumer.base_send = send
    await consumer.dispatch({"type": "websocket.connect"})
    if last.get("type") != "websocket.accept":
        raise RuntimeError(f"chanx 2.13 did not accept the connection: {last}")

    async def handle() -> None:
        replied.clear()
        await consumer.dispatch({"type": "websocket.receive", "text": CHAT_FRAME})
        await replied.wait()

    for _ in range(max(1, messages // 10)):
        await handle()
    reply = json.loads(last["text"])
    if reply["action"] != "chat_reply" or reply["payload"]["text"] != TEXT:
        raise RuntimeError(f"unexpected reply to the chat frame: {last}")
    gc.collect()
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(messages):
        await handle()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return {
        "cpu_seconds": cpu,
        "wall_seconds": wall,
        "messages": messages,
        "versions": {
            "python": platform.python_version(),
            **{name: metadata.version(name) for name in ("chanx", "fast-channels", "pydantic")},
        },
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(int(sys.argv[1])))))
