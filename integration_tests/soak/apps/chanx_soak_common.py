"""What the soak servers share: the messages, the token check and the live figures they report.

Imported by bare name by ``chanx_soak_app`` (FastAPI) and ``chanx_soak_django`` (Django), which
are served from this folder.
"""

from __future__ import annotations

import asyncio
import collections
import gc
import json
import os
import weakref
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any, Literal

from pydantic import BaseModel, Field

from chanx.core import ChanxWebsocketMixin
from chanx.core._hub import hub_for
from chanx.core.decorators import event_handler, ws_handler
from chanx.core.layers import ChannelLayer
from chanx.messages import BaseMessage, PingMessage, PongMessage

LOBBY = "soak-lobby"
"""The group every authenticated connection joins."""
STATS_PATH = "/_soak/stats"
"""The HTTP path of the server's live figures."""
SLOW_AUTH_SECONDS = 0.05
"""How long a ``slow-`` token takes to check, so a client can vanish while it is checked."""

_PAGE = os.sysconf("SC_PAGE_SIZE")


def user_group(user: str) -> str:
    """Return the private group of one user's connections, joined after authentication."""
    return f"soak-user-{user}"


async def check_token(token: str) -> str | None:
    """Return the user a token names, or None (refused with 4401) for an unknown token.

    ``user-<name>`` is accepted at once, ``slow-user-<name>`` after :data:`SLOW_AUTH_SECONDS`.
    """
    if token.startswith("slow-"):
        await asyncio.sleep(SLOW_AUTH_SECONDS)
        token = token.removeprefix("slow-")
    if token.startswith("user-") and token[5:].isalnum():
        return token[5:]
    return None


class Line(BaseModel):
    """A line tagged with its sender's id, so the sender can pick its own out of a broadcast."""

    id: str = Field(max_length=64)


class ShoutMessage(BaseMessage):
    """Broadcast a line to the lobby."""

    action: Literal["shout"] = "shout"
    payload: Line


class HeardMessage(BaseMessage):
    """A line someone in the lobby shouted."""

    action: Literal["heard"] = "heard"
    payload: Line


class NudgeMessage(BaseMessage):
    """Send an event to every connection of the sender's user."""

    action: Literal["nudge"] = "nudge"
    payload: Line


class NudgeEvent(BaseMessage):
    """The server-side event a nudge sends."""

    action: Literal["nudge_event"] = "nudge_event"
    payload: Line


class NudgedMessage(BaseMessage):
    """What each connection of the user receives for a nudge."""

    action: Literal["nudged"] = "nudged"
    payload: Line


class Work(BaseModel):
    """How long the handler works before it answers."""

    id: str = Field(max_length=64)
    seconds: float = Field(ge=0, le=5)


class WorkMessage(BaseMessage):
    """Run a handler that sleeps, so a client can vanish in the middle of it."""

    action: Literal["work"] = "work"
    payload: Work


class WorkDoneMessage(BaseMessage):
    """The slow handler's answer."""

    action: Literal["work_done"] = "work_done"
    payload: Line


def _task_name(task: asyncio.Task[Any]) -> str:
    coro = task.get_coro()
    return str(getattr(coro, "__qualname__", None) or task.get_name())


def _layer_figures(layer: Any) -> dict[str, Any]:
    """The layer's own bookkeeping that grows with connections (in-memory groups, buffers)."""
    figures: dict[str, Any] = {"type": type(layer).__name__}
    groups = getattr(layer, "groups", None)
    if isinstance(groups, dict):
        figures["groups"] = {name: len(members) for name, members in groups.items()}
    channels = getattr(layer, "channels", None)
    if isinstance(channels, dict):
        figures["channels"] = len(channels)
    buffers = getattr(layer, "receive_buffer", None)
    if isinstance(buffers, dict):
        # fast-channels' and channels_redis' Redis layers: a queue per channel being read.
        figures["receive_buffer"] = len(buffers)
        figures["receive_buffer_messages"] = sum(queue.qsize() for queue in buffers.values())
    return figures


def live_figures(layer: ChannelLayer, consumers: Iterable[object]) -> dict[str, Any]:
    """Collect the process's figures after a full garbage collection.

    Args:
        layer: The channel layer the consumers use.
        consumers: The consumer instances still alive (a weak set).

    Returns:
        RSS in bytes, the asyncio tasks (count and by coroutine), the group hub's
        local members and layer channels, the layer's own figures and the live consumers.
    """
    gc.collect()
    with open("/proc/self/statm", encoding="ascii") as statm:
        rss = int(statm.read().split()[1]) * _PAGE
    current = asyncio.current_task()
    tasks = [task for task in asyncio.all_tasks() if task is not current]
    hub = hub_for(layer)
    return {
        "pid": os.getpid(),
        "rss": rss,
        "tasks": len(tasks),
        "task_names": dict(collections.Counter(_task_name(task) for task in tasks)),
        "hub_groups": {group: len(members) for group, members in hub.groups.items()},
        "hub_channels": len(hub.channels),
        "layer": _layer_figures(layer),
        "consumers": sum(1 for _ in consumers),
    }


LIVE_CONSUMERS: weakref.WeakSet[object] = weakref.WeakSet()
"""Every consumer instance not yet garbage-collected; the consumers add themselves."""

Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


async def stats_app(
    layer: Callable[[], ChannelLayer], scope: dict[str, Any], receive: Receive, send: Send
) -> None:
    """A bare ASGI HTTP app answering :data:`STATS_PATH` with :func:`live_figures` as JSON.

    Args:
        layer: Returns the channel layer the consumers use.
        scope: The ASGI scope.
        receive: The ASGI ``receive``.
        send: The ASGI ``send``.
    """
    if scope["path"] != STATS_PATH:
        status, body = 404, b'{"detail": "Not Found"}'
    else:
        status, body = 200, json.dumps(live_figures(layer(), LIVE_CONSUMERS)).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class SoakHandlers(ChanxWebsocketMixin[NudgeEvent]):
    """The soak consumer's behaviour, put in front of either adapter's consumer class.

    Each authenticated connection is in the lobby and in its user's group; it answers ping,
    relays shouts to the lobby, sends nudge events to its user's group and runs a slow handler.
    """

    groups = [LOBBY]

    async def websocket_connect(self, message: Mapping[str, Any]) -> None:
        """Count the instance among the live ones, then connect as usual."""
        LIVE_CONSUMERS.add(self)
        await super().websocket_connect(message)

    async def post_authentication(self) -> None:
        """Join the user's own group, which appears and disappears as its users come and go."""
        await self.join_group(user_group(str(self.user)))

    @ws_handler
    async def handle_ping(self, message: PingMessage) -> PongMessage:
        return PongMessage()

    @ws_handler(output_type=HeardMessage)
    async def handle_shout(self, message: ShoutMessage) -> None:
        await self.broadcast_message(HeardMessage(payload=message.payload), groups=[LOBBY])

    @ws_handler(output_type=NudgedMessage)
    async def handle_nudge(self, message: NudgeMessage) -> None:
        event = NudgeEvent(payload=message.payload)
        await type(self).broadcast_event(event, groups=[user_group(str(self.user))])

    @event_handler
    async def handle_nudge_event(self, event: NudgeEvent) -> NudgedMessage:
        return NudgedMessage(payload=event.payload)

    @ws_handler
    async def handle_work(self, message: WorkMessage) -> WorkDoneMessage:
        await asyncio.sleep(message.payload.seconds)
        return WorkDoneMessage(payload=Line(id=message.payload.id))
