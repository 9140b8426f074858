"""One of two modules with classes of the same names, to prove their names never collide."""

from __future__ import annotations

from typing import Literal

from chanx_asyncapi_host import HostConsumer
from pydantic import BaseModel

from chanx.core import ws_handler
from chanx.messages import BaseMessage


class Profile(BaseModel):
    """A profile of application b."""

    age_years: int = 0


class ChatMessage(BaseMessage):
    """A chat message of application b."""

    action: Literal["talk"] = "talk"
    payload: Profile


class ChatConsumer(HostConsumer):
    """Chat in the second application."""

    @ws_handler
    async def handle(self, message: ChatMessage) -> ChatMessage:
        return message
