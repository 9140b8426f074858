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
from collections.abc import Collection, Mapping
from typing import Any, ClassVar

from pydantic import ValidationError
from structlog.contextvars import bind_contextvars, bound_contextvars, reset_contextvars

from chanx.core._auth import AuthenticationFailed, AuthResult, BaseAuthenticator, close_code_for
from chanx.core._config import ConsumerConfig
from chanx.core._consumer_base import ReceiveEvent
from chanx.core._dispatch import Dispatcher
from chanx.core._events import EventsMixin
from chanx.core._groups import GroupsMixin
from chanx.core._handlers import collect_handlers
from chanx.core._handshake import Handshake
from chanx.core._logging import logger, new_message_id
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
        # Each connection runs in its own task, so this binds for this connection only: its
        # handlers, its worker and Chanx's own log lines carry it. Disconnect restores the
        # previous values; nothing of the application's is ever cleared.
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
            layer = self.channel_layer
            if layer is None:
                self._chanx_log_layer_missing()
                await self.close(LAYER_MISSING_CLOSE_CODE)
                return
            for group in self.groups:
                await layer.group_add(group, self.channel_name)
        dispatcher = Dispatcher(config.max_concurrent_handlers, config.max_pending_messages)
        self._chanx_dispatcher = dispatcher
        # A server that cancels the connection's task (shutdown, or a connection stuck on a
        # full queue) never calls websocket_disconnect; its handlers must not outlive it.
        task = asyncio.current_task()
        if task is not None:
            task.add_done_callback(dispatcher.cancel_running)
        self._chanx_ready = True
        await self.post_authentication()

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

    async def websocket_disconnect(self, message: Mapping[str, Any]) -> None:
        """Cancel running handlers, then let the framework leave groups and stop."""
        self._chanx_disconnected = True
        try:
            await self.chanx_teardown()
        finally:
            parent: Any = super()
            await parent.websocket_disconnect(message)

    async def chanx_connection_ended(self) -> None:
        """Release what the connection holds once its loop has ended, however it ended.

        Adapters call it from their ``__call__``'s ``finally``. After a ``websocket_disconnect``
        the framework has already left the groups; otherwise (an exception, a cancellation, a
        client that vanished mid-send) this leaves them, through :meth:`chanx_teardown`.
        """
        if not self._chanx_disconnected:
            await self.chanx_teardown(leave_groups=True)

    async def chanx_teardown(self, *, leave_groups: bool = False) -> None:
        """Release what this connection holds; safe to call more than once.

        ``websocket_disconnect`` calls it, then the framework leaves the groups.
        :meth:`chanx_connection_ended` calls it with ``leave_groups=True`` when the connection's
        loop ends without a disconnect (an exception, a cancelled task, a client that vanished mid-send), so no
        handler task, group membership or context variable outlives the connection.

        Args:
            leave_groups: Also remove the connection from its groups on the channel layer.
        """
        self._chanx_ready = False
        dispatcher = self._chanx_dispatcher
        self._chanx_dispatcher = None
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
            layer = getattr(self, "channel_layer", None)
            groups = self.__dict__.get("groups") or ()
            if leave_groups and layer is not None and groups:
                for group in list(groups):
                    try:
                        await layer.group_discard(group, self.channel_name)
                    except Exception:  # the layer may be the thing that failed
                        logger.exception("chanx.groups.leave_failed", group=group)

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
            with bound_contextvars(action=action, message_id=message_id):
                # Named here too: a processor chain without merge_contextvars (capture_logs,
                # for one) would otherwise drop them from the very entry they identify.
                logger.info(
                    "chanx.websocket.receive", action=action, message_id=message_id, message=text
                )
                await self._chanx_run(routes.ws_routes[type(message)], message, action)
        else:
            await self._chanx_run(routes.ws_routes[type(message)], message, action)
        await self._chanx_complete(config)

    async def _chanx_complete(self, config: ConsumerConfig) -> None:
        if config.send_completion:
            await self._chanx_send_text(COMPLETE_FRAME)
