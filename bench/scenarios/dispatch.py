"""Scenario ``dispatch``: the in-process CPU cost of one client frame and its reply.

Each contender handles the same ``chat`` frame (about 100 bytes of text, a nested author and a
few fields) with a consumer of ten handlers and sends back a ``chat_reply``. There is no server
and no socket: each consumer is built, given what a connected consumer has (``scope``,
``channel_layer``, ``channel_name``, ``base_send``), connected through its framework's
``dispatch``, and then fed ``{"type": "websocket.receive", "text": frame}`` through the same
``dispatch`` a server's receive loop calls. ``base_send`` is a coroutine that records the frame
and sets an event; every message is awaited until its reply arrived, so a hop to another task
would be counted.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, TypeAdapter

from bench._harness import Contender, Result, Runner, Sample, measure, scenario_json, timed
from bench.scenarios._messages import (
    ChatHandlers,
    ChatMessage,
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
)
from chanx.messages import BaseMessage

NAME = "dispatch"
SUMMARY = (
    "CPU per message, in process, for one `chat` frame (~100-byte text, nested author) "
    "through a consumer of 10 handlers, answered by a `chat_reply`."
)
CHANX_213_SCRIPT = Path(__file__).with_name("dispatch_chanx213.py")


# ---------------------------------------------------------------------------- messages
INCOMING: tuple[type[BaseMessage], ...] = (
    ChatMessage,
    JoinMessage,
    LeaveMessage,
    HistoryMessage,
    TypingMessage,
    EditMessage,
    DeleteMessage,
    ReactMessage,
    ReadMessage,
    PresenceMessage,
)


# ---------------------------------------------------------------------------- the fake wire
class Wire:
    """The server's side of one fake connection: counts what the consumer sends."""

    def __init__(self) -> None:
        self.replied = asyncio.Event()
        self.frames = 0
        self.last: Mapping[str, Any] = {}

    async def send(self, message: Mapping[str, Any]) -> None:
        """Receive an ASGI message from the consumer; a text frame sets :attr:`replied`."""
        self.last = message
        if message["type"] == "websocket.send":
            self.frames += 1
            self.replied.set()


SCOPE: dict[str, Any] = {
    "type": "websocket",
    "path": "/ws/chat",
    "raw_path": b"/ws/chat",
    "query_string": b"",
    "headers": [(b"host", b"127.0.0.1"), (b"origin", b"http://127.0.0.1")],
    "client": ("127.0.0.1", 50000),
    "server": ("127.0.0.1", 8000),
    "subprotocols": [],
    "url_route": {"args": (), "kwargs": {}},
    "path_params": {},
}


def frame_runner(dispatch: Callable[[Mapping[str, Any]], Awaitable[None]], wire: Wire) -> Runner:
    """Return a runner that feeds the chat frame to ``dispatch`` and waits for each reply."""
    replied = wire.replied
    checked = False

    async def handle() -> None:
        replied.clear()
        await dispatch({"type": "websocket.receive", "text": CHAT_FRAME})
        await replied.wait()

    async def run(messages: int) -> Sample:
        nonlocal checked
        if not checked:
            # Once, before any round: a contender that answers wrongly measures nothing useful.
            await handle()
            reply = json.loads(wire.last["text"])
            if reply["action"] != "chat_reply" or reply["payload"]["text"] != TEXT:
                msg = f"unexpected reply to the chat frame: {wire.last}"
                raise RuntimeError(msg)
            checked = True
        return await timed(handle, messages)

    return run


async def connect(consumer: Any, wire: Wire, dispatch: Callable[..., Awaitable[None]]) -> None:
    """Give ``consumer`` what a connected one has and complete its connect handshake."""
    consumer.scope = dict(SCOPE)
    consumer.channel_layer = None
    consumer.channel_name = "bench.inmemory!1"
    consumer.base_send = wire.send
    await dispatch({"type": "websocket.connect"})
    if wire.last.get("type") != "websocket.accept":
        msg = f"{type(consumer).__qualname__} did not accept the connection: {wire.last}"
        raise RuntimeError(msg)


# ---------------------------------------------------------------------------- contenders
def baseline(parse: Literal["validate_json", "json.loads"]) -> Contender:
    """The hand-written floor: validate, look the handler up by type, reply, await the send."""
    annotated: Any = Annotated[tuple_union(INCOMING), Field(discriminator="action")]
    union: TypeAdapter[BaseMessage] = TypeAdapter(annotated)
    handlers = ChatHandlers()
    table: dict[type[BaseMessage], Callable[[Any], Awaitable[BaseMessage | None]]] = {
        ChatMessage: handlers.handle_chat,
        JoinMessage: handlers.handle_join,
        LeaveMessage: handlers.handle_leave,
        HistoryMessage: handlers.handle_history,
        TypingMessage: handlers.handle_typing,
        EditMessage: handlers.handle_edit,
        DeleteMessage: handlers.handle_delete,
        ReactMessage: handlers.handle_react,
        ReadMessage: handlers.handle_read,
        PresenceMessage: handlers.handle_presence,
    }
    wire = Wire()
    send = wire.send
    loads = json.loads
    validate_json, validate_python = union.validate_json, union.validate_python

    async def dispatch(event: Mapping[str, Any]) -> None:
        text = event["text"]
        message = validate_json(text) if parse == "validate_json" else validate_python(loads(text))
        reply = await table[type(message)](message)
        if reply is not None:
            await send({"type": "websocket.send", "text": reply.model_dump_json()})

    if parse == "validate_json":
        name = "baseline: hand-written loop"
        how = "`TypeAdapter(discriminated union).validate_json(frame)`"
    else:
        name = "baseline: json.loads variant"
        how = "`json.loads(frame)` + `TypeAdapter(discriminated union).validate_python(...)`"
    return Contender(
        name,
        f"{how}, dict lookup by type, `reply.model_dump_json()`, awaited fake send.",
        frame_runner(dispatch, wire),
    )


