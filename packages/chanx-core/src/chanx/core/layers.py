"""The channel-layer interface Chanx relies on, shared by Channels and fast-channels."""

from chanx.core._protocols import ChannelLayer, FrameworkHooks

__all__ = ["ChannelLayer", "FrameworkHooks"]
