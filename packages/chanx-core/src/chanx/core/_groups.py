"""Groups and broadcasts: one encode per broadcast, relayed as text by each recipient."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from chanx.core._consumer_base import ConsumerBase, ReceiveEvent
from chanx.core._logging import logger
from chanx.core._wire import GROUP_COMPLETE_FRAME, encode
from chanx.messages import BaseMessage

BROADCAST_TYPE = "chanx.broadcast"
"""The channel-layer message type of a group broadcast."""


class GroupsMixin(ConsumerBase[ReceiveEvent]):
    """Group membership and broadcasting for a consumer."""

    async def broadcast_message(
        self,
        message: BaseMessage,
        groups: Sequence[str] | None = None,
        exclude_current: bool = False,
    ) -> None:
        """Send a message to every connection in the groups, this one too unless excluded.

        The message is encoded once, here, with this consumer's settings; each recipient
        relays the text as it is.

        Args:
            message: The message.
            groups: Target groups; this connection's groups when not given.
            exclude_current: Skip this connection.

        Raises:
            ChannelLayerMissingError: When the consumer has no channel layer.
        """
        layer = self._chanx_require_layer()
        config = self._chanx_config
        payload: dict[str, Any] = {
            "type": BROADCAST_TYPE,
            "text": encode(message, config.camelize),
            "action": message.action,
        }
        if exclude_current:
            payload["exclude"] = self.channel_name
        for group in self.groups if groups is None else groups:
            await layer.group_send(group, payload)

    async def chanx_broadcast(self, message: Mapping[str, Any]) -> None:
        """Relay a group broadcast to this connection's client (a channel-layer handler)."""
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
            await self._chanx_require_layer().group_add(group, self.channel_name)
            self.groups.append(group)

    async def leave_group(self, group: str) -> None:
        """Remove this connection from a group.

        Args:
            group: The group name.
        """
        if group in self.groups:
            await self._chanx_require_layer().group_discard(group, self.channel_name)
            self.groups.remove(group)
