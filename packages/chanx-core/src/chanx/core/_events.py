"""Server-side events: sent from anywhere, handled per connection by ``@event_handler``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from asgiref.sync import async_to_sync
from pydantic import ValidationError

from chanx.core import _capture
from chanx.core._consumer_base import (
    ChannelLayerMissingError,
    ConsumerBase,
    ReceiveEvent,
    layer_missing_text,
)
from chanx.core._groups import group_names
from chanx.core._logging import logger
from chanx.core._protocols import ChannelLayer, EventLayer
from chanx.core._wire import EVENT_COMPLETE_FRAME
from chanx.messages import BaseMessage

EVENT_TYPE = "chanx.event"
"""The channel-layer message type of a server-side event."""


def event_payload(event: BaseMessage) -> dict[str, Any]:
    """Return the channel-layer message that carries ``event`` to consumers."""
    return {"type": EVENT_TYPE, "event": event.model_dump_json()}


async def publish_to_groups(
    layer: EventLayer, payload: dict[str, Any], groups: Sequence[str]
) -> None:
    """Publish an event's layer message to each group, naming the group in it."""
    for group in groups:
        await layer.group_send(group, {**payload, "group": group})


class EventsMixin(ConsumerBase[ReceiveEvent]):
    """Sending server-side events to consumers and handling them in each connection."""

    # ------------------------------------------------------------------ events
    async def chanx_event(self, message: Mapping[str, Any]) -> None:
        """Queue a server-side event for its ``@event_handler`` (a channel-layer handler)."""
        if not self._chanx_ready:
            return
        dispatcher = self._chanx_dispatcher
        assert dispatcher is not None
        await dispatcher.submit(self._chanx_handle_event, message.get("event"))

    def _chanx_offer_event(self, message: Mapping[str, Any]) -> None:
        """Queue an event the group hub delivered; drop it, logged, when the queue is full."""
        dispatcher = self._chanx_dispatcher
        if dispatcher is None:
            return
        if not dispatcher.offer(self._chanx_handle_event, message.get("event")):
            logger.warning(
                "chanx.event.dropped",
                consumer=type(self).__qualname__,
                path=self.scope.get("path"),
                detail="the connection's queue of pending messages is full",
            )

    async def _chanx_handle_event(self, text: Any) -> None:
        union = self._chanx_route_table.event_union
        try:
            if union is None or not isinstance(text, str | bytes):
                raise LookupError
            event = union.parse_json(text)
        except (ValidationError, LookupError):
            logger.error("chanx.event.invalid", consumer=type(self).__qualname__)
            return
        routes = self._chanx_route_table
        function = routes.event_routes[type(event)]
        guard = routes.event_guards.get(type(event)) if routes.event_guards else None
        timeout = self._chanx_config.handler_timeout
        if guard is not None and guard.timeout is not None:
            timeout = guard.timeout
        await self._chanx_run(function, event, event.action, timeout)
        if self._chanx_config.send_completion:
            await self._chanx_send_text(EVENT_COMPLETE_FRAME)

    @classmethod
    def _chanx_event_payload(cls, event: BaseMessage) -> dict[str, Any] | None:
        if type(event) not in cls.chanx_routes().event_routes:
            logger.error(
                "chanx.event.unknown",
                consumer=cls.__qualname__,
                event_type=type(event).__qualname__,
                detail="no @event_handler of this consumer accepts it; not delivered",
            )
            return None
        return event_payload(event)

    @classmethod
    def _chanx_class_layer(cls) -> ChannelLayer:
        layer = cls.chanx_channel_layer(cls.chanx_layer_alias())
        if layer is None:
            msg = layer_missing_text(cls)
            raise ChannelLayerMissingError(msg)
        return layer

    @classmethod
    async def send_event(cls, event: ReceiveEvent, channel_name: str) -> None:
        """Send a server-side event to one connection of this consumer class.

        Args:
            event: The event; it must be accepted by one of this class's ``@event_handler``.
            channel_name: The connection's channel name (``consumer.channel_name``).

        Raises:
            ChannelLayerMissingError: When no channel layer is configured.
        """
        if _capture.ACTIVE and _capture.record(
            _capture.CapturedEvent(cls, event, channel_name=channel_name)
        ):
            return
        payload = cls._chanx_event_payload(event)
        if payload is not None:
            await cls._chanx_class_layer().send(channel_name, payload)

    @classmethod
    async def broadcast_event(
        cls, event: ReceiveEvent, groups: str | Sequence[str] | None = None
    ) -> None:
        """Send a server-side event to every connection in the groups.

        Each receiving connection runs its ``@event_handler`` and sends what it returns to its
        own client, so the reply can differ per connection.

        Args:
            event: The event; it must be accepted by one of this class's ``@event_handler``.
            groups: A target group or several; the class's ``groups`` when not given.

        Raises:
            ChannelLayerMissingError: When no channel layer is configured.
        """
        targets = group_names(groups, getattr(cls, "groups", None) or ())
        if _capture.ACTIVE and _capture.record(_capture.CapturedEvent(cls, event, groups=targets)):
            return
        payload = cls._chanx_event_payload(event)
        if payload is None:
            return
        await publish_to_groups(cls._chanx_class_layer(), payload, targets)

    @classmethod
    def send_event_sync(cls, event: ReceiveEvent, channel_name: str) -> None:
        """:meth:`send_event` for synchronous code: views, Celery tasks, scripts."""
        async_to_sync(cls.send_event)(event, channel_name)

    @classmethod
    def broadcast_event_sync(
        cls, event: ReceiveEvent, groups: str | Sequence[str] | None = None
    ) -> None:
        """:meth:`broadcast_event` for synchronous code: views, Celery tasks, scripts."""
        async_to_sync(cls.broadcast_event)(event, groups)
