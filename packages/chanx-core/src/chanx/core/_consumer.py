"""The engine: one connection's lifecycle and the handling of its frames.

:class:`ChanxWebsocketMixin` sits in front of a framework's WebSocket consumer class (Channels'
or fast-channels'), which provides ``scope``, ``accept``, ``close``, ``send``,
``channel_layer`` and ``channel_name`` (see :class:`~chanx.core._consumer_base.ConsumerBase`),
and the ASGI methods ``websocket_connect`` / ``websocket_receive`` / ``websocket_disconnect``
that the mixin overrides. Both frameworks dispatch channel-layer messages
``{"type": "chanx.broadcast"}`` and ``{"type": "chanx.event"}`` to the methods of the same names
with ``_`` for ``.`` (:mod:`chanx.core._groups`, :mod:`chanx.core._events`).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
from collections.abc import Collection, Mapping
from typing import Any, ClassVar

from pydantic import ValidationError
from structlog.contextvars import bind_contextvars, reset_contextvars

from chanx.core._auth import AuthenticationFailed, AuthResult, BaseAuthenticator, close_code_for
from chanx.core._config import ConsumerConfig
from chanx.core._consumer_base import ReceiveEvent
from chanx.core._dispatch import Dispatcher
from chanx.core._events import EVENT_TYPE, EventsMixin
from chanx.core._groups import BROADCAST_TYPE, GroupsMixin
from chanx.core._handlers import collect_handlers
from chanx.core._handshake import Handshake
from chanx.core._hub import layer_messages
from chanx.core._logging import logger, new_message_id
from chanx.core._outbox import SLOW_CLIENT_CLOSE_CODE, Outbox, OverflowPolicy
from chanx.core._wire import (
    BINARY_FRAME,
    COMPLETE_FRAME,
    INVALID_JSON_FRAME,
    NO_HANDLERS_FRAME,
    NOT_AN_OBJECT_FRAME,
    validation_error_frame,
)
from chanx.messages import AuthenticationMessage, AuthenticationPayload

LAYER_MISSING_CLOSE_CODE = 1011
"""Close code when a consumer that needs a channel layer has none (server misconfiguration)."""


class ChanxWebsocketMixin(GroupsMixin[ReceiveEvent], EventsMixin[ReceiveEvent]):
    """Typed routing, replies, groups, events and authentication for a WebSocket consumer.

    Put it first in the bases of a framework consumer class; the adapters' consumer classes
    (``chanx.ext.channels.websocket.AsyncJsonWebsocketConsumer`` and
    ``chanx.ext.fast_channels.websocket.AsyncJsonWebsocketConsumer``) do exactly that, and are
    what applications subclass.

    Every setting below is a class attribute; ``None`` means "the project's value, else Chanx's
    default" (see :data:`chanx.core.settings.DEFAULTS`).
    """

    camelize: ClassVar[bool | None] = None
    """camelCase keys on the wire, snake_case in Python (default False)."""
    send_completion: ClassVar[bool | None] = None
    """Send ``complete`` / ``group_complete`` / ``event_complete`` frames (default False)."""
    send_message_immediately: ClassVar[bool | None] = None
    """Yield to the event loop after each send (default False)."""
    send_authentication_message: ClassVar[bool | None] = None
    """Send the ``authentication`` frame when an authenticator is set (default True)."""
    log_websocket_message: ClassVar[bool | None] = None
    """Log every frame received and sent (default False)."""
    log_ignored_actions: ClassVar[Collection[str] | None] = None
    """Actions never logged, in either direction (default none)."""
    max_concurrent_handlers: ClassVar[int | None] = None
    """1 handles frames one at a time in order (default); more allows that many at once."""
    max_pending_messages: ClassVar[int | None] = None
    """Frames and events that may wait for a handler before reading pauses (default 32)."""
    max_outbound_messages: ClassVar[int | None] = None
    """Frames that may wait for a client slow to read before ``outbound_overflow`` (512)."""
    outbound_overflow: ClassVar[OverflowPolicy | None] = None
    """``"close"`` a slow client with code 1013 (default) or ``"drop_oldest"`` waiting frame."""
    handler_timeout: ClassVar[float | None] = None
    """Seconds a handler may run before it is cancelled with an error frame (default: no limit)."""
    authenticator_class: ClassVar[type[BaseAuthenticator] | None] = None
    """Runs before anything else for each connection; None lets every connection in."""

    user: Any
    """The authenticated user (None without an authenticator)."""
    obj: Any
    """The object the authenticator loaded for this connection, if any."""
    handshake: Handshake
    """The connection's handshake: query string, headers, cookies, path parameters."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._chanx_handlers = collect_handlers(cls)

    # ------------------------------------------------------------------ lifecycle
    async def websocket_connect(self, message: Mapping[str, Any]) -> None:
        """Accept, authenticate, join groups, then run :meth:`post_authentication`."""
        cls = type(self)
        config = self._chanx_config = cls.chanx_config()
        self._chanx_route_table = cls.chanx_routes()
        self.groups = list(getattr(cls, "groups", None) or ())
        self.user = None
        self.obj = None
        self.handshake = handshake = Handshake(self.scope)
        self._chanx_outbox = Outbox(
            self._chanx_write,
            config.max_outbound_messages,
            config.outbound_overflow,
            self._chanx_give_up_on_client,
            cls.__qualname__,
        )
        # Each connection runs in its own task, so this binds for this connection only: its
        # handlers and Chanx's own log lines carry it. Disconnect restores the previous
        # values; nothing of the application's is ever cleared.
        self._chanx_log_tokens = bind_contextvars(consumer=cls.__qualname__, path=handshake.path)
        authenticator = cls.authenticator_class(handshake) if cls.authenticator_class else None
        subprotocol = authenticator.select_subprotocol() if authenticator is not None else None
        await self.accept(subprotocol)
        if authenticator is not None:
            result = await self._chanx_authenticate(authenticator)
            if config.send_authentication_message:
                await self.send_message(
                    AuthenticationMessage(
                        payload=AuthenticationPayload(
                            status_code=result.status_code,
                            status_text=result.status_text,
                            data=result.data,
                        )
                    )
                )
            if not result.ok:
                await self.close(close_code_for(result.status_code))
                return
            self.user, self.obj = result.user, result.obj
        if self.groups:
            if self.channel_layer is None:
                self._chanx_log_layer_missing()
                await self.close(LAYER_MISSING_CLOSE_CODE)
                return
            hub = self._chanx_group_hub()
            for group in self.groups:
                await hub.join(group, self)
        dispatcher = Dispatcher(
            config.max_concurrent_handlers,
            config.max_pending_messages,
            contextvars.copy_context(),
        )
        self._chanx_dispatcher = dispatcher
        # A server that cancels the connection's task (shutdown, or a connection stuck on a
        # full queue) never calls websocket_disconnect; its handlers must not outlive it.
        task = asyncio.current_task()
        if task is not None:
            task.add_done_callback(dispatcher.cancel_running)
        self._chanx_ready = True
        await self.post_authentication()

    async def chanx_run(
        self, scope: Any, receive: Any, send: Any, stop: type[BaseException]
    ) -> None:
        """Serve one connection: adapters call it from their ``__call__``.

        It sets the connection up as Channels and fast-channels do (``scope``, the channel
        layer of :meth:`chanx_layer_alias`, a channel name and its ``channel_receive``,
        ``base_send``), runs :meth:`chanx_serve`, and releases what the connection holds however
        the loop ends (:meth:`chanx_connection_ended`).

        Args:
            scope: The ASGI scope.
            receive: The ASGI ``receive`` callable.
            send: The ASGI ``send`` callable.
            stop: The framework's ``StopConsumer``.
        """
        cls = type(self)
        self.scope = scope
        layer = self.channel_layer = cls.chanx_channel_layer(cls.chanx_layer_alias())
        if layer is not None:
            self.channel_name = await layer.new_channel()
            self.channel_receive = functools.partial(layer.receive, self.channel_name)
        self.base_send = send
        try:
            await self.chanx_serve(receive, stop)
        finally:
            await self.chanx_connection_ended()

    async def chanx_serve(self, receive: Any, stop: type[BaseException]) -> None:
        """Run the connection's loop: adapters call it from ``__call__`` instead of the framework's.

        Client events are read and handled in this task, one after another, with no task and
        no ``asyncio.wait`` per event (the frameworks' own loops create both for every
        message). The connection's own layer channel, if it has a layer, is read by one task of
        its own, whose messages go through the same in-order dispatcher as the client's frames.

        Args:
            receive: The ASGI ``receive`` callable.
            stop: The framework's ``StopConsumer``: raised by ``websocket_disconnect`` (or a
                layer handler) to end the loop cleanly.
        """
        owner = asyncio.current_task()
        layer = self.channel_layer
        reader = None
        if layer is not None and owner is not None:
            reader = asyncio.get_running_loop().create_task(
                self._chanx_read_channel(layer, self.channel_name, stop, owner)
            )
        try:
            while True:
                message = await receive()
                if message["type"] == "websocket.receive":
                    await self.websocket_receive(message)
                else:
                    await self.dispatch(message)
        except stop:
            return
        except asyncio.CancelledError:
            if self._chanx_stop_requested and owner is not None and owner.uncancel() == 0:
                return  # the channel reader ended the loop (see _chanx_read_channel)
            raise
        finally:
            if reader is not None:
                reader.cancel()

    async def _chanx_read_channel(
        self, layer: Any, channel: str, stop: type[BaseException], owner: asyncio.Task[Any]
    ) -> None:
        # A failed read (Redis restarting, redis-py's read timeout) must not end the reading
        # for good: layer_messages retries with backoff, as the group hub does.
        name = type(self).__qualname__
        async for message in layer_messages(layer, channel, "chanx.layer", consumer=name):
            kind = message.get("type")
            try:
                dispatcher = self._chanx_dispatcher
                if kind == BROADCAST_TYPE:
                    await self.chanx_broadcast(message)
                elif kind == EVENT_TYPE:
                    await self.chanx_event(message)
                elif dispatcher is not None:
                    # In order with the client's frames, as in the framework's own loop.
                    await dispatcher.submit(self._chanx_dispatch, message)
                else:
                    await self.dispatch(message)
            except stop:
                self._chanx_stop_requested = True
                owner.cancel()
                return
            except Exception:
                logger.exception("chanx.layer.handler_error", consumer=name, type=kind)

    async def post_authentication(self) -> None:
        """Run once per connection after authentication and group joins; override it."""

    async def _chanx_authenticate(self, authenticator: BaseAuthenticator) -> AuthResult:
        try:
            return await authenticator.authenticate()
        except AuthenticationFailed as exc:
            return AuthResult(status_code=exc.status_code, status_text=exc.detail)
        except Exception:
            logger.exception(
                "chanx.authentication.error",
                consumer=type(self).__qualname__,
                path=self.scope.get("path"),
            )
            return AuthResult(status_code=500, status_text="Internal Server Error")

    async def websocket_receive(self, message: Mapping[str, Any]) -> None:
        """Hand a client frame to the connection's dispatcher."""
        if not self._chanx_ready:
            return  # not authenticated (yet, or ever): nothing runs
        dispatcher = self._chanx_dispatcher
        assert dispatcher is not None  # set with _chanx_ready
        text = message.get("text")
        if text is None:
            # Through the dispatcher like any frame, so its error keeps the client's order.
            await dispatcher.submit(self._chanx_refuse_binary, None)
            return
        await dispatcher.submit(self._chanx_handle_frame, text)

    def chanx_hub_deliver(self, message: Mapping[str, Any]) -> None:
        """Take a broadcast or event the group hub delivered for one of this connection's groups.

        It never waits: a broadcast goes to the outbox; an event, or a message of the
        application's own type (handled by the method its ``type`` names, as in Channels), goes
        to the handler queue.
        """
        if not self._chanx_ready:
            return
        kind = message.get("type")
        if kind == BROADCAST_TYPE:
            self._chanx_push_broadcast(message)
        elif kind == EVENT_TYPE:
            self._chanx_offer_event(message)
        else:
            dispatcher = self._chanx_dispatcher
            if dispatcher is not None and not dispatcher.offer(self._chanx_dispatch, message):
                logger.warning(
                    "chanx.layer.message_dropped",
                    consumer=type(self).__qualname__,
                    type=kind,
                    detail="the connection's queue of pending messages is full",
                )

    async def _chanx_dispatch(self, message: Mapping[str, Any]) -> None:
        await self.dispatch(message)

    def _chanx_give_up_on_client(self) -> None:
        """Close a client that stopped reading while its outbound frames piled up."""
        self._chanx_closing = asyncio.get_running_loop().create_task(
            self._chanx_close_quietly(SLOW_CLIENT_CLOSE_CODE)
        )

    async def _chanx_close_quietly(self, code: int) -> None:
        try:
            await self.close(code)
        except Exception:  # the client may be gone already; its disconnect cleans up
            logger.info("chanx.websocket.close_failed", consumer=type(self).__qualname__)

    async def websocket_disconnect(self, message: Mapping[str, Any]) -> None:
        """Cancel running handlers, leave the groups, then let the framework stop."""
        self._chanx_disconnected = True
        try:
            await self.chanx_teardown()
        finally:
            parent: Any = super()
            await parent.websocket_disconnect(message)

    async def chanx_connection_ended(self) -> None:
        """Release what the connection holds once its loop has ended, however it ended.

        Adapters call it from their ``__call__``'s ``finally``. After a ``websocket_disconnect``
        there is nothing left to do; otherwise (an exception, a cancellation, a client that
        vanished mid-send) this runs :meth:`chanx_teardown`.
        """
        if not self._chanx_disconnected:
            await self.chanx_teardown()

    async def chanx_teardown(self) -> None:
        """Release what this connection holds; safe to call more than once.

        ``websocket_disconnect`` calls it, and :meth:`chanx_connection_ended` when the
        connection's loop ends without a disconnect (an exception, a cancelled task, a client
        that vanished mid-send), so no handler task, queued frame, group membership or context
        variable outlives the connection.
        """
        self._chanx_ready = False
        dispatcher = self._chanx_dispatcher
        self._chanx_dispatcher = None
        outbox = self._chanx_outbox
        if outbox is not None:
            outbox.close()
        try:
            if dispatcher is not None:
                await dispatcher.close()
        finally:
            tokens = self.__dict__.pop("_chanx_log_tokens", None)
            if tokens:
                # Only the connection's own task can restore them; from anywhere else there
                # is nothing of this connection's to restore.
                with contextlib.suppress(ValueError):
                    reset_contextvars(**tokens)
            hub = self._chanx_hub
            groups = self.__dict__.get("groups") or ()
            if hub is not None:
                for group in list(groups):
                    await hub.leave(group, self)

    # ------------------------------------------------------------------ client frames
    async def _chanx_refuse_binary(self, _: object) -> None:
        await self._chanx_send_text(BINARY_FRAME)
        await self._chanx_complete(self._chanx_config)

    async def _chanx_handle_frame(self, text: str) -> None:
        config = self._chanx_config
        routes = self._chanx_route_table
        union = routes.ws_union
        if union is None:
            await self._chanx_send_text(NO_HANDLERS_FRAME)
            await self._chanx_complete(config)
            return
        try:
            message = routes.parse_camel(text) if config.camelize else union.parse_json(text)
        except ValidationError as exc:
            await self._chanx_send_text(validation_error_frame(exc, union, config.camelize))
            await self._chanx_complete(config)
            return
        except ValueError:
            await self._chanx_send_text(INVALID_JSON_FRAME)
            await self._chanx_complete(config)
            return
        except TypeError:
            await self._chanx_send_text(NOT_AN_OBJECT_FRAME)
            await self._chanx_complete(config)
            return
        action = message.action
        if config.log_websocket_message and action not in config.log_ignored_actions:
            message_id = new_message_id()
            # bind/reset rather than the bound_contextvars context manager: the same effect
            # without a generator per frame.
            tokens = bind_contextvars(action=action, message_id=message_id)
            try:
                # Named here too: a processor chain without merge_contextvars (capture_logs,
                # for one) would otherwise drop them from the very entry they identify.
                logger.info(
                    "chanx.websocket.receive", action=action, message_id=message_id, message=text
                )
                await self._chanx_run(routes.ws_routes[type(message)], message, action)
            finally:
                reset_contextvars(**tokens)
        else:
            await self._chanx_run(routes.ws_routes[type(message)], message, action)
        await self._chanx_complete(config)

    async def _chanx_complete(self, config: ConsumerConfig) -> None:
        if config.send_completion:
            await self._chanx_send_text(COMPLETE_FRAME)
