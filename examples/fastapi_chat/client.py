"""A typed command-line client for the demo's chat rooms, on the ``websockets`` library.

It imports the app's own message models (``fastapi_chat.messages`` depends on
``chanx-messages`` and Pydantic only), so what it sends is checked by mypy and Pydantic before
it leaves, and what it receives is parsed into those models by ``ROOM_REPLIES``, a
``MessageUnion``::

    python client.py --name ada "hello from a script" "and a second line"
    python client.py --room ops --listen 30     # print the room's traffic for 30 seconds

It joins the room, checks the server with a ``ping``, sends each line and waits until the
room relays it back, then listens for ``--listen`` seconds. Every frame is printed as ``>>``
(sent) or ``<<`` (received) with its class. An ``error`` frame, a closed connection or a reply
later than ``--timeout`` ends it with exit status 1.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from typing import TypeVar
from urllib.parse import quote

from fastapi_chat.messages import (
    ROOM_REPLIES,
    ChatMessage,
    ChatNotificationMessage,
    ChatPayload,
    MemberJoinedMessage,
    RoomReply,
)
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from chanx.messages import BaseMessage, ErrorMessage, PingMessage, PongMessage

Reply = TypeVar("Reply", bound=RoomReply)


class ChatClientError(Exception):
    """The conversation went wrong: the message says how."""


class RoomClient:
    """One connection to a chat room that sends models and receives models."""

    def __init__(self, connection: ClientConnection, timeout: float) -> None:
        self.connection = connection
        self.timeout = timeout

    async def send(self, message: BaseMessage) -> None:
        """Send one message as JSON text and print it."""
        print(f">> {type(message).__name__} {message.model_dump_json()}")
        await self.connection.send(message.model_dump_json())

    async def receive(self) -> RoomReply:
        """Receive, parse and print the next frame; an ``error`` frame ends the conversation."""
        try:
            text = await asyncio.wait_for(self.connection.recv(), self.timeout)
        except TimeoutError:
            msg = f"no reply within {self.timeout} s"
            raise ChatClientError(msg) from None
        reply = ROOM_REPLIES.parse_json(text)
        print(f"<< {type(reply).__name__} {reply.model_dump_json()}")
        if isinstance(reply, ErrorMessage):
            msg = f"the server answered with an error: {reply.payload}"
            raise ChatClientError(msg)
        return reply

    async def expect(self, kind: type[Reply]) -> Reply:
        """Receive until a frame of ``kind`` arrives; other room traffic is printed and passed.

        Args:
            kind: The reply the conversation waits for.

        Returns:
            That reply.
        """
        while True:
            reply = await self.receive()
            if isinstance(reply, kind):
                return reply

    async def listen(self, seconds: float) -> None:
        """Print what the room sends for ``seconds``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while (left := deadline - loop.time()) > 0:
            try:
                reply = ROOM_REPLIES.parse_json(
                    await asyncio.wait_for(self.connection.recv(), left)
                )
            except TimeoutError:
                return
            print(f"<< {type(reply).__name__} {reply.model_dump_json()}")


async def chat(url: str, name: str, lines: Sequence[str], listen: float, wait: float) -> None:
    """Join the room at ``url``, ping, say each line, wait for its relay, then listen."""
    async with connect(url, open_timeout=wait, close_timeout=wait) as connection:
        room = RoomClient(connection, wait)
        joined = await room.expect(MemberJoinedMessage)
        print(f"-- joined {joined.payload.room}")
        await room.send(PingMessage())
        await room.expect(PongMessage)
        for text in lines:
            await room.send(ChatMessage(payload=ChatPayload(name=name, text=text)))
            while True:
                line = await room.expect(ChatNotificationMessage)
                if (line.payload.name, line.payload.text) == (name, text):
                    break
        if listen > 0:
            await room.listen(listen)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("lines", nargs="*", help="chat lines to send, in order")
    parser.add_argument("--server", default="ws://127.0.0.1:8000", help="the demo's base URL")
    parser.add_argument("--room", default="lobby", help="the room to join (default lobby)")
    parser.add_argument("--name", default="script", help="your display name")
    parser.add_argument("--listen", type=float, default=0.0, help="seconds to listen at the end")
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds to wait per reply")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the client; return the exit status."""
    args = parse_args(argv)
    url = f"{args.server.rstrip('/')}/ws/chat/{quote(args.room, safe='')}"
    try:
        ChatPayload(name=args.name, text="check")  # a bad name fails here, not on the server
        asyncio.run(chat(url, args.name, args.lines, args.listen, args.timeout))
    except (ChatClientError, ConnectionClosed, InvalidHandshake, OSError, ValueError) as exc:
        print(f"!! {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
