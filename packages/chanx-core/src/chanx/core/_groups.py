"""Groups and broadcasts: one encode and one publish per broadcast, local fanout per process.

Membership goes through the process's group hub (:mod:`chanx.core._hub`): a broadcast is
published once per group, reaches each process's hub once, and the hub pushes the encoded text
into each local member's outbox, which never makes the fanout wait for a slow client.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from chanx.core._consumer_base import ConsumerBase, ReceiveEvent
from chanx.core._logging import logger
from chanx.core._wire import GROUP_COMPLETE_FRAME, encode
from chanx.messages import BaseMessage

BROADCAST_TYPE = "chanx.broadcast"
"""The channel-layer message type of a group broadcast."""


def group_names(
    groups: str | Sequence[str] | None, default: str | Sequence[str]
) -> tuple[str, ...]:
    """Return the target groups: one name, several, or ``default`` when None.

    A single string, in ``groups`` or in ``default`` (a class's ``groups = "lobby"``), is one
    group; iterating it would target a group per character.
    """
    if groups is None:
        return (default,) if isinstance(default, str) else tuple(default)
    if isinstance(groups, str):
        return (groups,)
    return tuple(groups)


class GroupsMixin(ConsumerBase[ReceiveEvent]):
    """Group membership and broadcasting for a consumer."""

    async def broadcast_message(
        self,
        message: BaseMessage,
        groups: str | Sequence[str] | None = None,
        exclude_current: bool = False,
    ) -> None:
        """Send a message to every connection in the groups, this one too unless excluded.

        The message is encoded once, here, with this consumer's settings, and published once
        per group; every process with members delivers the text to them as it is.

        Args:
            message: The message.
            groups: A target group or several; this connection's groups when not given.
            exclude_current: Skip this connection.

        Raises:
            ChannelLayerMissingError: When the consumer has no channel layer.
        """
        layer = self._chanx_require_layer()
        config = self._chanx_config
        text = encode(message, config.camelize)
        exclude = self.channel_name if exclude_current else None
        for group in group_names(groups, self.groups):
            payload: dict[str, Any] = {
                "type": BROADCAST_TYPE,
                "text": text,
                "action": message.action,
                "group": group,
            }
            if exclude is not None:
                payload["exclude"] = exclude
            await layer.group_send(group, payload)

    def _chanx_push_broadcast(self, message: Mapping[str, Any]) -> None:
        """Queue a broadcast the group hub delivered for this connection's client."""
        outbox = self._chanx_outbox
        if outbox is None or message.get("exclude") == self.channel_name:
            return
        config = self._chanx_config
        if config.log_websocket_message and message.get("action") not in config.log_ignored_actions:
            # The hub's task has none of the connection's bound context: name it here.
            logger.info(
                "chanx.websocket.send",
                consumer=type(self).__qualname__,
                path=self.scope.get("path"),
                action=message.get("action"),
                message=message["text"],
            )
        outbox.push(message["text"])
        if config.send_completion:
            outbox.push(GROUP_COMPLETE_FRAME)

    async def chanx_broadcast(self, message: Mapping[str, Any]) -> None:
        """Relay a broadcast that reached this connection's own channel (a layer handler).

        Broadcasts to the groups Chanx manages arrive through the group hub instead; this
        handles a channel added to a group by hand (``channel_layer.group_add``).
        """
        if not self._chanx_ready or message.get("exclude") == self.channel_name:
            return
        config = self._chanx_config
        if config.log_websocket_message and message.get("action") not in config.log_ignored_actions:
            logger.info(
                "chanx.websocket.send", action=message.get("action"), message=message["text"]
            )
        try:
            await self._chanx_send_text(message["text"])
            if config.send_completion:
                await self._chanx_send_text(GROUP_COMPLETE_FRAME)
        except Exception:
            # This runs in the framework's own loop: a client that vanished mid-send must not
            # end that loop before the disconnect cleans up.
            logger.info("chanx.broadcast.relay_failed", action=message.get("action"))

    async def join_group(self, group: str) -> None:
        """Add this connection to a group (it leaves all its groups when it closes).

        Args:
            group: The group name.
        """
        if group not in self.groups:
            await self._chanx_group_hub().join(group, self)
            self.groups.append(group)

    async def leave_group(self, group: str) -> None:
        """Remove this connection from a group.

        Args:
            group: The group name.
        """
        if group in self.groups:
            self.groups.remove(group)
            await self._chanx_group_hub().leave(group, self)
