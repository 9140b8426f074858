"""A minimal WebSocket "framework" for the core's tests: no Django, no fast-channels.

It does what the adapters' framework base classes do, in as few lines as possible: run the
ASGI WebSocket loop, read the connection's channel-layer queue, dispatch ``{"type": "a.b"}``
messages to ``a_b`` methods, and provide ``accept`` / ``close`` / ``send``. Its channel layer
is an in-memory one with the ASGI channel-layer API.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, ClassVar

from chanx.core.layers import ChannelLayer
from chanx.core.websocket import ChanxWebsocketMixin, ReceiveEvent

ASGIApp = Callable[[dict[str, Any], Any, Any], Awaitable[None]]


class StopConsumer(Exception):  # noqa: N818 - stands in for Channels' StopConsumer
    """Raised by websocket_disconnect to end the connection's loop."""


class MemoryLayer:
    """An in-memory channel layer with the ASGI channel-layer API."""

    def __init__(self) -> None:
        self.queues: defaultdict[str, asyncio.Queue[dict[str, Any]]] = defaultdict(asyncio.Queue)
        self.groups: defaultdict[str, set[str]] = defaultdict(set)
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self._ids = itertools.count()
        self._loop: asyncio.AbstractEventLoop | None = None

    async def new_channel(self, prefix: str = "specific.") -> str:
        self._loop = asyncio.get_running_loop()
        return f"{prefix}{next(self._ids)}"

    async def send(self, channel: str, message: dict[str, Any]) -> None:
        self.sent.append((channel, message))
        loop = self._loop
        if loop is not None and loop is not asyncio.get_running_loop():
            # async_to_sync from a worker thread runs its own loop; asyncio queues are not
            # thread-safe, so hand the message to the loop that reads the channels.
            loop.call_soon_threadsafe(self._deliver, channel, dict(message))
            return
        await self.queues[channel].put(dict(message))

    def _deliver(self, channel: str, message: dict[str, Any]) -> None:
        self.queues[channel].put_nowait(message)

    async def receive(self, channel: str) -> dict[str, Any]:
        return await self.queues[channel].get()

    async def group_add(self, group: str, channel: str) -> None:
        self.groups[group].add(channel)

    async def group_discard(self, group: str, channel: str) -> None:
        self.groups[group].discard(channel)
        if not self.groups[group]:
            del self.groups[group]

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        for channel in sorted(self.groups.get(group, ())):
            await self.send(channel, message)

    def members(self) -> dict[str, set[str]]:
        return {group: set(channels) for group, channels in self.groups.items() if channels}


class HostFramework:
    """The framework half of a consumer: what Channels' or fast-channels' base class does."""

    channel_layer_alias: ClassVar[str | None] = "default"
    layers: ClassVar[dict[str, ChannelLayer]] = {}
    project_settings: ClassVar[dict[str, Any]] = {}
    disconnect_codes: list[int]

    scope: dict[str, Any]
    channel_layer: ChannelLayer | None
    channel_name: str
    groups: list[str]

    def __init__(self) -> None:
        self.disconnect_codes = []

    @classmethod
    def as_asgi(cls) -> ASGIApp:
        async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
            await cls()(scope, receive, send)

        return app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        self.scope = scope
        self.base_send = send
        alias = type(self).channel_layer_alias
        self.channel_layer = type(self).layers.get(alias) if alias else None
        sources: list[Callable[[], Awaitable[dict[str, Any]]]] = [receive]
        if self.channel_layer is not None:
            self.channel_name = await self.channel_layer.new_channel()
            layer, name = self.channel_layer, self.channel_name
            sources.append(lambda: layer.receive(name))
        tasks = [asyncio.ensure_future(source()) for source in sources]
        try:
            while True:
                await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
                for index, task in enumerate(tasks):
                    if task.done():
                        message = task.result()
                        tasks[index] = asyncio.ensure_future(sources[index]())
                        await self.dispatch(message)
        except StopConsumer:
            pass
        finally:
            for task in tasks:
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task

    async def dispatch(self, message: Mapping[str, Any]) -> None:
        handler = getattr(self, str(message["type"]).replace(".", "_"), None)
        if handler is None:
            msg = f"no handler for {message['type']}"
            raise ValueError(msg)
        await handler(message)

    async def accept(self, subprotocol: str | None = None) -> None:
        await self.base_send({"type": "websocket.accept", "subprotocol": subprotocol})

    async def close(self, code: int | None = None) -> None:
        await self.base_send({"type": "websocket.close", "code": code or 1000})

    async def send(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if text_data is not None:
            await self.base_send({"type": "websocket.send", "text": text_data})
        else:
            await self.base_send({"type": "websocket.send", "bytes": bytes_data})

    async def websocket_disconnect(self, message: Mapping[str, Any]) -> None:
        if self.channel_layer is not None:
            for group in self.groups:
                await self.channel_layer.group_discard(group, self.channel_name)
        await self.disconnect(int(message.get("code", 1000)))
        raise StopConsumer

    async def disconnect(self, code: int) -> None:
        self.disconnect_codes.append(code)


class HostConsumer(ChanxWebsocketMixin[ReceiveEvent], HostFramework):
    """The consumer base class the core's tests subclass, like an adapter's."""

    @classmethod
    def chanx_channel_layer(cls, alias: str | None) -> ChannelLayer | None:
        return cls.layers.get(alias) if alias else None

    @classmethod
    def chanx_project_settings(cls) -> Mapping[str, Any]:
        return cls.project_settings
