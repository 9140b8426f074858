"""The state and primitives every part of the consumer engine shares.

:class:`ConsumerBase` holds what the lifecycle, group and event parts all need: the framework
primitives a consumer class provides, the per-class compiled routes and settings, and sending.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Generic, cast

from typing_extensions import TypeVar

from chanx.core._config import ConsumerConfig, settings_generation
from chanx.core._dispatch import Dispatcher
from chanx.core._guards import Permission, PermissionCheck, plain_permission
from chanx.core._handlers import HandlerSpec
from chanx.core._hub import GroupHub, hub_for
from chanx.core._logging import logger
from chanx.core._outbox import Outbox
from chanx.core._protocols import ChannelLayer
from chanx.core._routes import Routes
from chanx.core._wire import encode, handler_failed_frame, handler_timed_out_frame
from chanx.messages import BaseMessage

ReceiveEvent = TypeVar("ReceiveEvent", bound=BaseMessage, default=BaseMessage)
"""The type variable of a consumer's server-side events, for consumer bases of your own."""


DEFAULT_LAYER_HINT = (
    "configure CHANNEL_LAYERS (Django) or register a layer and set channel_layer_alias "
    "(fast-channels)"
)


class ChannelLayerMissingError(RuntimeError):
    """A consumer needs a channel layer for groups or events and none is configured."""


