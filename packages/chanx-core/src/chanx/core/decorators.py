"""Decorators that declare a consumer's handlers and channel documentation."""

from chanx.core._decorators import channel, event_handler, ws_handler

__all__ = ["channel", "event_handler", "ws_handler"]
