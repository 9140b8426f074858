"""Property tests of the receive path, shared by both adapters: any frame gets a documented answer.

Each adapter's ``test_fuzz_receive.py`` builds two consumers from ``chanx_fuzz_consumer``'s
handlers on its own ``AsyncJsonWebsocketConsumer`` and routes them; its ``Test...`` class
subclasses :class:`FuzzReceiveSuite` and says how to reach them with the adapter's
``WebsocketCommunicator`` (its routing, the consumer's ASGI ``__call__``, the framework's
receive loop, then Chanx's dispatcher and parser: the real receive path). The frames come from
``chanx_fuzz_frames``; ``chanx_fuzz_consumer.check_answer`` judges each answer.

Bad input never closes the connection, so after each frame the same connection must answer a
``ping`` with a ``pong`` and nothing in between. Each test drives one connection for all its
examples, on an event loop of the test's own: Hypothesis calls synchronous code, and a
connection that survives hundreds of odd frames in a row is part of the property. A connection
an example broke is replaced, so that example fails alone and shrinks on a fresh connection.
The examples are derandomized and bounded, so every run sends the same frames.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable, Coroutine, Iterator, MutableMapping
from typing import Any, TypeVar

import pytest
from chanx_fuzz_consumer import BINARY_ERROR, CANARY, check_answer
from chanx_fuzz_frames import dump, json_values, near_valid_frames, text_frames, valid_messages
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from structlog.testing import capture_logs

from chanx.core.testing import WebsocketCommunicator

T = TypeVar("T")
Log = list[MutableMapping[str, Any]]

PING = '{"action": "ping"}'
PONG = {"action": "pong", "payload": None}
COMPLETE = {"action": "complete", "payload": None}
TIMEOUT = 2.0
KEY_STYLES = pytest.mark.parametrize("connection", ["snake_case", "camelCase"], indirect=True)
"""Run a test against the snake_case consumer and the camelCase one (the ``connection``)."""
FUZZ = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,  # the same examples on every run, so CI is reproducible
    database=None,  # nothing written to .hypothesis
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.large_base_example],
)


# ---------------------------------------------------------------------------- the harness
class Connection:
    """One WebSocket connection driven from synchronous code, on an event loop of its own.

    Args:
        runner: The loop everything runs on.
        communicator: Makes a new, unconnected communicator to the consumer under test.
        completion: Whether the consumer sends ``complete`` after each answer.
    """

    def __init__(
        self,
        runner: asyncio.Runner,
        communicator: Callable[[], WebsocketCommunicator],
        completion: bool,
    ) -> None:
        self.runner = runner
        self.communicator = communicator
        self.completion = completion
        self.comm: WebsocketCommunicator | None = None
        self.opened = 0
        self.exchanges = 0

    def run(self, factory: Callable[[], Coroutine[Any, Any, T]]) -> T:
        """Run a coroutine on the connection's loop, bounded by a timeout."""

        async def bounded() -> T:
            async with asyncio.timeout(4 * TIMEOUT):
                return await factory()

        return self.runner.run(bounded())

    def open(self) -> WebsocketCommunicator:
        """Return the live connection, connecting (again) when there is none."""
        if self.comm is not None and not self.comm.finished:
            return self.comm
        if self.comm is not None:
            self.run(self._reap)
        comm = self.communicator()

        async def connect() -> None:
            connected, _ = await comm.connect()
            assert connected

        self.run(connect)
        self.comm = comm
        self.opened += 1
        return comm

    async def _reap(self) -> None:
        """Collect what a dead connection's application task ended with."""
        assert self.comm is not None
        # The example that broke it has already failed; only the task's result is collected.
        with contextlib.suppress(BaseException):
            await self.comm.wait(TIMEOUT)
        self.comm = None

    def exchange(self, frame: str | bytes) -> str:
        """Send one frame; return the text of the answer, after proving the connection lives.

        Fails when the connection closes, when nothing answers, or when anything but a
        ``pong`` answers the ``ping`` sent right after the frame (in-order dispatch puts every
        frame the input caused before it).
        """
        comm = self.open()
        self.exchanges += 1

        async def talk() -> str:
            if isinstance(frame, bytes):
                await comm.send_bytes(frame)
            else:
                await comm.send_text(frame)
            answer = await comm.receive_frame()
            assert answer["type"] == "websocket.send", (
                f"bad input closed the connection: {answer!r} after {frame!r}"
            )
            text = answer.get("text")
            assert isinstance(text, str), f"expected a text frame, got {answer!r}"
            if self.completion:
                assert await comm.receive_json() == COMPLETE, f"no complete after {text!r}"
            await comm.send_text(PING)
            after = await comm.receive_json()
            assert after == PONG, f"after {frame!r} and its answer {text!r}, ping got {after!r}"
            if self.completion:
                assert await comm.receive_json() == COMPLETE, "no complete after the pong"
            return text

        return self.run(talk)

    def close(self) -> None:
        """Disconnect cleanly; the consumer must end without an error."""
        if self.comm is not None:
            comm = self.comm

            async def disconnect() -> None:
                assert not comm.finished, "the connection ended on its own"
                await comm.disconnect()

            self.run(disconnect)
            self.comm = None


