"""The bad-input matrix both adapters run against a real server: one case table, one driver.

In every case three clients share a room on the consumer of :mod:`chanx_bad_input_consumer`:
the *bad* one sends the bad input, a *talker* keeps shouting (each shout a broadcast to the
room) and pinging throughout, and a *listener* records what it hears. Whatever the bad input:

- the bad client gets exactly the documented answer, an error frame or a close code, and
  unless the case closes it, still answers a ping afterwards;
- the talker's shouts reach the listener, the talker and (while connected) the bad client
  exactly once each, in order, and every ping of the talker gets its pong;
- no frame to anyone carries :data:`SECRET` or a traceback;
- the server logs no crashed connection, and once the clients are gone it runs no more
  asyncio tasks than before the case (no handler or connection was left hanging).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlencode

from chanx_bad_input_bench import (
    AUTH_OK,
    PONG,
    WAIT,
    Bench,
    Traffic,
    Url,
    server_tasks,
    settled,
    signed_in,
)
from chanx_bad_input_consumer import (
    FLOOD_LIMIT,
    FORBIDDEN,
    HANG_SECONDS,
    IDLE,
    IDLE_SECONDS,
    LIMITED,
    MAIN,
    MAX_BYTES,
    SECRET,
    TICK_LIMIT,
    TOKEN,
)
from chanx_redis_faults import Client, Frame, close_all
from websockets.exceptions import ConnectionClosed

from chanx.core import RateLimit

CASE_SECONDS = 15.0
"""The most one case may take."""
ACTIONS = "boom, check, echo, guarded, hang, ping, shout, stats, tick"
"""What the consumer's error frames list as expected actions."""
CRASHES = ("Traceback", "Exception inside application", "Exception in ASGI application")
"""What a server logs when something escaped a handler or a connection crashed."""


def error(detail: Any, **extra: Any) -> Frame:
    """An ``error`` frame: a detail (and extra fields), or a list of validation errors."""
    if isinstance(detail, str):
        return {"action": "error", "payload": {"detail": detail, **extra}}
    return {"action": "error", "payload": detail}


def invalid(*items: tuple[str, list[Any], str]) -> Frame:
    """A validation ``error`` frame listing ``(type, loc, msg)`` items."""
    return error([{"type": kind, "loc": loc, "msg": msg} for kind, loc, msg in items])


def rate_limited(limit: RateLimit, action: str | None = None) -> Frame:
    """The 429 ``error`` frame of a rate limit (a handler's own when ``action`` is given)."""
    where = f"rate_limit of {action}" if action else "rate_limit"
    return error(f"Rate limit exceeded: {limit.describe()} ({where})", status_code=429)


Act = Callable[[Bench], Awaitable[None]]


@dataclasses.dataclass(frozen=True)
class Case:
    """One kind of bad input and what must answer it.

    Args:
        name: The test id.
        act: Sends the bad input from ``bench.bad`` and checks its answers.
        route: The route the bad client connects to.
        token: The bad client's credential (``""`` sends none).
        closes_with: The close codes the case may end the bad client's connection with;
            empty when it must stay open and answer a ping afterwards.
        logged: A text the server's log must show after the case (a handler's traceback).
        tracebacks: Whether the server may log a traceback (a handler's, the server's own).
    """

    name: str
    act: Act
    route: str = MAIN
    token: str = TOKEN
    closes_with: tuple[int, ...] = ()
    logged: str | None = None
    tracebacks: bool = False


def answered(name: str, frame: str | bytes, *expected: Frame, **options: Any) -> Case:
    """A case where one frame gets exactly the ``expected`` answers (``options``: the Case's)."""

    async def act(bench: Bench) -> None:
        assert await bench.exchange([frame], len(expected)) == list(expected)

    return Case(name, act, **options)


def shout(text: str, **options: Any) -> str:
    """A valid ``shout`` frame: the room would hear ``text`` if a handler ran it."""
    return json.dumps({"action": "shout", "payload": text}, **options)


async def stats(bench: Bench) -> dict[str, Any]:
    """The bad client's counters, as its connection reports them."""
    (reply,) = await bench.exchange([json.dumps({"action": "stats"})], 1)
    assert reply["action"] == "stats_reply", reply
    payload: dict[str, Any] = reply["payload"]
    return payload


async def flood(bench: Bench, frames: int) -> int:
    """Send up to ``frames`` pings as fast as possible; return how many left before a close."""
    ping = json.dumps({"action": "ping"})
    for sent in range(frames):
        try:
            await bench.bad.ws.send(ping)
        except ConnectionClosed:
            return sent
    return frames


async def rate_limited_then_served(bench: Bench) -> None:
    """Frames past the burst get 429 frames naming the limit; the connection stays open."""
    frames = FLOOD_LIMIT.burst + 10
    since = len(bench.bad.frames)
    assert await flood(bench, frames) == frames
    await bench.bad.wait_for(lambda: len(bench.answers(since)) >= frames, "every answer")
    answers = bench.answers(since)
    refused = answers.count(rate_limited(FLOOD_LIMIT))
    assert answers.count(PONG) + refused == frames, answers
    assert answers[: FLOOD_LIMIT.burst - 1] == [PONG] * (FLOOD_LIMIT.burst - 1), answers
    assert refused >= 5, answers
    await asyncio.sleep(5 / FLOOD_LIMIT.rate)  # tokens for the pings that follow


