"""Read what a consumer class declares: for documentation generators and tools."""

from chanx.core._adapters import ADAPTER_ENV_VAR, ENTRY_POINT_GROUP, installed_adapters
from chanx.core._camel import camel_name, camelize_keys, snake_keys
from chanx.core._decorators import ChannelInfo, HandlerOptions, channel_info
from chanx.core._handlers import HandlerSpec, collect_handlers
from chanx.core._routes import Routes

__all__ = [
    "ADAPTER_ENV_VAR",
    "ENTRY_POINT_GROUP",
    "ChannelInfo",
    "HandlerOptions",
    "HandlerSpec",
    "Routes",
    "camel_name",
    "camelize_keys",
    "channel_info",
    "collect_handlers",
    "installed_adapters",
    "snake_keys",
]
