"""The process's group hub: one channel-layer membership per group per process, local fanout.

Without it, every connection joins its groups on the channel layer under its own channel name,
so a broadcast to 500 local members is 500 layer deliveries, 500 wake-ups of 500 connection
loops and 500 dispatches. With it, each process (each event loop, for each channel layer) has
one hub. The first local member of a group makes the hub join the group on the layer with a
channel of its own; the last one to leave makes it leave. A broadcast is published once per
group; the layer delivers it once to each process's hub, which hands the already-encoded
frame to each local member, without a task, an encode or a layer call per member. Messages of
the application's own types sent to a group reach each member's handler method as before.

Everything the layer guarantees still holds per process: a broadcast accepted by the layer
reaches the hub of every process that has members, at most once, in the order the layer keeps.
Events (``broadcast_event``) travel the same way and still run each member's ``@event_handler``
for that member, so replies can differ per connection.

The hub renews its memberships every half ``group_expiry`` (for layers that expire them, like
Channels' and fast-channels' Redis layers) and, after a group's channel could not be read
(Redis restarting, say), joins that group again, because a restarted Redis may have lost it.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any, Protocol

from chanx.core._logging import logger
from chanx.core._protocols import ChannelLayer

_RETRY_FIRST = 0.05
_RETRY_MAX = 5.0


class HubMember(Protocol):
    """What the hub needs of a connection: a way to hand it a group message."""

    def chanx_hub_deliver(self, message: Mapping[str, Any]) -> None:
        """Take a broadcast or event sent to one of the connection's groups (never waits)."""


