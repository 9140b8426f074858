"""Routing helpers for a project's ``routing.py``: ``path``, ``re_path``, ``include``."""

from channels.routing import URLRouter

from chanx.ext.channels._routing import (
    ASGIApplication,
    WebsocketRoute,
    include,
    path,
    re_path,
)

__all__ = [
    "ASGIApplication",
    "URLRouter",
    "WebsocketRoute",
    "include",
    "path",
    "re_path",
]
