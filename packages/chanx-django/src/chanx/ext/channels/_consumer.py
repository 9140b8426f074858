"""The Django Channels consumer: Chanx's engine in front of Channels' JSON consumer.

Why ``dispatch`` is overridden: Channels' ``AsyncConsumer.dispatch`` awaits
``aclose_old_connections()`` (a hop to a worker thread and back) before *every* message, which
is most of the CPU a small frame costs. Chanx's own message types (``websocket.receive``,
``chanx.broadcast``, ``chanx.event``) skip it: the engine itself never touches the database, so
there is nothing to clean up per frame. Handlers that use the ORM go through
:func:`channels.db.database_sync_to_async` (which closes stale connections around each call) or
Django's async ORM, the same rule Channels documents for any async consumer. Connect and
disconnect keep Channels' behaviour: connections are cleaned up once at each.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncJsonWebsocketConsumer as ChannelsJsonConsumer
from channels.layers import get_channel_layer

from chanx.core import ChanxWebsocketMixin, ReceiveEvent
from chanx.core.layers import ChannelLayer
from chanx.core.limits import Permission, PermissionCheck
from chanx.ext.channels._conf import chanx_settings, connect_signals

ENGINE_MESSAGE_TYPES: Final[Mapping[str, str]] = {
    "websocket.receive": "websocket_receive",
    "chanx.broadcast": "chanx_broadcast",
    "chanx.event": "chanx_event",
}
"""The message types dispatched without Channels' per-message database cleanup, and the
methods that handle them."""

connect_signals()


class AsyncJsonWebsocketConsumer(ChanxWebsocketMixin[ReceiveEvent], ChannelsJsonConsumer):
    """The base class of Chanx consumers on Django Channels.

    Subclass it (``AsyncJsonWebsocketConsumer[MyEvent]`` names the server-side event type),
    declare ``@ws_handler`` / ``@event_handler`` methods and route ``MyConsumer.as_asgi()``.
    Settings come from the class attributes, then ``settings.CHANX`` (upper-case keys), then
    Chanx's defaults; the channel layer from ``CHANNEL_LAYERS`` under
    ``channel_layer_alias`` (``"default"``).
    """

    # ------------------------------------------------------------------ framework hooks
    @classmethod
    def chanx_channel_layer(cls, alias: str | None) -> ChannelLayer | None:
        """Return the Channels layer configured under ``alias`` in ``CHANNEL_LAYERS``."""
        if alias is None:
            return None
        layer: ChannelLayer | None = get_channel_layer(alias)
        return layer

    @classmethod
    def chanx_project_settings(cls) -> Mapping[str, Any]:
        """Return a live view of ``settings.CHANX`` (checked, read on every lookup).

        Raises:
            django.core.exceptions.ImproperlyConfigured: When ``CHANX`` has an unknown key or
                an unsupported ``MESSAGE_ACTION_KEY``.
        """
        return chanx_settings()

    @classmethod
    def chanx_permission_check(cls, permission: Permission) -> PermissionCheck:
        """Accept DRF permission classes (and their compositions) besides plain functions.

        Args:
            permission: One item of ``@ws_handler(permissions=[...])``.

        Returns:
            The check run for each frame the handler receives.
        """
        # Imported here: DRF's and Django's auth modules need the app registry, which importing
        # this module must not (the app itself imports it); handlers with permissions are
        # declared in the project's consumer modules, loaded once Django is set up.
        from chanx.ext.channels._permissions import drf_permission_check, is_drf_permission

        if is_drf_permission(permission):
            return drf_permission_check(permission)
        return super().chanx_permission_check(permission)

    # ------------------------------------------------------------------ ASGI
    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """Run the connection; release what it holds if it ends without a disconnect.

        The setup is Channels' (scope, layer, channel name, send); the loop is the engine's,
        which reads the client without a task and an ``asyncio.wait`` per message. An error
        that escapes the loop, a cancelled task or a server that drops the connection never
        reaches ``websocket_disconnect``; the engine's teardown then runs here and leaves the
        groups, so no membership outlives the connection.
        """
        await self.chanx_run(scope, receive, send, StopConsumer)

    async def dispatch(self, message: Mapping[str, Any]) -> None:
        """Route a message to its handler; Chanx's own types skip the per-message DB cleanup."""
        name = ENGINE_MESSAGE_TYPES.get(message.get("type", ""))
        if name is None:
            await super().dispatch(message)
            return
        await getattr(self, name)(message)

    async def websocket_disconnect(self, message: Mapping[str, Any]) -> None:
        """Cancel handlers, leave groups, run ``disconnect()`` and stop (Channels' order)."""
        if getattr(self, "channel_layer", None) is None:
            # Nothing was joined without a layer; Channels would fail discarding the groups.
            self.groups = []
        await super().websocket_disconnect(message)
