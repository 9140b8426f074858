"""The payloads of the ``dispatch`` scenario: plain Pydantic models shared by every contender.

Only Pydantic is imported here, so the script that runs in the released Chanx's own virtualenv
(``dispatch_chanx213.py``) uses the very same payload classes and frame as the workspace's
contenders; each side wraps them in its own Chanx version's message classes.
"""

from __future__ import annotations

import json
from typing import Literal

from pydantic import BaseModel


class Author(BaseModel):
    """Who wrote a chat line."""

    id: int
    name: str
    role: Literal["member", "moderator", "admin"] = "member"


class ChatPayload(BaseModel):
    """A chat line a client sends to a room."""

    room: str
    text: str
    author: Author
    reply_to: int | None = None
    tags: list[str] = []


class ChatReplyPayload(BaseModel):
    """The server's acknowledgement of a chat line, echoing what it stored."""

    message_id: int
    room: str
    text: str
    author: Author
    tags: list[str] = []


class RoomPayload(BaseModel):
    """Join, leave or fetch the history of a room."""

    room: str
    limit: int = 50


class TypingPayload(BaseModel):
    """A client started or stopped typing in a room."""

    room: str
    typing: bool


class EditPayload(BaseModel):
    """A client edits one of its chat lines."""

    message_id: int
    room: str
    text: str


class DeletePayload(BaseModel):
    """A client deletes one of its chat lines."""

    message_id: int
    room: str


class ReactPayload(BaseModel):
    """A client reacts to a chat line with an emoji."""

    message_id: int
    room: str
    emoji: str


class ReadPayload(BaseModel):
    """A client read a room up to a chat line."""

    room: str
    last_read_id: int


class PresencePayload(BaseModel):
    """A client's presence status."""

    status: Literal["online", "away", "busy"]
    note: str | None = None


TEXT = (
    "Hello everyone, the deploy of release 4.2 is done; please report anything odd in #ops today."
)
"""The chat line's text: about 100 bytes, a realistic short message."""

CHAT_FRAME = json.dumps(
    {
        "action": "chat",
        "payload": {
            "room": "lobby",
            "text": TEXT,
            "author": {"id": 42, "name": "alice", "role": "member"},
            "reply_to": 1234,
            "tags": ["deploy", "ops"],
        },
    },
    separators=(",", ":"),
)
"""The measured frame, exactly as a client sends it."""


def chat_reply_payload(payload: ChatPayload, message_id: int) -> ChatReplyPayload:
    """Build the acknowledgement every contender's chat handler sends back.

    Args:
        payload: The received chat line.
        message_id: The id the server gave it.

    Returns:
        The reply's payload.
    """
    return ChatReplyPayload(
        message_id=message_id,
        room=payload.room,
        text=payload.text,
        author=payload.author,
        tags=payload.tags,
    )