async def flood_closed(bench: Bench) -> None:
    """A sustained flood gets 429 frames, then the 4429 close; at most the burst ran."""
    since = len(bench.bad.frames)
    started = time.monotonic()
    await flood(bench, 2000)
    await bench.closed()
    answers = bench.answers(since)
    refused = answers.count(rate_limited(FLOOD_LIMIT))
    pongs = answers.count(PONG)
    assert pongs + refused == len(answers), answers
    assert FLOOD_LIMIT.close_after is not None
    assert FLOOD_LIMIT.close_after <= refused <= FLOOD_LIMIT.close_after + 5, answers
    allowed = FLOOD_LIMIT.burst + FLOOD_LIMIT.rate * (time.monotonic() - started)
    assert FLOOD_LIMIT.burst - 1 <= pongs <= allowed, (pongs, allowed)


async def handler_rate_limited(bench: Bench) -> None:
    """A handler's own limit refuses its frames past the burst, naming the handler."""
    tick = json.dumps({"action": "tick"})
    tock: Frame = {"action": "reply", "payload": "tock"}
    refused = rate_limited(TICK_LIMIT, "tick")
    assert await bench.exchange([tick] * 4, 4) == [tock, tock, refused, refused]
    assert (await stats(bench))["ticks"] == 2


async def permission_denied(bench: Bench) -> None:
    """A refused frame gets the 403 frame and its handler never runs; an allowed one runs."""
    denied = error("Permission denied for guarded", status_code=403)
    guarded = json.dumps({"action": "guarded", "payload": FORBIDDEN})
    assert await bench.exchange([guarded], 1) == [denied]
    assert (await stats(bench))["guarded"] == 0
    allowed = json.dumps({"action": "guarded", "payload": "fine"})
    assert await bench.exchange([allowed], 1) == [{"action": "reply", "payload": "guarded fine"}]
    assert (await stats(bench))["guarded"] == 1


async def handler_hangs(bench: Bench) -> None:
    """A handler past its timeout is cancelled and answered with the timeout frame."""
    started = time.monotonic()
    hang = json.dumps({"action": "hang"})
    assert await bench.exchange([hang], 1) == [error("Timed out processing message for hang")]
    assert HANG_SECONDS * 0.9 <= time.monotonic() - started < HANG_SECONDS + 2.0


async def idle_closed(bench: Bench) -> None:
    """A client that sends nothing is closed with 4408, broadcasts to it notwithstanding."""
    await bench.bad.ping()
    since = len(bench.bad.frames)
    started = time.monotonic()
    await bench.closed()
    assert time.monotonic() - started >= IDLE_SECONDS * 0.8
    assert bench.answers(since) == []


def refused(name: str, token: str, detail: str) -> Case:
    """A connection without a valid token: the 401 frame, then 4401; nothing it sent ran."""

    async def act(bench: Bench) -> None:
        with contextlib.suppress(ConnectionClosed):
            await bench.bad.ws.send(shout(f"intruder {SECRET}"))
            await bench.bad.ws.send(json.dumps({"action": "boom"}))
        await bench.closed()
        status = {"status_code": 401, "status_text": detail, "data": None}
        assert bench.bad.frames == [{"action": "authentication", "payload": status}]
        assert "chanx.handler" not in bench.log()

    return Case(name, act, token=token, closes_with=(4401,))


async def invalid_utf8(bench: Bench) -> None:
    """A text frame that is not UTF-8 fails the connection (RFC 6455: 1007, or a drop)."""
    await bench.bad.ws.send(b'{"action": "ping", "payload": "\xff"}', text=True)
    await bench.closed()


TOO_LARGE = error(f"Message too large: the limit is {MAX_BYTES} bytes (max_message_size)")
NOT_AN_OBJECT = error("The message must be a JSON object")

