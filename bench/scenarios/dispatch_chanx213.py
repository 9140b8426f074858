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
    AckMessage,
    ChatMessage,
    ChatReplyMessage,
    DeleteMessage,
    EditMessage,
    HistoryMessage,
    JoinMessage,
    LeaveMessage,
    PresenceMessage,
    ReactMessage,
    ReadMessage,
    TypingMessage,
)
from bench.scenarios._payloads import (
    CHAT_FRAME,
    TEXT,
    chat_reply_payload,
)
from chanx.core.decorators import ws_handler
from chanx.fast_channels.websocket import AsyncJsonWebsocketConsumer


class Chat213(AsyncJsonWebsocketConsumer):
    """The same ten handlers as ``dispatch.ChatHandlers``."""

    channel_layer_alias = None
    # 2.13 defaults to True (a sleep(0) after every send); today's default is False.
    send_message_immediately = False
    last_id = 0

    @ws_handler
    async def handle_chat(self, message: ChatMessage) -> ChatReplyMessage:
        """Store a chat line (here: number it) and acknowledge it."""
        self.last_id += 1
        return ChatReplyMessage(payload=chat_reply_payload(message.payload, self.last_id))

    @ws_handler
    async def handle_join(self, message: JoinMessage) -> AckMessage:
        """Join a room."""
        return AckMessage(payload=message.payload.room)

    @ws_handler
    async def handle_leave(self, message: LeaveMessage) -> AckMessage:
        """Leave a room."""
        return AckMessage(payload=message.payload.room)

    @ws_handler
    async def handle_history(self, message: HistoryMessage) -> AckMessage:
        """Send a room's history (here: nothing)."""
        return AckMessage(payload=message.payload.room)

    @ws_handler
    async def handle_typing(self, message: TypingMessage) -> None:
        """Note that someone types."""

    @ws_handler
    async def handle_edit(self, message: EditMessage) -> AckMessage:
        """Edit a chat line."""
        return AckMessage(payload=str(message.payload.message_id))

    @ws_handler
    async def handle_delete(self, message: DeleteMessage) -> AckMessage:
        """Delete a chat line."""
        return AckMessage(payload=str(message.payload.message_id))

    @ws_handler
    async def handle_react(self, message: ReactMessage) -> None:
        """React to a chat line."""

    @ws_handler
    async def handle_read(self, message: ReadMessage) -> None:
        """Mark a room read."""

    @ws_handler
    async def handle_presence(self, message: PresenceMessage) -> None:
        """Set one's presence."""


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
