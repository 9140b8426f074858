"""The Chanx consumer on fast-channels: the engine in front of fast-channels' JSON consumer."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any, cast

from fast_channels.consumer.base import get_handler_name
from fast_channels.consumer.websocket import (
    AsyncJsonWebsocketConsumer as FastChannelsJsonConsumer,
)
from fast_channels.exceptions import StopConsumer
from fast_channels.layers import BaseChannelLayer, get_channel_layer
from fast_channels.type_defs import ASGIReceiveCallable, ASGISendCallable, ChannelHeaders

from chanx.core import ChanxWebsocketMixin, ReceiveEvent
from chanx.core.layers import ChannelLayer
from chanx.ext.fast_channels._logging import logger
from chanx.ext.fast_channels._loop import (
    remember_serving_loop,
    run_on_serving_loop,
    serving_loop_elsewhere,
)


class ConsumerApp:
    """The ASGI application of a consumer class: one consumer instance per connection.

    Starlette routes it as an ASGI app (it is not a function). ``consumer_class`` and
    ``consumer_initkwargs`` are what route discovery and tools read, as in fast-channels.

    Args:
        consumer_class: The consumer class.
        initkwargs: Keyword arguments for each instance's ``__init__``.
    """

    def __init__(self, consumer_class: type[Any], initkwargs: dict[str, Any]) -> None:
        self.consumer_class = consumer_class
        self.consumer_initkwargs = initkwargs
        self.__name__ = consumer_class.__name__
        self.__qualname__ = consumer_class.__qualname__
        self.__doc__ = consumer_class.__doc__

    # Any, not fast-channels' aliases: routers type receive/send each their own way, and
    # this must be assignable to all of them (Starlette's ASGIApp, for one).
    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.consumer_class(**self.consumer_initkwargs)(scope, receive, send)

    def __repr__(self) -> str:
        return f"<ConsumerApp {self.consumer_class.__module__}.{self.__qualname__}>"


class AsyncJsonWebsocketConsumer(ChanxWebsocketMixin[ReceiveEvent], FastChannelsJsonConsumer):
    """The consumer base class for FastAPI, Starlette and any ASGI app.

    Subclass it, declare ``@ws_handler`` and ``@event_handler`` methods, and route
    ``YourConsumer.as_asgi()`` (see :func:`chanx.ext.fast_channels.routing.websocket_route`).
    Unlike fast-channels' own classes it uses the channel layer registered as ``"default"``
    unless :attr:`channel_layer_alias` says otherwise.

    Beyond fast-channels' behaviour: every close carries an integer code; a connection whose
    loop ends without a disconnect (an exception, a cancelled task) still leaves its groups and
    stops its handlers; a channel-layer message of an unknown type, or a layer handler that
    raises, is logged instead of ending the connection; and a send to a client that is already
    gone is dropped, so the coming disconnect still cleans up.
    """

    channel_layer_alias: str | None = "default"
    """The alias of the registered channel layer this consumer uses; None for no layer."""
    # fast-channels' layer type, not the core's Protocol: its messages are typed as Mapping
    # where the Protocol says dict, so neither type is a subtype of the other.
    channel_layer: BaseChannelLayer | None  # type: ignore[assignment]

    # ------------------------------------------------------------------ framework hooks
    @classmethod
    def chanx_channel_layer(cls, alias: str | None) -> ChannelLayer | None:
        """Return fast-channels' layer registered under ``alias``, or None."""
        # fast-channels' layers type their messages as Mapping; the core's Protocol says dict.
        return cast(ChannelLayer | None, get_channel_layer(alias) if alias else None)

    # ------------------------------------------------------------------ the ASGI loop
    @classmethod
    def as_asgi(cls, **initkwargs: Any) -> ConsumerApp:
        """Return the ASGI application that serves this consumer, one instance per connection.

        fast-channels 1.1 drops ``initkwargs``; here they reach each instance's ``__init__``.

        Args:
            **initkwargs: Keyword arguments for the consumer's ``__init__``.

        Returns:
            The application, to route with ``websocket_route`` or any ASGI router.
        """
        return ConsumerApp(cls, initkwargs)

    async def __call__(
        self,
        scope: Any,
        receive: ASGIReceiveCallable,
        send: ASGISendCallable,
    ) -> None:
        """Serve one connection; release everything it holds however the loop ends.

        It sets the connection up as fast-channels does (scope, layer, channel name, send),
        then runs the engine's loop, which reads the client without a task per message.
        """
        remember_serving_loop()
        await self.chanx_run(scope, receive, send, StopConsumer)

    async def dispatch(self, message: Mapping[str, Any]) -> None:
        """Run the handler of a client event or channel-layer message.

        Client events (``websocket.*``) behave as in fast-channels. A layer message whose type
        has no handler, or whose handler raises, is logged and the connection goes on.
        """
        kind = str(message.get("type", ""))
        if kind == "websocket.receive":
            await self.websocket_receive(message)
            return
        try:
            name = get_handler_name(message)
        except ValueError:
            name = ""
        if not name or getattr(self, name, None) is None:
            logger.error("chanx.layer.unknown_message", consumer=type(self).__qualname__, type=kind)
            return
        if kind.startswith("websocket."):
            await super().dispatch(message)
            return
        try:
            await super().dispatch(message)
        except (StopConsumer, asyncio.CancelledError):
            raise
        except Exception:
            logger.exception(
                "chanx.layer.handler_error", consumer=type(self).__qualname__, type=kind
            )

    # ------------------------------------------------------------------ sending
    async def accept(
        self, subprotocol: str | None = None, headers: ChannelHeaders | None = None
    ) -> None:
        """Accept the connection, with a subprotocol and extra headers if given."""
        await FastChannelsJsonConsumer.accept(self, subprotocol, headers)

    async def send(  # type: ignore[override]
        self,
        text_data: str | None = None,
        bytes_data: bytes | None = None,
        close: bool = False,
    ) -> None:
        """Send a text or binary frame, then close with 1000 when ``close`` is true."""
        await FastChannelsJsonConsumer.send(self, text_data, bytes_data, False)
        if close:
            await self.close()

    async def close(self, code: int | bool | None = None, reason: str | None = None) -> None:
        """Close the connection with ``code`` (1000 unless an int is given).

        fast-channels sends ``code=True`` for ``close(True)``, which servers reject; this
        always sends an integer.
        """
        number = 1000 if code is None or isinstance(code, bool) else code
        await FastChannelsJsonConsumer.close(self, number, reason)

    # ------------------------------------------------------------------ missing layer
    @classmethod
    def chanx_layer_missing_hint(cls) -> str:
        """Tell a fast-channels user how to give this consumer a channel layer."""
        alias = cls.channel_layer_alias or "default"
        return (
            f"call fast_channels.layers.register_channel_layer({alias!r}, layer) at startup "
            f"and set channel_layer_alias = {alias!r} on the consumer"
        )

    # ------------------------------------------------------------------ sync helpers
    @classmethod
    def send_event_sync(cls, event: ReceiveEvent, channel_name: str) -> None:
        """:meth:`send_event` for synchronous code: endpoints, thread pools, scripts.

        From a thread other than the one serving connections, the call runs on the serving
        loop (so the in-memory layer works from a FastAPI ``def`` endpoint); elsewhere it runs
        through ``async_to_sync`` as in the core.
        """
        loop = serving_loop_elsewhere()
        if loop is None:
            super().send_event_sync(event, channel_name)
        else:
            run_on_serving_loop(loop, cls.send_event(event, channel_name))

    @classmethod
    def broadcast_event_sync(cls, event: ReceiveEvent, groups: Sequence[str] | None = None) -> None:
        """:meth:`broadcast_event` for synchronous code: endpoints, thread pools, scripts.

        Runs on the serving loop from other threads, like :meth:`send_event_sync`.
        """
        loop = serving_loop_elsewhere()
        if loop is None:
            super().broadcast_event_sync(event, groups)
        else:
            run_on_serving_loop(loop, cls.broadcast_event(event, groups))
