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
import math
import time
from collections.abc import Collection, Mapping
from typing import Any, ClassVar

from pydantic import ValidationError
from pydantic_core import from_json
from structlog.contextvars import bind_contextvars, reset_contextvars

from chanx.core._auth import AuthenticationFailed, AuthResult, BaseAuthenticator, close_code_for
from chanx.core._codes import (
    IDLE_CLOSE_CODE,
    LAYER_MISSING_CLOSE_CODE,
    RATE_LIMIT_CLOSE_CODE,
    SETUP_FAILED_CLOSE_CODE,
    SLOW_CLIENT_CLOSE_CODE,
)
from chanx.core._config import ConsumerConfig
from chanx.core._consumer_base import ReceiveEvent
from chanx.core._dispatch import Dispatcher
from chanx.core._events import EVENT_TYPE, EventsMixin
from chanx.core._groups import BROADCAST_TYPE, GroupsMixin, group_names
from chanx.core._guards import Guard
from chanx.core._handlers import HandlerFunction, collect_handlers
from chanx.core._handshake import Handshake
from chanx.core._hub import layer_messages
from chanx.core._limits import RateLimit, TokenBucket
from chanx.core._logging import logger, new_message_id
from chanx.core._outbox import Outbox, OverflowPolicy
from chanx.core._routes import NotAnObjectError
from chanx.core._wire import (
    BINARY_FRAME,
    COMPLETE_FRAME,
    INVALID_JSON_FRAME,
    NO_HANDLERS_FRAME,
    NOT_AN_OBJECT_FRAME,
    PING_FRAME,
    PONG_FRAME,
    VALIDATOR_FAILED_FRAME,
    handler_failed_frame,
    message_too_large_frame,
    permission_denied_frame,
    rate_limited_frame,
    validation_error_frame,
)
from chanx.messages import ACTION_PING, AuthenticationMessage, AuthenticationPayload, BaseMessage

__all__ = ["LAYER_MISSING_CLOSE_CODE", "ChanxWebsocketMixin"]

FRAMES_PER_TURN = 16
"""Client frames a connection handles before it yields to the event loop once."""