CASES = [
    answered("invalid-json", "{not json " + SECRET, error("Invalid JSON")),
    answered("not-an-object", json.dumps([SECRET]), NOT_AN_OBJECT),
    answered("json-string", json.dumps(SECRET), NOT_AN_OBJECT),
    answered(
        "binary-frame",
        SECRET.encode(),
        error("Binary frames are not supported; send JSON text"),
    ),
    answered(
        "missing-action",
        json.dumps({"payload": SECRET}),
        invalid(
            (
                "union_tag_not_found",
                ["action"],
                f"The message has no action; expected one of: {ACTIONS}",
            )
        ),
    ),
    answered(
        "unknown-action",
        json.dumps({"action": SECRET, "payload": SECRET}),
        invalid(("union_tag_invalid", ["action"], f"Unknown action; expected one of: {ACTIONS}")),
    ),
    answered(
        "field-errors",
        json.dumps({"action": "echo", "payload": {"text": SECRET * 20, "count": SECRET}}),
        invalid(
            ("string_too_long", ["payload", "text"], "String should have at most 100 characters"),
            (
                "int_parsing",
                ["payload", "count"],
                "Input should be a valid integer, unable to parse string as an integer",
            ),
        ),
    ),
    answered(
        "validator-texts",
        json.dumps({"action": "check", "payload": {"code": SECRET, "note": SECRET}}),
        invalid(
            ("value_error", ["payload", "code"], "Value error"),
            ("assertion_error", ["payload", "note"], "Assertion failed"),
        ),
    ),
    # The JSON escape of a lone surrogate: no valid text holds one.
    answered("lone-surrogate", shout("\ud800" + SECRET), error("Invalid JSON")),
    answered("too-large", shout(SECRET * (MAX_BYTES // len(SECRET))), TOO_LARGE),
    # Fewer characters than the limit, more UTF-8 bytes: measured in bytes, never parsed.
    answered(
        "too-large-in-bytes", shout("\u20ac" * (MAX_BYTES // 3), ensure_ascii=False), TOO_LARGE
    ),
    answered(
        "deeply-nested",
        '{"action": "shout", "payload": ' + "[" * 1800 + "]" * 1800 + "}",
        error("Invalid JSON"),
    ),
    Case("rate-limited", rate_limited_then_served, route=LIMITED),
    Case("flood-closed", flood_closed, route=LIMITED, closes_with=(4429,)),
    Case("handler-rate-limited", handler_rate_limited),
    Case("permission-denied", permission_denied),
    answered(
        "handler-raises",
        json.dumps({"action": "boom"}),
        error("Failed to process message for boom"),
        logged=SECRET,  # the traceback goes to the log, and only there
        tracebacks=True,
    ),
    Case("handler-hangs", handler_hangs),
    Case("idle", idle_closed, route=IDLE, closes_with=(4408,)),
    refused("wrong-token", "wrong-" + TOKEN, "Invalid credentials."),
    refused("no-token", "", "Authentication credentials were not provided."),
    Case("invalid-utf8", invalid_utf8, closes_with=(1006, 1007), tracebacks=True),
]
"""Every kind of bad input, and what answers it."""


# --------------------------------------------------------------------------- the driver


async def drive(case: Case, bench: Bench) -> None:
    """Run the case's act amid the talker's traffic, then check everyone's frames."""
    bad, talker, listener = bench.bad, bench.talker, bench.listener
    for client in (listener, talker):
        await signed_in(client)
    if case.token == TOKEN:
        await signed_in(bad)
    traffic = Traffic(talker)
    try:
        await traffic.flowing()
        await case.act(bench)
        if case.closes_with:
            assert await bench.closed() in case.closes_with, bad.describe()
        else:
            since = len(bad.frames)
            await bad.ping()
            assert bench.answers(since) == [PONG], bad.describe()
        expected = [*await traffic.finish(), "end"]
    finally:
        traffic.cancel()
    await talker.send("shout", "end")
    for member in (listener, talker) if case.closes_with else (listener, talker, bad):
        await member.expect("heard", "end")
        assert member.actions("heard") == expected, member.describe()
    heard = bad.actions("heard")
    assert heard == expected[: len(heard)], bad.describe()  # in order, nothing lost
    await talker.wait_for(lambda: len(talker.actions("pong")) > traffic.pings, "every pong")
    for client, pongs in ((talker, traffic.pings + 1), (listener, 1)):
        others = [frame for frame in client.frames if frame["action"] != "heard"]
        assert others == [AUTH_OK] + [PONG] * pongs, client.describe()
    for client in (bad, talker, listener):
        text = json.dumps(client.frames)
        assert SECRET not in text, client.describe()
        assert "Traceback" not in text, client.describe()


async def run_case(case: Case, url: Url, output: Callable[[], str]) -> None:
    """Run one case against a running server (see the module's docstring for what it proves).

    Args:
        case: The case.
        url: Turns a path with its query string into the server's ws:// URL.
        output: Reads everything the server has logged so far.
    """
    async with asyncio.timeout(CASE_SECONDS):
        since = len(output())
        before = await server_tasks(url)
        room = f"{case.name}-{uuid.uuid4().hex[:8]}"

        def where(route: str, token: str) -> str:
            query = {"room": room, "token": token} if token else {"room": room}
            return url(f"{route}?{urlencode(query)}")

        listener = await Client.open("listener", where(MAIN, TOKEN))
        talker = await Client.open("talker", where(MAIN, TOKEN))
        bad = await Client.open("bad", where(case.route, case.token))
        try:
            await drive(case, Bench(bad, talker, listener, lambda: output()[since:]))
        finally:
            await close_all([bad, talker, listener])
        await settled(url, before)
        deadline = time.monotonic() + WAIT
        while case.logged is not None and case.logged not in output()[since:]:
            assert time.monotonic() < deadline, f"{case.logged!r} not in the server's log"
            await asyncio.sleep(0.05)
        new = output()[since:]
        for word in CRASHES[1:] if case.tracebacks else CRASHES:
            assert word not in new, f"{word!r} in the server's log:\n{new}"