class ConsumerBase(Generic[ReceiveEvent]):
    """Shared state and primitives of the engine's parts (not used on its own)."""

    _chanx_handlers: ClassVar[tuple[HandlerSpec, ...]] = ()
    _chanx_ready: bool = False
    _chanx_disconnected: bool = False
    _chanx_stop_requested: bool = False
    _chanx_dispatcher: Dispatcher | None = None
    _chanx_outbox: Outbox | None = None
    _chanx_hub: GroupHub | None = None
    _chanx_closing: asyncio.Task[None] | None = None
    _chanx_config: ConsumerConfig
    _chanx_route_table: Routes

    if TYPE_CHECKING:
        # Provided by the framework consumer class this mixin sits in front of.
        scope: Any  # each framework types its scope its own way
        channel_layer: ChannelLayer | None
        channel_name: str
        channel_layer_alias: str | None
        base_send: Any  # the ASGI send callable (through any middleware's wrapper)
        channel_receive: Any  # reads channel_name (the frameworks' own loops use it)

        async def dispatch(self, message: Mapping[str, Any]) -> None: ...

        # Provided by the engine's lifecycle part (chanx.core._consumer).
        def chanx_hub_deliver(self, message: Mapping[str, Any]) -> None: ...

        async def accept(self, subprotocol: str | None = None) -> None: ...
        async def close(self, code: int | None = None) -> None: ...
        async def send(
            self, text_data: str | None = None, bytes_data: bytes | None = None
        ) -> None: ...

    groups: list[str]
    """Groups every connection joins after authentication: set it on the class; each
    connection gets its own copy, which ``join_group`` and ``leave_group`` change."""

    # ------------------------------------------------------------------ framework hooks
    @classmethod
    def chanx_channel_layer(cls, alias: str | None) -> ChannelLayer | None:
        """Return the channel layer registered under ``alias`` (adapters override this)."""
        return None

    @classmethod
    def chanx_project_settings(cls) -> Mapping[str, Any]:
        """Return project-wide setting defaults keyed by upper-case name (adapters override)."""
        return {}

    @classmethod
    def chanx_layer_missing_hint(cls) -> str:
        """Return how to configure a channel layer, for errors (adapters override this)."""
        return DEFAULT_LAYER_HINT

    @classmethod
    def chanx_layer_alias(cls) -> str | None:
        """Return the alias of the channel layer this consumer class uses."""
        return getattr(cls, "channel_layer_alias", "default")

    # ------------------------------------------------------------------ per-class state
    @classmethod
    def chanx_handlers(cls) -> tuple[HandlerSpec, ...]:
        """Return the resolved handlers of this class, inherited ones included."""
        return cls._chanx_handlers

    @classmethod
    def chanx_permission_check(cls, permission: Permission) -> PermissionCheck:
        """Turn a permission a handler declared into a check (adapters override this).

        The core understands functions of ``(consumer, message)``; the Django adapter adds
        Django REST framework permission classes.

        Args:
            permission: One item of ``@ws_handler(permissions=[...])``.

        Returns:
            A function of ``(consumer, message)`` returning, or awaiting to, a bool.

        Raises:
            TypeError: When the permission is not something this consumer understands.
        """
        return plain_permission(permission)

    @classmethod
    def chanx_routes(cls) -> Routes:
        """Return this class's unions and routing tables, compiled on first use."""
        routes = cls.__dict__.get("_chanx_compiled_routes")
        if routes is None:
            routes = Routes(cls._chanx_handlers, cls.chanx_permission_check)
            setattr(cls, "_chanx_compiled_routes", routes)  # noqa: B010 - cached per class
        return cast(Routes, routes)

    @classmethod
    def chanx_config(cls) -> ConsumerConfig:
        """Return this class's resolved settings, resolving them again after a change."""
        config = cls.__dict__.get("_chanx_resolved_config")
        if config is None or config.generation != settings_generation():
            config = ConsumerConfig.resolve(cls, cls.chanx_project_settings())
            setattr(cls, "_chanx_resolved_config", config)  # noqa: B010 - cached per class
        return cast(ConsumerConfig, config)

    async def _chanx_run(
        self, function: Any, message: BaseMessage, action: str, seconds: float | None
    ) -> None:
        scope: asyncio.Timeout | None = None
        try:
            if seconds is None:
                result = await function(self, message)
            else:
                async with asyncio.timeout(seconds) as scope:
                    result = await function(self, message)
            if result is not None:
                await self.send_message(result)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            name = getattr(function, "__qualname__", repr(function))
            if isinstance(exc, TimeoutError) and scope is not None and scope.expired():
                logger.error("chanx.handler.timeout", action=action, handler=name, timeout=seconds)
                frame = handler_timed_out_frame(action)
            else:
                logger.exception("chanx.handler.error", action=action, handler=name)
                frame = handler_failed_frame(action)
            with contextlib.suppress(Exception):
                await self._chanx_send_text(frame)

    # ------------------------------------------------------------------ sending
    async def _chanx_write(self, text: str) -> None:
        """Write one text frame to the server: straight to the ASGI ``send``.

        Both frameworks keep the server's send callable as ``base_send``; going there directly
        skips the framework's send methods, which only build this same message.
        """
        await self.base_send({"type": "websocket.send", "text": text})

    async def _chanx_send_text(self, text: str) -> None:
        """Send one text frame through the connection's outbox (in order, bounded)."""
        outbox = self._chanx_outbox
        if outbox is None:
            await self._chanx_write(text)
        else:
            await outbox.send(text)
        if self._chanx_config.send_message_immediately:
            await asyncio.sleep(0)

    def _chanx_group_hub(self) -> GroupHub:
        hub = self._chanx_hub
        if hub is None:
            hub = self._chanx_hub = hub_for(self._chanx_require_layer())
        return hub

    async def send_message(self, message: BaseMessage) -> None:
        """Send a message to this connection's client.

        Args:
            message: The message.
        """
        config = self._chanx_config
        text = encode(message, config.camelize)
        if config.log_websocket_message and message.action not in config.log_ignored_actions:
            logger.info("chanx.websocket.send", action=message.action, message=text)
        await self._chanx_send_text(text)

    def _chanx_require_layer(self) -> ChannelLayer:
        layer = self.channel_layer
        if layer is None:
            self._chanx_log_layer_missing()
            msg = layer_missing_text(type(self))
            raise ChannelLayerMissingError(msg)
        return layer

    def _chanx_log_layer_missing(self) -> None:
        logger.error("chanx.channel_layer.missing", detail=layer_missing_text(type(self)))


def layer_missing_text(cls: type) -> str:
    """Return the error text for a consumer class that has no channel layer.

    Args:
        cls: The consumer class.

    Returns:
        What is missing, for which alias, and the adapter's hint on how to configure it.
    """
    alias = getattr(cls, "channel_layer_alias", None)
    hint = getattr(cls, "chanx_layer_missing_hint", None)
    advice = hint() if callable(hint) else DEFAULT_LAYER_HINT
    return (
        f"{cls.__qualname__} needs a channel layer for groups and events, but none is "
        f"configured for alias {alias!r}: {advice}"
    )
