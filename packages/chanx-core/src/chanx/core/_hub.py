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

The hub keeps its memberships alive against a backend that loses them:

- For layers that expire memberships (``group_expiry``, as Channels' and fast-channels' Redis
  layers do) it renews them every half ``group_expiry`` or every :data:`RENEW_SECONDS`,
  whichever is sooner, so memberships Redis dropped without any error (``FLUSHALL``, a
  failover to an empty replica, eviction) come back within that interval.
- After any failed read of the layer in the process (Redis restarting, say), it joins all its
  groups again, retrying until the layer takes them, since a restarted Redis may have lost
  them. Any reader's failure counts, not only the hub's own: the Redis layers share one
  connection among all the channels of a process, and only the reader holding it sees the
  error.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Mapping
from typing import Any, Protocol

from chanx.core._logging import logger
from chanx.core._protocols import ChannelLayer

RENEW_SECONDS = 15.0
"""The longest time, in seconds, between two renewals of a hub's memberships on a layer with a
``group_expiry``: also how long a membership the backend silently lost can stay lost. Each hub
starts with this value as :attr:`GroupHub.renew_seconds`, which can be changed per hub."""

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
        self.renew_seconds = RENEW_SECONDS
        """The longest time between renewals on a layer with a ``group_expiry``, in seconds
        (read before each wait, so a change applies from the next one)."""
        self._readers: dict[str, asyncio.Task[None]] = {}
        self._lock = asyncio.Lock()
        self._renewer: asyncio.Task[None] | None = None
        self._renewal_wanted = asyncio.Event()

    @property
    def running(self) -> bool:
        """True while the hub reads at least one group's channel."""
        return any(not task.done() for task in self._readers.values())

    @property
    def renew_interval(self) -> float:
        """Seconds between periodic renewals: 0 for a layer that never expires memberships."""
        expiry = _seconds(getattr(self.layer, "group_expiry", None))
        return min(expiry / 2, self.renew_seconds) if expiry else 0.0

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
                self._readers[group] = _start(
                    self._receive(group, channel), f"chanx-group-hub:{group}"
                )
                if self._renewer is None or self._renewer.done():
                    self._renewer = _start(self._renew(), "chanx-group-renew")
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

    def request_renewal(self) -> None:
        """Join every group again soon, retrying until the layer takes them (never waits)."""
        self._renewal_wanted.set()

    # ------------------------------------------------------------------ tasks
    async def _receive(self, group: str, channel: str) -> None:
        async def renew() -> None:
            # layer_messages asks the hub of hub_for(); a hub made directly must be asked here.
            self.request_renewal()

        async for message in layer_messages(
            self.layer, channel, "chanx.groups", renew, group=group
        ):
            self.deliver(group, message)

    async def _renew(self) -> None:
        while True:
            # Without a group_expiry only a failed read (request_renewal) starts a renewal.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.renew_interval or None):
                    await self._renewal_wanted.wait()
            self._renewal_wanted.clear()
            await self._renew_all()

    async def _renew_all(self) -> None:
        """Add each group's channel again, waiting out a failing layer until it works."""
        pending = dict(self.channels)
        failures = 0
        while pending:
            group, channel = next(iter(pending.items()))
            try:
                # Under the lock: a leave() in between must not see its channel added back.
                async with self._lock:
                    if self.channels.get(group) == channel:
                        await self.layer.group_add(group, channel)
            except Exception:
                failures += 1
                if failures == 1 or failures % 20 == 0:
                    logger.warning("chanx.groups.renew_failed", group=group, failures=failures)
                await asyncio.sleep(_backoff(failures))
                continue
            del pending[group]
        if failures:
            logger.info("chanx.groups.renew_recovered", failures=failures)


async def layer_messages(
    layer: ChannelLayer,
    channel: str,
    log_prefix: str,
    recover: Callable[[], Awaitable[None]] | None = None,
    **fields: Any,
) -> AsyncIterator[dict[str, Any]]:
    """Yield the messages of a layer channel for as long as the reader runs, surviving failures.

    A read that times out (a ``TimeoutError``: Python's own, or a client library's class of
    that name, such as redis-py's, whose default ``socket_timeout`` of 5 seconds in redis-py 8
    equals the Redis layers' ``brpop`` timeout) is an empty read: it is logged at debug level as
    ``<log_prefix>.receive_timeout`` and retried at once.

    Any other failed read (Redis restarting, say) is logged as ``<log_prefix>.receive_failed``
    (the first time and every 20th), makes the running event loop's group hub of ``layer``
    join its groups again (see :meth:`GroupHub.request_renewal`), is waited out with a
    growing pause, followed by ``recover()`` if given, and retried; the first message after it
    is logged as ``<log_prefix>.receive_recovered``.

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
        except Exception as error:
            if _is_timeout(error):
                logger.debug(f"{log_prefix}.receive_timeout", **fields)
                # A layer that times out without waiting must still let the loop run.
                await asyncio.sleep(0)
                continue
            failures += 1
            if failures == 1 or failures % 20 == 0:
                logger.exception(f"{log_prefix}.receive_failed", failures=failures, **fields)
            hub = _running_hub(layer)
            if hub is not None:
                hub.request_renewal()
            await asyncio.sleep(_backoff(failures))
            if recover is not None:
                with contextlib.suppress(Exception):
                    await recover()
            continue
        if failures:
            logger.info(f"{log_prefix}.receive_recovered", failures=failures, **fields)
            failures = 0
        yield message


def _is_timeout(error: Exception) -> bool:
    """Return True for a ``TimeoutError``: Python's, or a client library's of that name.

    redis-py's ``redis.exceptions.TimeoutError`` derives from its ``RedisError`` only, and the
    core cannot import redis-py, so the class is recognised by its name.
    """
    return any(klass.__name__ == "TimeoutError" for klass in type(error).__mro__)


def _backoff(failures: int) -> float:
    """Return the pause, in seconds, after the given number of failures in a row."""
    return min(_RETRY_FIRST * 2.0 ** min(failures, 10), _RETRY_MAX)


def _seconds(value: object) -> float:
    """Return a layer's ``group_expiry`` in seconds, or 0 when it has none."""
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return float(value)
    return 0.0


def _start(coroutine: Coroutine[Any, Any, None], name: str) -> asyncio.Task[None]:
    """Run one of the hub's tasks, outside the log context of the connection that started it."""
    return asyncio.get_running_loop().create_task(
        coroutine, name=name, context=contextvars.Context()
    )


_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[int, GroupHub]] = (
    weakref.WeakKeyDictionary()
)


def _running_hub(layer: ChannelLayer) -> GroupHub | None:
    """Return the running event loop's hub for ``layer`` if it has one (never creates it)."""
    hub = _hubs.get(asyncio.get_running_loop(), {}).get(id(layer))
    return hub if hub is not None and hub.layer is layer else None


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