def tuple_union(members: tuple[type[BaseMessage], ...]) -> Any:
    """Return ``members[0] | members[1] | ...`` as one union type."""
    union: Any = members[0]
    for member in members[1:]:
        union = union | member
    return union


async def fast_channels_contender() -> tuple[Contender, Any]:
    """Chanx's consumer on fast-channels, fed through its ``dispatch``."""
    from chanx.ext.fast_channels.websocket import AsyncJsonWebsocketConsumer

    class FastChannelsChat(ChatHandlers, AsyncJsonWebsocketConsumer):
        channel_layer_alias = None

    consumer = FastChannelsChat()
    wire = Wire()
    await connect(consumer, wire, consumer.dispatch)
    return (
        Contender(
            "Chanx on fast-channels",
            "`chanx.ext.fast_channels.websocket.AsyncJsonWebsocketConsumer`, "
            "`consumer.dispatch(websocket.receive)`.",
            frame_runner(consumer.dispatch, wire),
        ),
        consumer,
    )


def configure_django() -> None:
    """Configure a minimal Django in this process (no database is ever opened)."""
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(
            INSTALLED_APPS=["chanx.ext.channels"],
            DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
            CHANNEL_LAYERS={},
            SECRET_KEY="bench",
            USE_TZ=True,
        )
        django.setup()


async def django_contenders() -> tuple[list[Contender], list[Any]]:
    """Chanx's consumer on Django Channels: Chanx's ``dispatch``, and Channels' stock one."""
    configure_django()
    from channels.consumer import AsyncConsumer

    from chanx.ext.channels.websocket import AsyncJsonWebsocketConsumer

    class ChannelsChat(ChatHandlers, AsyncJsonWebsocketConsumer):
        pass

    chanx_consumer, chanx_wire = ChannelsChat(), Wire()
    await connect(chanx_consumer, chanx_wire, chanx_consumer.dispatch)
    stock_consumer, stock_wire = ChannelsChat(), Wire()

    async def stock_dispatch(message: Mapping[str, Any]) -> None:
        await AsyncConsumer.dispatch(stock_consumer, message)

    await connect(stock_consumer, stock_wire, stock_dispatch)
    return (
        [
            Contender(
                "Chanx on Django Channels",
                "`chanx.ext.channels.websocket.AsyncJsonWebsocketConsumer`, "
                "`consumer.dispatch(websocket.receive)` (skips the per-message "
                "`aclose_old_connections()` thread hop).",
                frame_runner(chanx_consumer.dispatch, chanx_wire),
            ),
            Contender(
                "Chanx on Django Channels, stock dispatch",
                "the same consumer dispatched by `channels.consumer.AsyncConsumer.dispatch`, "
                "which awaits `aclose_old_connections()` (a worker-thread hop) per message: "
                "the figure before the override.",
                frame_runner(stock_dispatch, stock_wire),
            ),
        ],
        [chanx_consumer, stock_consumer],
    )


def chanx213_contender(python: Path) -> Contender:
    """The released chanx 2.13.0, run in its own virtualenv, one subprocess per round."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME"}}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    found: dict[str, str] = {}

    async def run(messages: int) -> Sample:
        process = await asyncio.create_subprocess_exec(
            str(python),
            str(CHANX_213_SCRIPT),
            str(messages),
            stdout=asyncio.subprocess.PIPE,
            env=env,
        )
        out, _ = await process.communicate()
        if process.returncode != 0:
            msg = f"{CHANX_213_SCRIPT.name} failed with exit code {process.returncode}"
            raise RuntimeError(msg)
        data = json.loads(out)
        found.update(data["versions"])
        return Sample(data["cpu_seconds"], data["wall_seconds"], data["messages"])

    return Contender(
        "chanx 2.13.0 (PyPI) on fast-channels",
        "the released `chanx.fast_channels.websocket.AsyncJsonWebsocketConsumer` in "
        f"`{python.parent.parent.name}`, same messages and handlers, "
        "`send_message_immediately = False` as today's default; measured inside its own process "
        "(one per round, its own warm-up).",
        run,
        found,
    )


async def run(rounds: int, messages: int, chanx213_python: Path | None) -> dict[str, Any]:
    """Measure every contender of the scenario and return its JSON-ready report.

    Args:
        rounds: Measured rounds per contender.
        messages: Messages per round.
        chanx213_python: The interpreter of a virtualenv with ``chanx==2.13.0`` installed, or
            None to leave that contender out.

    Returns:
        The scenario's data (see :func:`bench._harness.scenario_json`).
    """
    contenders = [baseline("validate_json"), baseline("json.loads")]
    consumers: list[Any] = []
    fast, consumer = await fast_channels_contender()
    contenders.append(fast)
    consumers.append(consumer)
    django, django_consumers = await django_contenders()
    contenders += django
    consumers += django_consumers
    skipped: list[str] = []
    if chanx213_python is None:
        skipped.append(
            "chanx 2.13.0 from PyPI: no `--chanx213-python` given (`nox -s bench` sets it)"
        )
    else:
        contenders.append(chanx213_contender(chanx213_python))
    try:
        results: list[Result] = await measure(contenders, rounds, messages)
    finally:
        for consumer in consumers:
            await consumer.chanx_teardown()
    return scenario_json(NAME, SUMMARY, results, skipped, rounds, messages)
