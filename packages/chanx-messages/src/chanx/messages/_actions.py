"""Action names that Chanx itself puts on the wire.

Every layer and every client refers to these constants instead of spelling the strings, so a
rename can never leave one side behind.
"""

from typing import Final, Literal

ACTION_PING: Final[Literal["ping"]] = "ping"
"""A client's liveness probe."""

ACTION_PONG: Final[Literal["pong"]] = "pong"
"""The server's answer to :data:`ACTION_PING`."""

ACTION_ERROR: Final[Literal["error"]] = "error"
"""A frame the server sends when it could not process what the client sent."""

ACTION_AUTHENTICATION: Final[Literal["authentication"]] = "authentication"
"""The result of authenticating a connection, sent once after the handshake."""

ACTION_COMPLETE: Final[Literal["complete"]] = "complete"
"""Sent after a client frame has been fully handled, every reply included."""

ACTION_GROUP_COMPLETE: Final[Literal["group_complete"]] = "group_complete"
"""Sent by each recipient after it has relayed a group broadcast to its client."""

ACTION_EVENT_COMPLETE: Final[Literal["event_complete"]] = "event_complete"
"""Sent after a server-side event has been handled for a connection."""

RESERVED_ACTIONS: Final[frozenset[str]] = frozenset(
    {
        ACTION_ERROR,
        ACTION_AUTHENTICATION,
        ACTION_COMPLETE,
        ACTION_GROUP_COMPLETE,
        ACTION_EVENT_COMPLETE,
    }
)
"""Actions a client may receive from Chanx itself and that no handler may accept as input."""
