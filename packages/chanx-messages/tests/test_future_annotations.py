"""Tests that messages work in a module using ``from __future__ import annotations``."""

from __future__ import annotations

from typing import Literal

import pytest
from pydantic import BaseModel

from chanx.messages import BaseMessage, MessageUnion, PingMessage, message_actions


class PostMessage(BaseMessage):
    """A post whose payload type is declared further down the module."""

    action: Literal["post"] = "post"
    """Always ``post``."""

    payload: PostBody
    """The post itself."""


class PostBody(BaseModel):
    """The body of a post."""

    title: str


def test_string_annotations_are_resolved_for_the_action_check() -> None:
    """With postponed annotations, the Literal action is still read correctly."""
    assert message_actions(PostMessage) == ("post",)


def test_forward_referenced_payload_parses_through_a_union() -> None:
    """A payload type defined after the message resolves once the union is used."""
    union = MessageUnion(PingMessage, PostMessage)
    message = union.parse_json('{"action": "post", "payload": {"title": "hi"}}')
    assert isinstance(message, PostMessage)
    assert message.payload.title == "hi"


def test_attribute_docstrings_still_become_descriptions() -> None:
    """Postponed annotations do not stop attribute docstrings from reaching the schema."""
    union = MessageUnion(PostMessage)
    schema = union.adapter.json_schema()
    assert schema["$defs"]["PostMessage"]["properties"]["payload"]["description"] == (
        "The post itself."
    )


def test_message_defined_in_a_function_with_a_local_payload_type() -> None:
    """A message class inside a function can name a payload type local to that function."""

    class Point(BaseModel):
        x: int

    class Move(BaseMessage):
        action: Literal["move"] = "move"
        payload: Point

    assert MessageUnion(Move).parse({"action": "move", "payload": {"x": "2"}}).payload.x == 2


def test_plain_str_action_is_still_rejected() -> None:
    """A string ``action: str`` annotation is resolved and rejected with TypeError."""
    with pytest.raises(TypeError, match=r"\.<locals>\.Loose must declare"):

        class Loose(BaseMessage):
            action: str = "loose"


def test_literal_without_default_is_still_rejected() -> None:
    """A postponed Literal with no default is rejected with TypeError."""
    with pytest.raises(TypeError, match=r"\.<locals>\.NoDefault must declare"):

        class NoDefault(BaseMessage):
            action: Literal["x"]