def assert_no_unexpected_errors(entries: Log) -> None:
    """Only the ``boom`` handler's own failure may be logged as an error."""
    for entry in entries:
        if entry.get("log_level") not in ("error", "critical", "exception"):
            continue
        assert entry.get("event") == "chanx.handler.error", entry
        assert entry.get("action") == "boom", entry


# ---------------------------------------------------------------------------- the properties
class FuzzReceiveSuite:
    """The properties; an adapter's ``Test...`` subclass implements :meth:`communicator`."""

    def communicator(self, key_style: str) -> WebsocketCommunicator:
        """Return an unconnected communicator to the consumer of ``key_style``."""
        raise NotImplementedError

    @pytest.fixture
    def connection(self, request: pytest.FixtureRequest) -> Iterator[Connection]:
        """A connection to the consumer of the key style the test is parametrized with."""
        key_style = str(request.param)
        with asyncio.Runner() as runner:
            conn = Connection(
                runner, lambda: self.communicator(key_style), completion=key_style == "camelCase"
            )
            yield conn
            conn.close()

    @pytest.fixture
    def server_log(self) -> Iterator[Log]:
        """Every structlog entry written during the test."""
        with capture_logs() as entries:
            yield entries

    def run_all(self, check: Callable[[], None], connection: Connection, log: Log) -> None:
        """Run a property's examples; all of them must pass on the one connection."""
        check()
        assert connection.exchanges >= FUZZ.max_examples
        assert connection.opened == 1
        assert_no_unexpected_errors(log)

    @KEY_STYLES
    def test_binary_frames_get_the_binary_error_and_the_connection_goes_on(
        self, connection: Connection, server_log: Log
    ) -> None:
        """Any binary frame, even one holding a valid message, gets the binary-frame error."""

        @FUZZ
        @given(st.binary(max_size=256) | valid_messages.map(lambda m: json.dumps(m).encode()))
        @example(b"")
        @example(PING.encode())
        def check(frame: bytes) -> None:
            assert check_answer(frame, connection.exchange(frame)) == BINARY_ERROR

        self.run_all(check, connection, server_log)

    @KEY_STYLES
    def test_arbitrary_text_gets_a_documented_answer(
        self, connection: Connection, server_log: Log
    ) -> None:
        """Any text frame, JSON or not, gets a reply or an error of a documented shape."""

        @FUZZ
        @given(text_frames)
        @example("")
        @example(" ")
        @example("{")
        @example("null")
        @example(CANARY)
        @example("\ufeff" + PING)
        @example("[" * 100_000 + "]" * 100_000)
        @example("1" * 5000)
        def check(frame: str) -> None:
            check_answer(frame, connection.exchange(frame))

        self.run_all(check, connection, server_log)

    @KEY_STYLES
    def test_arbitrary_json_values_get_a_documented_answer(
        self, connection: Connection, server_log: Log
    ) -> None:
        """Any JSON value gets a reply or an error of a documented shape, never the input back."""

        @FUZZ
        @given(json_values, st.booleans())
        @example(CANARY, True)
        @example({"action": CANARY}, False)
        @example({"payload": CANARY}, False)
        @example([{"action": "ping"}], False)
        @example({"action": "ping", "payload": float("nan")}, False)
        def check(value: Any, ascii_only: bool) -> None:
            frame = dump(value, ascii_only)
            answer = check_answer(frame, connection.exchange(frame))
            if not isinstance(value, dict):
                assert answer["action"] == "error", answer
                assert isinstance(answer["payload"], dict), answer

        self.run_all(check, connection, server_log)

    @KEY_STYLES
    def test_near_valid_messages_get_a_documented_answer(
        self, connection: Connection, server_log: Log
    ) -> None:
        """Mutated valid messages (types, keys, actions, numbers, nesting) get a documented answer."""

        def chat(**line: Any) -> str:
            return json.dumps({"action": "chat", "payload": {"text": "hi", **line}})

        @FUZZ
        @given(near_valid_frames())
        @example(chat(text=CANARY, reply_to=CANARY))
        @example(chat(replyTo=2**64))
        @example(chat(counts={"k": CANARY}))
        @example(chat(ident=CANARY))
        @example(chat(sent_at=CANARY))
        @example(chat(text="x" * 201))
        @example('{"action": "chat", "payload": {"text": ' + "[" * 300 + "]" * 300 + "}}")
        @example(json.dumps({"action": "boom", "payload": CANARY}))
        @example(chat(text="\ud83d"))
        @example(chat(tags=["\ud83d"]))
        def check(frame: str) -> None:
            check_answer(frame, connection.exchange(frame))

        self.run_all(check, connection, server_log)

    @KEY_STYLES
    def test_a_lone_surrogate_escape_is_refused_in_both_key_styles(
        self, connection: Connection
    ) -> None:
        r"""A lone surrogate (``"\ud83d"``, valid JSON but no Unicode) gets an error, not an echo.

        Echoed, it would be a reply no real server can send (they encode text frames as UTF-8)
        and no Redis layer can serialise. camelCase consumers once decoded with Python's
        ``json``, which accepts it; both key styles now refuse it as Invalid JSON.
        """
        frame = json.dumps({"action": "chat", "payload": {"text": "hi", "tags": ["\ud83d"]}})
        answer = check_answer(frame, connection.exchange(frame))
        assert answer == {"action": "error", "payload": {"detail": "Invalid JSON"}}
