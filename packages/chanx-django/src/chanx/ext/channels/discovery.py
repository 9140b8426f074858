"""Route discovery for AsyncAPI: a Channels application's Chanx consumers and their paths."""

from chanx.ext.channels._discovery import (
    WRAPPER_ATTRIBUTES,
    consumer_class,
    discover_routes,
    unwrap,
)

__all__ = ["WRAPPER_ATTRIBUTES", "consumer_class", "discover_routes", "unwrap"]
