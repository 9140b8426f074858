"""Read what a WebSocket handshake carries: query string, headers, cookies, subprotocols."""

from __future__ import annotations

import functools
from collections.abc import Mapping, MutableMapping
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import parse_qs

Scope = MutableMapping[str, Any]


class Handshake:
    """A read-only view of an ASGI ``websocket`` scope, parsed on first access.

    Args:
        scope: The ASGI scope of the connection.
    """

    __slots__ = ("__dict__", "scope")

    def __init__(self, scope: Scope) -> None:
        self.scope = scope

    @property
    def path(self) -> str:
        """The request path."""
        return str(self.scope.get("path", ""))

    @functools.cached_property
    def query_params(self) -> Mapping[str, list[str]]:
        """Query-string parameters, each name with all its values in order."""
        raw = self.scope.get("query_string", b"")
        text = raw.decode("latin-1") if isinstance(raw, bytes) else str(raw)
        return parse_qs(text, keep_blank_values=True)

    def query(self, name: str) -> str | None:
        """Return the last value of a query-string parameter, or None."""
        values = self.query_params.get(name)
        return values[-1] if values else None

    @functools.cached_property
    def headers(self) -> Mapping[str, str]:
        """Headers with lower-case names; repeated headers joined with ``", "``."""
        found: dict[str, str] = {}
        for raw_name, raw_value in self.scope.get("headers", ()):
            name = raw_name.decode("latin-1").lower()
            value = raw_value.decode("latin-1")
            found[name] = f"{found[name]}, {value}" if name in found else value
        return found

    def header(self, name: str) -> str | None:
        """Return one header's value by case-insensitive name, or None."""
        return self.headers.get(name.lower())

    @functools.cached_property
    def cookies(self) -> Mapping[str, str]:
        """Cookies sent with the handshake; an unparsable Cookie header yields none."""
        raw = self.headers.get("cookie")
        if not raw:
            return {}
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(raw)
        except CookieError:
            return {}
        return {name: morsel.value for name, morsel in jar.items()}

    @property
    def subprotocols(self) -> list[str]:
        """The subprotocols the client offered, in its order of preference."""
        return [str(item) for item in self.scope.get("subprotocols", ())]

    @property
    def path_params(self) -> Mapping[str, Any]:
        """Parameters captured from the URL by the framework's router."""
        route = self.scope.get("url_route")
        if isinstance(route, Mapping) and isinstance(route.get("kwargs"), Mapping):
            return dict(route["kwargs"])
        params = self.scope.get("path_params")
        return dict(params) if isinstance(params, Mapping) else {}

    @property
    def client(self) -> tuple[str, int] | None:
        """The client's address and port, when the server reports it."""
        client = self.scope.get("client")
        return (str(client[0]), int(client[1])) if client else None
