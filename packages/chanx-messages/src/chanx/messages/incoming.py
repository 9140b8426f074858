"""Standard frames a client sends to every Chanx server."""

from chanx.messages._standard import PingMessage

__all__ = ["PingMessage"]
