"""Send server-side events from a process that has a channel layer but no consumer classes.

A worker, a scheduled job or a script often knows the event and the group, and nothing of the
web app: importing the consumer class would drag the framework and its settings into a process
that only needs to publish. These functions publish exactly what a consumer's
``broadcast_event`` and ``send_event`` publish, so any Chanx consumer on that layer handles the
event with its ``@event_handler``, whichever framework serves it. Such a worker needs
``chanx-core``, the package of its messages and its channel layer's package, nothing more::

    from fast_channels.layers.redis import RedisChannelLayer

    from chanx.core.events import broadcast_event_sync

    layer = RedisChannelLayer(hosts=["redis://127.0.0.1:6379/0"], prefix="chat")
    broadcast_event_sync(NotifyEvent(payload="deploy done"), "announcements", layer=layer)

Unlike the consumer's classmethods, these functions cannot check that a consumer accepts the
event: a consumer with no ``@event_handler`` for it logs ``chanx.event.invalid`` and drops it.
``chanx.core.testing.capture_broadcast_events`` records their events too, with ``consumer``
None.
"""

from __future__ import annotations

from collections.abc import Sequence

from asgiref.sync import async_to_sync

from chanx.core import _capture
from chanx.core._events import event_payload, publish_to_groups
from chanx.core._groups import group_names
from chanx.core._protocols import EventLayer
from chanx.messages import BaseMessage

__all__ = ["EventLayer", "broadcast_event", "broadcast_event_sync", "send_event", "send_event_sync"]


async def broadcast_event(
    event: BaseMessage, groups: str | Sequence[str], *, layer: EventLayer
) -> None:
    """Send a server-side event to every connection in the groups.

    Each receiving connection runs its ``@event_handler`` for the event and sends what the
    handler returns to its own client.

    Args:
        event: The event.
        groups: A group name or several. A single string is one group.
        layer: The channel layer the consumers listen on: the same backend, address and
            prefix as the web processes' layer.
    """
    targets = group_names(groups, ())
    if _capture.ACTIVE and _capture.record(_capture.CapturedEvent(None, event, groups=targets)):
        return
    await publish_to_groups(layer, event_payload(event), targets)


async def send_event(event: BaseMessage, channel_name: str, *, layer: EventLayer) -> None:
    """Send a server-side event to one connection.

    Args:
        event: The event.
        channel_name: The connection's channel name (a consumer's ``channel_name``).
        layer: The channel layer the consumer listens on.
    """
    if _capture.ACTIVE and _capture.record(
        _capture.CapturedEvent(None, event, channel_name=channel_name)
    ):
        return
    await layer.send(channel_name, event_payload(event))


def broadcast_event_sync(
    event: BaseMessage, groups: str | Sequence[str], *, layer: EventLayer
) -> None:
    """:func:`broadcast_event` for synchronous code: Celery tasks, scripts, sync views.

    Not for code already running in an event loop: await :func:`broadcast_event` there.
    """
    async_to_sync(broadcast_event)(event, groups, layer=layer)


def send_event_sync(event: BaseMessage, channel_name: str, *, layer: EventLayer) -> None:
    """:func:`send_event` for synchronous code: Celery tasks, scripts, sync views.

    Not for code already running in an event loop: await :func:`send_event` there.
    """
    async_to_sync(send_event)(event, channel_name, layer=layer)
