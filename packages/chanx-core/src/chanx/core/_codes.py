"""Every close code Chanx sends, in one place.

Codes below 4000 are the WebSocket protocol's own (RFC 6455, section 7.4.1). Codes from 4000
follow one rule: ``4000 + the HTTP status`` that would answer the same problem over HTTP, so a
client author who knows HTTP can read them without a table.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

LAYER_MISSING_CLOSE_CODE: Final = 1011
"""The consumer needs a channel layer and the server has none (a misconfigured server)."""

SETUP_FAILED_CLOSE_CODE: Final = 1011
"""Setting the connection up raised: joining a group (a name the layer refuses, say) or the
application's ``post_authentication``. The server logs ``chanx.connect.failed`` with the
traceback; the client sees only the code."""

SLOW_CLIENT_CLOSE_CODE: Final = 1013
"""The client stopped reading while ``max_outbound_messages`` frames waited for it."""

IDLE_CLOSE_CODE: Final = 4408
"""No frame from the client for ``idle_timeout`` seconds (HTTP 408, Request Timeout); an
authenticator slower than ``authentication_timeout`` closes with it too (status 408)."""

RATE_LIMIT_CLOSE_CODE: Final = 4429
"""The client kept sending far past its rate limit (HTTP 429, Too Many Requests)."""

AUTH_CLOSE_CODE_BASE: Final = 4000
"""A failed authentication closes with ``4000 + status_code``: 4401, 4403, 4404, 4500, and
any other status an authenticator returns (a throttled one 4429)."""

CLOSE_CODES: Final[Mapping[int, str]] = {
    1011: (
        "The server could not set the connection up: it has no channel layer for a consumer "
        "that needs one, or joining a group or post_authentication raised (see its log)."
    ),
    1013: "The client stopped reading while max_outbound_messages frames waited for it.",
    4401: "Authentication failed: no or invalid credentials.",
    4403: "Authentication failed: the credentials do not allow this connection.",
    4404: "Authentication failed: the object the connection is about does not exist.",
    4408: (
        "No frame from the client for idle_timeout seconds, or the authenticator took longer "
        "than authentication_timeout."
    ),
    4429: (
        "Too many requests: the client kept sending past its rate limit (rate_limit's "
        "close_after), or the authenticator refused it as throttled (status 429)."
    ),
    4500: "Authentication failed: the authenticator raised an error.",
}
"""What each close code Chanx sends means (also published in the AsyncAPI document)."""
