"""The small interfaces the engine needs from a framework, as Protocols the core owns."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class ChannelLayer(Protocol):
    """The part of the ASGI channel layer API Chanx uses (Channels and fast-channels agree)."""

    async def new_channel(self, prefix: str = ...) -> str:
        """Return a new channel name that only this process reads."""

    async def send(self, channel: str, message: dict[str, Any]) -> None:
        """Send a message to one channel."""

    async def receive(self, channel: str) -> dict[str, Any]:
        """Wait for the next message on a channel."""

    async def group_add(self, group: str, channel: str) -> None:
        """Add a channel to a group."""

    async def group_discard(self, group: str, channel: str) -> None:
        """Remove a channel from a group."""

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        """Send a message to every channel of a group."""


class EventLayer(Protocol):
    """The part of a channel layer that publishing needs: Channels' and fast-channels' layers.

    Narrower than :class:`ChannelLayer`, which a consumer needs to receive.
    """

    async def send(self, channel: str, message: dict[str, Any], /) -> None:
        """Send a message to one channel."""

    async def group_send(self, group: str, message: dict[str, Any], /) -> None:
        """Send a message to every channel of a group."""


class FrameworkHooks(Protocol):
    """What an adapter's consumer base class provides to the engine, at class level.

    The engine calls these classmethods; a framework adapter (or a test host) overrides them.
    """

    @classmethod
    def chanx_channel_layer(cls, alias: str | None) -> ChannelLayer | None:
        """Return the channel layer registered under ``alias``, or None."""

    @classmethod
    def chanx_project_settings(cls) -> Mapping[str, Any]:
        """Return project-wide setting defaults, keyed by upper-case name."""