CLOSE_SECONDS = 5.0
"""How long Chanx waits for the server to take a close before it releases the connection's
groups and queue anyway (a server may hold the close behind data a client never reads)."""


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
    max_message_size: ClassVar[int | None] = None
    """The largest client frame in UTF-8 bytes; larger ones get an error frame (1 MiB)."""
    rate_limit: ClassVar[RateLimit | None] = None
    """Frames per second a connection may send, as a token bucket (default: no limit)."""
    idle_timeout: ClassVar[float | None] = None
    """Seconds without a client frame before closing with 4408 (default: no limit)."""
    heartbeat_interval: ClassVar[float | None] = None
    """Seconds between ``ping`` frames the server sends (default: none)."""
    authentication_timeout: ClassVar[float | None] = None
    """Seconds the authenticator may take before the connection is refused with 4408 (10)."""
    authenticator_class: ClassVar[type[BaseAuthenticator] | None] = None
    """Runs before anything else for each connection; None lets every connection in."""

    user: Any
    """The authenticated user (None without an authenticator)."""
    obj: Any
    """The object the authenticator loaded for this connection, if any."""
    handshake: Handshake
    """The connection's handshake: query string, headers, cookies, path parameters."""

    authenticator: BaseAuthenticator | None
    """The connection's authenticator instance, after it ran (None without one)."""

    _chanx_bucket: TokenBucket | None = None
    _chanx_handler_buckets: dict[Guard, TokenBucket] | None = None
    _chanx_watcher: asyncio.Task[None] | None = None
    _chanx_pending_close: asyncio.Future[None] | None = None
    _chanx_watching: bool = False
    _chanx_last_seen: float = 0.0
    _chanx_size_floor: float = math.inf
    _chanx_heartbeat: frozenset[str] = frozenset()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._chanx_handlers = handlers = collect_handlers(cls)
        # A permission this consumer cannot check fails here, not on some client's frame.
        for spec in handlers:
            for permission in spec.permissions:
                cls.chanx_permission_check(permission)

    # ------------------------------------------------------------------ lifecycle
    async def websocket_connect(self, message: Mapping[str, Any]) -> None:
        """Accept, authenticate, join groups, then run :meth:`post_authentication`."""
        cls = type(self)
        config = self._chanx_config = cls.chanx_config()
        self._chanx_route_table = cls.chanx_routes()
        self.groups = list(group_names(None, getattr(cls, "groups", None) or ()))
        self.user = None
        self.obj = None
        self.authenticator = None
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
        self.authenticator = authenticator
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
            try:
                for group in self.groups:
                    await hub.join(group, self)
            except Exception:
                await self._chanx_setup_failed("joining the groups")
                return
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
        self._chanx_arm_limits(config)
        self._chanx_ready = True
        try:
            await self.post_authentication()
        except Exception:
            await self._chanx_setup_failed("post_authentication")

    async def _chanx_setup_failed(self, step: str) -> None:
        """Log why a connection could not be set up and close it with 1011."""
        logger.exception(
            "chanx.connect.failed",
            step=step,
            groups=list(self.groups),
            detail="the connection is closed with 1011; the client sees no traceback",
        )
        await self.close(SETUP_FAILED_CLOSE_CODE)

    def _chanx_arm_limits(self, config: ConsumerConfig) -> None:
        now = time.monotonic()
        if config.rate_limit is not None:
            self._chanx_bucket = TokenBucket(config.rate_limit, now)
        if config.max_message_size is not None:
            # A text of n characters is n to 4n UTF-8 bytes: only texts longer than a quarter
            # of the limit are measured.
            self._chanx_size_floor = config.max_message_size / 4
        if config.watches_activity:
            self._chanx_watching = True
            self._chanx_last_seen = now
            self._chanx_heartbeat = self._chanx_route_table.heartbeat_actions
            self._chanx_watcher = asyncio.get_running_loop().create_task(
                self._chanx_watch(config), name="chanx-heartbeat"
            )

    async def _chanx_watch(self, config: ConsumerConfig) -> None:
        """Close an idle connection with 4408 and send the heartbeat's ``ping`` frames."""
        idle = config.idle_timeout
        beat = config.heartbeat_interval
        next_beat = time.monotonic() + beat if beat is not None else math.inf
        while True:
            now = time.monotonic()
            deadline = self._chanx_last_seen + idle if idle is not None else math.inf
            if now >= deadline:
                logger.info(
                    "chanx.websocket.idle_closed", consumer=type(self).__qualname__, timeout=idle
                )
                self._chanx_ready = False
                await self._chanx_close_quietly(IDLE_CLOSE_CODE)
                return
            if beat is not None and now >= next_beat:
                outbox = self._chanx_outbox
                if outbox is not None:
                    outbox.push(PING_FRAME)
                next_beat = now + beat
            await asyncio.sleep(min(deadline, next_beat) - now)

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
        handled = 0
        try:
            while True:
                message = await receive()
                if message["type"] == "websocket.receive":
                    await self.websocket_receive(message)
                    handled += 1
                    if handled == FRAMES_PER_TURN:
                        # A server hands over every frame of one socket read without
                        # suspending, and refused frames or handlers that never await do not
                        # suspend either: let the other connections run now and then.
                        handled = 0
                        await asyncio.sleep(0)
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
        seconds = self._chanx_config.authentication_timeout
        try:
            async with asyncio.timeout(seconds):
                return await authenticator.authenticate()
        except TimeoutError:
            logger.warning(
                "chanx.authentication.timeout",
                consumer=type(self).__qualname__,
                path=self.scope.get("path"),
                timeout=seconds,
            )
            return AuthResult(status_code=408, status_text="Authentication timed out")
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
        if self._chanx_watching:
            self._chanx_last_seen = time.monotonic()
        bucket = self._chanx_bucket
        if bucket is not None and not bucket.take(time.monotonic()):
            await self._chanx_over_limit(bucket, None)
            return
        text = message.get("text")
        # Refusals go through the dispatcher like any frame, so they keep the client's order.
        if text is None:
            await dispatcher.submit(self._chanx_refuse, BINARY_FRAME)
            return
        if len(text) > self._chanx_size_floor:
            limit = self._chanx_config.max_message_size
            assert limit is not None  # the floor is finite only with a limit
            if len(text) > limit or len(text.encode("utf-8", "surrogatepass")) > limit:
                logger.info(
                    "chanx.websocket.message_too_large",
                    consumer=type(self).__qualname__,
                    limit=limit,
                    characters=len(text),
                )
                await dispatcher.submit(self._chanx_refuse, message_too_large_frame(limit))
                return
        await dispatcher.submit(self._chanx_handle_frame, text)

    async def _chanx_over_limit(self, bucket: TokenBucket, action: str | None) -> None:
        """Refuse a frame over a rate limit; close the connection once it is abuse."""
        if bucket.strike(time.monotonic()):
            logger.warning(
                "chanx.websocket.rate_limit_closed",
                consumer=type(self).__qualname__,
                action=action,
                limit=bucket.limit.describe(),
            )
            self._chanx_ready = False
            await self._chanx_close_quietly(RATE_LIMIT_CLOSE_CODE)
            return
        frame = rate_limited_frame(bucket.limit.describe(), action, self._chanx_config.camelize)
        if action is not None:
            await self._chanx_send_text(frame)  # already in the dispatcher's order
            return
        dispatcher = self._chanx_dispatcher
        if dispatcher is not None:
            await dispatcher.submit(self._chanx_refuse, frame)

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
        closing = asyncio.ensure_future(self.close(code))
        try:
            done, _ = await asyncio.wait({closing}, timeout=CLOSE_SECONDS)
        except asyncio.CancelledError:
            closing.cancel()
            raise
        if not done:
            # Some servers (uvicorn's default protocol) hold every send, the close included,
            # until a client that stopped reading drains its buffer, which it may never do.
            # The close stays on its way (a client that reads again still gets its code), but
            # what the connection holds for others is released now: its groups and its queue.
            logger.info(
                "chanx.websocket.close_timed_out", consumer=type(self).__qualname__, code=code
            )
            self._chanx_pending_close = closing
            closing.add_done_callback(_retrieve)
            self._chanx_ready = False
            outbox = self._chanx_outbox
            if outbox is not None:
                outbox.close()
            await self._chanx_leave_groups()
            return
        try:
            closing.result()
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
        watcher = self._chanx_watcher
        if watcher is not None:
            self._chanx_watcher = None
            # The watcher itself ends here when it closes an idle connection.
            if watcher is not asyncio.current_task():
                watcher.cancel()
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
            await self._chanx_leave_groups()

    async def _chanx_leave_groups(self) -> None:
        """Leave every group on the process's hub (nothing for groups already left)."""
        hub = self._chanx_hub
        groups = self.__dict__.get("groups") or ()
        if hub is not None:
            for group in list(groups):
                await hub.leave(group, self)

    # ------------------------------------------------------------------ client frames
    async def _chanx_answer_heartbeat(self, text: str) -> bool:
        """Answer a heartbeat ``ping`` (a ``pong`` needs no answer); False for other frames."""
        if not self._chanx_heartbeat:
            return False
        beat = heartbeat_action(text, self._chanx_heartbeat)
        if beat == ACTION_PING:
            await self._chanx_send_text(PONG_FRAME)
        return beat is not None

    async def _chanx_refuse(self, frame: str) -> None:
        await self._chanx_send_text(frame)
        await self._chanx_complete(self._chanx_config)

    async def _chanx_handle_frame(self, text: str) -> None:
        config = self._chanx_config
        routes = self._chanx_route_table
        union = routes.ws_union
        if union is None:
            if await self._chanx_answer_heartbeat(text):
                return
            await self._chanx_send_text(NO_HANDLERS_FRAME)
            await self._chanx_complete(config)
            return
        try:
            message = routes.parse_camel(text) if config.camelize else union.parse_json(text)
        except ValidationError as exc:
            # A heartbeat frame names an action no handler claims, so it lands here: checked
            # only now, every other frame is decoded once.
            if await self._chanx_answer_heartbeat(text):
                return
            await self._chanx_send_text(validation_error_frame(exc, union, config.camelize))
            await self._chanx_complete(config)
            return
        except ValueError:
            await self._chanx_send_text(INVALID_JSON_FRAME)
            await self._chanx_complete(config)
            return
        except NotAnObjectError:
            await self._chanx_send_text(NOT_AN_OBJECT_FRAME)
            await self._chanx_complete(config)
            return
        except Exception:
            # A validator of the application's raised something Pydantic does not turn into
            # a validation error (a TypeError, a KeyError): a server bug, not the client's.
            logger.exception("chanx.validation.error", consumer=type(self).__qualname__)
            await self._chanx_send_text(VALIDATOR_FAILED_FRAME)
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
                await self._chanx_handle(routes.ws_routes[type(message)], message, action)
            finally:
                reset_contextvars(**tokens)
        else:
            await self._chanx_handle(routes.ws_routes[type(message)], message, action)
        await self._chanx_complete(config)

    async def _chanx_handle(
        self, function: HandlerFunction, message: BaseMessage, action: str
    ) -> None:
        guards = self._chanx_route_table.ws_guards
        guard = guards.get(type(message)) if guards else None
        timeout = self._chanx_config.handler_timeout
        if guard is not None:
            if not await self._chanx_admit(guard, message, action):
                return
            if guard.timeout is not None:
                timeout = guard.timeout
        await self._chanx_run(function, message, action, timeout)

    async def _chanx_admit(self, guard: Guard, message: BaseMessage, action: str) -> bool:
        """Apply a handler's own rate limit, then its permissions; answer a refused frame."""
        if guard.rate_limit is not None:
            buckets = self._chanx_handler_buckets
            if buckets is None:
                buckets = self._chanx_handler_buckets = {}
            bucket = buckets.get(guard)
            if bucket is None:
                bucket = buckets[guard] = TokenBucket(guard.rate_limit, time.monotonic())
            if not bucket.take(time.monotonic()):
                await self._chanx_over_limit(bucket, action)
                return False
        if not guard.permissions:
            return True
        try:
            allowed = await guard.allows(self, message)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("chanx.permission.error", action=action, handler=guard.handler)
            await self._chanx_send_text(handler_failed_frame(action))
            return False
        if not allowed:
            logger.info("chanx.permission.denied", action=action, handler=guard.handler)
            await self._chanx_send_text(
                permission_denied_frame(action, self._chanx_config.camelize)
            )
        return allowed

    async def _chanx_complete(self, config: ConsumerConfig) -> None:
        if config.send_completion:
            await self._chanx_send_text(COMPLETE_FRAME)


def _retrieve(future: asyncio.Future[None]) -> None:
    """Consume a late close's outcome: the client may have gone meanwhile, which is fine."""
    if not future.cancelled():
        future.exception()


def heartbeat_action(text: str, actions: frozenset[str]) -> str | None:
    """Return ``ping`` or ``pong`` when the frame is exactly that heartbeat frame, else None.

    Only ``{"action": "ping"}`` / ``{"action": "pong"}``, with a ``null`` payload or none,
    count; anything else goes to the consumer's handlers as usual.

    Args:
        text: The frame.
        actions: The heartbeat actions the consumer leaves to Chanx.
    """
    try:
        data = from_json(text)
    except ValueError:
        return None
    if not isinstance(data, dict) or not 1 <= len(data) <= 2 or data.get("payload") is not None:
        return None
    action = data.get("action")
    if action in actions and (len(data) == 1 or "payload" in data):
        return str(action)
    return None
