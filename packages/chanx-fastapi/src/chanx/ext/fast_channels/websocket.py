"""The consumer base class for FastAPI, Starlette and any ASGI app, on fast-channels.

Subclass :class:`AsyncJsonWebsocketConsumer` and route ``YourConsumer.as_asgi()`` (a
:class:`ConsumerApp`).
:class:`ChanxWebsocketMixin` and :data:`ReceiveEvent` are re-exported for consumer bases of
your own.
"""

from chanx.core import ChanxWebsocketMixin, ReceiveEvent
from chanx.ext.fast_channels._consumer import AsyncJsonWebsocketConsumer, ConsumerApp

__all__ = ["AsyncJsonWebsocketConsumer", "ChanxWebsocketMixin", "ConsumerApp", "ReceiveEvent"]
