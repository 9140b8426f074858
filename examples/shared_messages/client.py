"""A typed client for either service: it speaks only through the shared ``ticket_messages``.

It pings, watches one ticket, posts a note to it and checks that the note comes back; with
``--wait-escalation`` it then waits for the ticket to be escalated (by the worker, say)::

    python client.py --url ws://127.0.0.1:8000/ws/tickets --ticket T-1    # the FastAPI service
    python client.py --url ws://127.0.0.1:8001/ws/tickets/ --ticket T-1   # the Django service

Every frame it sends is built from a shared model (``.model_dump_json()``) and every frame it
receives is parsed with ``ServerMessages.parse_json``; each is printed as ``->`` or ``<-``, the
class and the JSON. Any reply that is not the one expected, an ``error`` frame, a closed
connection or a reply later than ``--timeout`` seconds ends it with exit status 1; notes and
escalations of the watched ticket are ticket traffic, welcome at any time.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Sequence
from typing import TypeVar
from urllib.parse import urlsplit

from pydantic import ValidationError
from ticket_messages import (
    ClientMessage,
    NoteDraft,
    NotePostedMessage,
    PostNoteMessage,
    ServerMessage,
    ServerMessages,
    TicketEscalatedMessage,
    WatchingMessage,
    WatchTicket,
    WatchTicketMessage,
)
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake
from websockets.typing import Origin

from chanx.messages import PingMessage, PongMessage

DEFAULT_URL = "ws://127.0.0.1:8000/ws/tickets"

M = TypeVar("M", bound=ServerMessage)


class UnexpectedReplyError(Exception):
    """The service answered with something other than what the conversation expects."""


TICKET_TRAFFIC = (NotePostedMessage, TicketEscalatedMessage)
"""What a watcher may receive at any moment (another client's note, say): printed, then
skipped unless it is what the conversation waits for."""


class Conversation:
    """One connection to a service, with every frame checked against the shared models.

    Args:
        websocket: The open connection.
        reply_seconds: Seconds to wait for each expected reply.
    """

    def __init__(self, websocket: ClientConnection, reply_seconds: float) -> None:
        self.websocket = websocket
        self.reply_seconds = reply_seconds

    async def send(self, message: ClientMessage) -> None:
        """Send a message built from a shared model."""
        text = message.model_dump_json()
        print(f"-> {type(message).__name__} {text}", flush=True)
        await self.websocket.send(text)

    async def receive(self) -> ServerMessage:
        """Wait for the next frame and parse it with the shared union.

        Raises:
            UnexpectedReplyError: When the frame is none of the service's messages.
        """
        text = await self.websocket.recv()
        try:
            message = ServerMessages.parse_json(text)
        except ValidationError as exc:
            msg = f"a frame that is none of ServerMessages: {text!r} ({exc.error_count()} errors)"
            raise UnexpectedReplyError(msg) from exc
        print(f"<- {type(message).__name__} {message.model_dump_json()}", flush=True)
        return message

    async def expect(self, kind: type[M], wanted: Callable[[M], bool] | None = None) -> M:
        """Receive messages until a ``kind`` that is ``wanted`` arrives, and return it.

        Args:
            kind: The message class expected.
            wanted: Checks the message further; any ``kind`` will do when None.

        Raises:
            UnexpectedReplyError: When another message arrives, an ``error`` frame included,
                other than ticket traffic (:data:`TICKET_TRAFFIC`).
            TimeoutError: When it has not arrived within ``reply_seconds``.
        """
        async with asyncio.timeout(self.reply_seconds):
            while True:
                message = await self.receive()
                if isinstance(message, kind) and (wanted is None or wanted(message)):
                    return message
                if not isinstance(message, TICKET_TRAFFIC):
                    msg = f"expected {kind.__name__}, received {type(message).__name__}"
                    raise UnexpectedReplyError(msg)


def origin_of(url: str) -> Origin:
    """Return the ``Origin`` a browser on the service's own site would send.

    The Django service, like most, refuses WebSocket handshakes from unknown origins.
    """
    parts = urlsplit(url)
    scheme = "https" if parts.scheme == "wss" else "http"
    return Origin(f"{scheme}://{parts.netloc}")


async def run(url: str, draft: NoteDraft, wait_escalation: bool, reply_seconds: float) -> None:
    """Hold the conversation: ping, watch, post a note, and maybe wait for an escalation.

    Raises:
        UnexpectedReplyError: When a reply is not the expected one.
        TimeoutError: When a reply is late.
    """
    ticket_id = draft.ticket_id
    async with connect(url, origin=origin_of(url), open_timeout=reply_seconds) as websocket:
        talk = Conversation(websocket, reply_seconds)
        await talk.send(PingMessage())
        await talk.expect(PongMessage)
        await talk.send(WatchTicketMessage(payload=WatchTicket(ticket_id=ticket_id)))
        watching = await talk.expect(WatchingMessage)
        if watching.payload.ticket_id != ticket_id:
            msg = f"watching another ticket: {watching.payload!r}"
            raise UnexpectedReplyError(msg)
        await talk.send(PostNoteMessage(payload=draft))
        # Another watcher's note may come first: wait for this one.
        await talk.expect(
            NotePostedMessage,
            lambda posted: (
                posted.payload.ticket_id == ticket_id
                and (posted.payload.author, posted.payload.text) == (draft.author, draft.text)
            ),
        )
        if wait_escalation:
            await talk.expect(
                TicketEscalatedMessage, lambda escalated: escalated.payload.ticket_id == ticket_id
            )


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line, run the conversation, and return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--url", default=DEFAULT_URL, help=f"the service (default {DEFAULT_URL})")
    parser.add_argument("--ticket", default="T-1", help="the ticket to watch (default T-1)")
    parser.add_argument("--author", default="client.py", help="who posts the note")
    parser.add_argument("--note", default="looking into it", help="the note to post")
    parser.add_argument(
        "--wait-escalation",
        action="store_true",
        help="after the note, wait for a ticket_escalated message",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=10.0,
        help="seconds to wait for each expected reply (default 10)",
    )
    args = parser.parse_args(argv)
    try:
        draft = NoteDraft(ticket_id=args.ticket, author=args.author, text=args.note)
    except ValidationError as exc:
        parser.error(str(exc))
    try:
        asyncio.run(run(args.url, draft, args.wait_escalation, args.timeout))
    except UnexpectedReplyError as exc:
        print(f"unexpected reply: {exc}", file=sys.stderr)
    except TimeoutError:
        print(f"no reply within {args.timeout} seconds", file=sys.stderr)
    except ConnectionClosed as exc:
        print(f"the service closed the connection: {exc}", file=sys.stderr)
    except (OSError, InvalidHandshake) as exc:
        print(f"cannot connect to {args.url}: {exc}", file=sys.stderr)
    else:
        return 0
    return 1


if __name__ == "__main__":
    sys.exit(main())
