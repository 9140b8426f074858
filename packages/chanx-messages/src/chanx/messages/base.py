"""The base class of every message: ``from chanx.messages.base import BaseMessage``."""

from chanx.messages._base import BaseMessage, message_actions

__all__ = ["BaseMessage", "message_actions"]
