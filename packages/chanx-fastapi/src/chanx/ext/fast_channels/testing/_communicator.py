"""A WebSocket test client that routes through a FastAPI or Starlette app."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from chanx.core import ChanxWebsocketMixin
from chanx.core.testing import DEFAULT_TIMEOUT
from chanx.core.testing import WebsocketCommunicator as CoreCommunicator
from chanx.ext.fast_channels._discovery import consumer_for_path


class WebsocketCommunicator(CoreCommunicator):
    """Drive a consumer through your FastAPI or Starlette app, in the test's event loop.

    The application is called as the ASGI server would call it, so routing, mounts,
    middleware and path parameters (``self.handshake.path_params``) work as in production.
    Usable as ``async with`` (connects on entry, disconnects on exit); every receive has a
    default timeout.

    Args:
        application: A FastAPI or Starlette app, a router, any ASGI app, or a consumer class
            (served at ``path`` without routing).
        path: The request path, with an optional query string.
        headers: Handshake headers as ``(name, value)`` byte pairs or a dict of strings.
        subprotocols: Subprotocols the client offers.
        consumer: The consumer class under test, so :meth:`send_message` encodes like it;
            found from the app's routes when not given.
        timeout: The default timeout of every receive, in seconds.
        scope: Extra scope keys merged into the scope.
    """

    def __init__(
        self,
        application: Any,
        path: str,
        headers: Iterable[tuple[bytes, bytes]] | dict[str, str] | None = None,
        subprotocols: Iterable[str] | None = None,
        *,
        consumer: type | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        scope: dict[str, Any] | None = None,
    ) -> None:
        if isinstance(application, type) and issubclass(application, ChanxWebsocketMixin):
            consumer = consumer or application
            application = getattr(application, "as_asgi")()  # noqa: B009 - not on the mixin
        elif consumer is None:
            consumer = consumer_for_path(application, urlsplit(path).path)
        super().__init__(
            application,
            path,
            headers,
            subprotocols,
            consumer=consumer,
            timeout=timeout,
            scope=scope,
        )
