"""The ``fanout`` scenario's messages, for both Chanx versions.

``chanx.messages.base.BaseMessage`` exists both in the workspace and in the released chanx
2.13.0, so this module imports in either environment and each server builds the same classes
on its own Chanx. On the wire they are :func:`bench.apps._fanout_wire.shout_frame` and
:func:`bench.apps._fanout_wire.news`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from chanx.messages.base import BaseMessage


class ShoutPayload(BaseModel):
    """One broadcast: its number in the run and its text."""

    seq: int
    text: str


class ShoutMessage(BaseMessage):
    """Sent by the sender: broadcast this to the group."""

    action: Literal["shout"] = "shout"
    payload: ShoutPayload


class NewsMessage(BaseMessage):
    """What every member of the group receives for a shout."""

    action: Literal["news"] = "news"
    payload: ShoutPayload
