"""The consumer base classes.

``AsyncJsonWebsocketConsumer`` here is the installed adapter's class, found through the
``chanx.adapters`` entry points: Django Channels' when only ``chanx-django`` is installed,
fast-channels' when only ``chanx-fastapi`` is, and with both, Django's when
``DJANGO_SETTINGS_MODULE`` is set (``CHANX_ADAPTER`` overrides). Importing the framework's own
class (``chanx.ext.channels.websocket`` or ``chanx.ext.fast_channels.websocket``) is the typed,
recommended spelling; this one keeps examples portable.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chanx.core._consumer import LAYER_MISSING_CLOSE_CODE, ChanxWebsocketMixin
from chanx.core._consumer_base import ChannelLayerMissingError, ReceiveEvent
from chanx.core._events import EVENT_TYPE
from chanx.core._groups import BROADCAST_TYPE

__all__ = [
    "BROADCAST_TYPE",
    "EVENT_TYPE",
    "LAYER_MISSING_CLOSE_CODE",
    "AsyncJsonWebsocketConsumer",
    "ChannelLayerMissingError",
    "ChanxWebsocketMixin",
    "ReceiveEvent",
]

if TYPE_CHECKING:

    class AsyncJsonWebsocketConsumer(ChanxWebsocketMixin[ReceiveEvent]):
        """The installed adapter's consumer base class (see the module docstring)."""

else:

    def __getattr__(name: str) -> Any:
        if name == "AsyncJsonWebsocketConsumer":
            from chanx.core._adapters import load_consumer_base

            base = load_consumer_base()
            globals()[name] = base
            return base
        msg = f"module {__name__!r} has no attribute {name!r}"
        raise AttributeError(msg)
