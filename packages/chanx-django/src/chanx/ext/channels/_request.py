"""A Django ``HttpRequest`` built from a WebSocket handshake, for DRF authentication.

DRF authentication and permission classes read a request: headers from ``META``, cookies,
the query string, ``request.user`` and ``request.session``. The handshake carries all of
these, so Chanx builds the same ``ASGIRequest`` Django would for an HTTP ``GET`` to the same
path, and attaches the session and user Channels' middleware put in the scope (or resolves
them from the session cookie when no middleware ran).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from importlib import import_module
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.utils.functional import SimpleLazyObject

_SECURE_SCHEMES = frozenset({"wss", "https"})


class HandshakeRequest(ASGIRequest):
    """An ``ASGIRequest`` for a WebSocket scope: method GET, ``ws``/``wss`` read as http(s)."""

    def _get_scheme(self) -> str:
        return "https" if self.scope.get("scheme") in _SECURE_SCHEMES else "http"


def build_http_request(scope: Mapping[str, Any]) -> Any:
    """Return a Django request for the handshake of a WebSocket connection.

    Runs no database query by itself; the session and user it attaches are resolved lazily,
    so call it (and read ``request.user``) in a worker thread.

    Args:
        scope: The connection's ASGI scope.

    Returns:
        A ``GET`` request with the handshake's path, headers, cookies and query string, and
        ``session`` / ``user`` when they can be known.
    """
    request = HandshakeRequest({**scope, "method": "GET"}, io.BytesIO())
    if isinstance(scope.get("cookies"), Mapping):
        request.COOKIES = dict(scope["cookies"])
    session = scope.get("session")
    if session is None:
        session = _session_from_cookie(request)
    if session is not None:
        request.session = session
    user = scope.get("user")
    if user is not None:
        request.user = user
    elif session is not None and apps.is_installed("django.contrib.auth"):
        from django.contrib.auth import get_user

        request.user = SimpleLazyObject(lambda: get_user(request))
    return request


def _session_from_cookie(request: Any) -> Any:
    if not apps.is_installed("django.contrib.sessions"):
        return None
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not key:
        return None
    engine = import_module(settings.SESSION_ENGINE)
    return engine.SessionStore(key)