class GroupHub:
    """The group memberships and local fanout of one channel layer in one event loop.

    Each group with local members has one channel of the hub's on the layer, read by one task,
    so a message arriving there is known to be for that group, whoever sent it (Chanx's
    broadcasts, or a plain ``group_send`` with a message type of the application's own).

    Args:
        layer: The channel layer.
    """

    def __init__(self, layer: ChannelLayer) -> None:
        self.layer = layer
        self.groups: dict[str, dict[HubMember, None]] = {}
        """Local members by group, in joining order (a dict used as an ordered set)."""
        self.channels: dict[str, str] = {}
        """The hub's channel on the layer for each group it has joined."""
        self._readers: dict[str, asyncio.Task[None]] = {}
        self._lock = asyncio.Lock()
        self._renewer: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        """True while the hub reads at least one group's channel."""
        return any(not task.done() for task in self._readers.values())

    async def join(self, group: str, member: HubMember) -> None:
        """Add a local member to a group, joining it on the layer first if it is the first.

        Args:
            group: The group name.
            member: The connection.

        Raises:
            Exception: Whatever the layer raised while joining (the member is not added).
        """
        members = self.groups.get(group)
        if members is not None and group in self.channels:
            members[member] = None
            return
        async with self._lock:
            members = self.groups.setdefault(group, {})
            if group not in self.channels:
                try:
                    channel = await self.layer.new_channel()
                    await self.layer.group_add(group, channel)
                except BaseException:
                    if not members:
                        del self.groups[group]
                    raise
                self.channels[group] = channel
                self._readers[group] = asyncio.get_running_loop().create_task(
                    self._receive(group, channel), name=f"chanx-group-hub:{group}"
                )
                self._start_renewing()
            members[member] = None

    async def leave(self, group: str, member: HubMember) -> None:
        """Remove a local member from a group; the last one out leaves it on the layer.

        Args:
            group: The group name.
            member: The connection.
        """
        members = self.groups.get(group)
        if members is None or member not in members:
            return
        del members[member]
        if members:
            return
        async with self._lock:
            if self.groups.get(group):
                return  # someone joined while we waited
            self.groups.pop(group, None)
            reader = self._readers.pop(group, None)
            if reader is not None:
                reader.cancel()
            channel = self.channels.pop(group, None)
            if channel is not None:
                try:
                    await self.layer.group_discard(group, channel)
                except Exception:  # the layer may be the thing that failed
                    logger.exception("chanx.groups.leave_failed", group=group)
            if not self.channels and self._renewer is not None:
                self._renewer.cancel()
                self._renewer = None

    def deliver(self, group: str, message: Mapping[str, Any]) -> None:
        """Hand a message sent to a group to each of its local members.

        Args:
            group: The group.
            message: The channel-layer message.
        """
        members = self.groups.get(group)
        if not members:
            return
        for member in tuple(members):
            try:
                member.chanx_hub_deliver(message)
            except Exception:  # one broken member must not cost the others their delivery
                logger.exception("chanx.groups.delivery_failed", type=message.get("type"))

    # ------------------------------------------------------------------ tasks
    def _start_renewing(self) -> None:
        expiry = _seconds(getattr(self.layer, "group_expiry", None))
        if expiry and (self._renewer is None or self._renewer.done()):
            self._renewer = asyncio.get_running_loop().create_task(
                self._renew(expiry / 2), name="chanx-group-renew"
            )

    async def _receive(self, group: str, channel: str) -> None:
        layer = self.layer

        async def rejoin() -> None:
            # A restarted backend (Redis without persistence) may have lost the membership.
            await layer.group_add(group, channel)

        async for message in layer_messages(layer, channel, "chanx.groups", rejoin, group=group):
            self.deliver(group, message)

    async def _renew(self, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            for group, channel in list(self.channels.items()):
                try:
                    await self.layer.group_add(group, channel)
                except Exception:
                    logger.warning("chanx.groups.renew_failed", group=group)


async def layer_messages(
    layer: ChannelLayer,
    channel: str,
    log_prefix: str,
    recover: Callable[[], Awaitable[None]] | None = None,
    **fields: Any,
) -> AsyncIterator[dict[str, Any]]:
    """Yield the messages of a layer channel for as long as the reader runs, surviving failures.

    A failed read (Redis restarting, a client library's read timeout) is logged as
    ``<log_prefix>.receive_failed`` (the first time and every 20th), waited out with a growing
    pause, followed by ``recover()`` if given, and retried; the first message after it is
    logged as ``<log_prefix>.receive_recovered``.

    Args:
        layer: The channel layer.
        channel: The channel to read.
        log_prefix: The prefix of the log events.
        recover: Called after each failure's pause (its own errors are ignored).
        **fields: Extra fields for the log entries.

    Yields:
        Each message, in the order the layer delivers them.
    """
    failures = 0
    while True:
        try:
            message = await layer.receive(channel)
        except asyncio.CancelledError:
            raise
        except Exception:
            failures += 1
            if failures == 1 or failures % 20 == 0:
                logger.exception(f"{log_prefix}.receive_failed", failures=failures, **fields)
            await asyncio.sleep(min(_RETRY_FIRST * 2 ** min(failures, 10), _RETRY_MAX))
            if recover is not None:
                with contextlib.suppress(Exception):
                    await recover()
            continue
        if failures:
            logger.info(f"{log_prefix}.receive_recovered", failures=failures, **fields)
            failures = 0
        yield message


def _seconds(value: object) -> float:
    """Return a layer's ``group_expiry`` in seconds, or 0 when it has none."""
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return float(value)
    return 0.0


_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[int, GroupHub]] = (
    weakref.WeakKeyDictionary()
)


def hub_for(layer: ChannelLayer) -> GroupHub:
    """Return the running event loop's hub for ``layer``, creating it on first use.

    Args:
        layer: The channel layer.

    Returns:
        The hub.
    """
    loop = asyncio.get_running_loop()
    hubs = _hubs.get(loop)
    if hubs is None:
        hubs = _hubs[loop] = {}
    hub = hubs.get(id(layer))
    if hub is None or hub.layer is not layer:
        hub = hubs[id(layer)] = GroupHub(layer)
    return hub
