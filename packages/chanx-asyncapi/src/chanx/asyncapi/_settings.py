"""The document-level settings: what no consumer class can tell the generator."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

ASYNCAPI_VERSION = "3.0.0"
"""The AsyncAPI specification version of every generated document."""


@dataclasses.dataclass(frozen=True)
class DocumentSettings:
    """Title, version, servers and other settings of a generated AsyncAPI document."""

    title: str = "Chanx WebSocket API"
    """``info.title``."""
    version: str = "1.0.0"
    """``info.version``: the version of your API, not of Chanx."""
    description: str | None = None
    """``info.description`` (CommonMark), omitted when None."""
    servers: Mapping[str, str | Mapping[str, Any]] = dataclasses.field(default_factory=dict)
    """Servers by name: a URL such as ``wss://api.example.com/base`` or an AsyncAPI Server
    Object (``{"host": ..., "protocol": ...}``) used as given."""
    security_schemes: Mapping[str, Mapping[str, Any]] = dataclasses.field(default_factory=dict)
    """Extra ``components.securitySchemes`` by name; one named like a scheme derived from an
    authenticator replaces it."""
    camelize: bool | None = None
    """camelCase property names everywhere (True), nowhere (False), or as each consumer's
    resolved ``camelize`` setting says (None, the default)."""
    content_type: str = "application/json"
    """``defaultContentType``: Chanx frames are JSON text."""


def server_object(value: str | Mapping[str, Any]) -> dict[str, Any]:
    """Return the AsyncAPI Server Object for a URL or a ready-made object.

    Args:
        value: A URL (``ws://localhost:8000``, ``wss://host/prefix``) or a Server Object.

    Returns:
        A Server Object with ``host``, ``protocol`` and, for a URL with a path, ``pathname``.

    Raises:
        ValueError: When a URL has no scheme or no host.
    """
    if not isinstance(value, str):
        return copy.deepcopy(dict(value))
    parts = urlsplit(value)
    if not parts.scheme or not parts.netloc:
        msg = f"a server URL needs a scheme and a host, like ws://localhost:8000, got {value!r}"
        raise ValueError(msg)
    server: dict[str, Any] = {"host": parts.netloc, "protocol": parts.scheme}
    path = parts.path.rstrip("/")
    if path:
        server["pathname"] = path
    return server
