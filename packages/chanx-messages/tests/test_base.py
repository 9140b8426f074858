"""Tests for ``BaseMessage`` and ``message_actions``."""

from abc import ABC
from collections.abc import Callable
from typing import Generic, Literal, TypeVar

import pytest
from pydantic import ValidationError

from chanx.messages import BaseMessage, PingMessage, message_actions

T = TypeVar("T")


def _qualified(test: Callable[..., object], cls_name: str) -> str:
    """Return the ``module.qualname`` of a class defined inside ``test``."""
    return f"{test.__module__}.{test.__qualname__}.<locals>.{cls_name}"


class ChatMessage(BaseMessage):
    """A chat line typed by a user."""

    action: Literal["chat"] = "chat"
    """Always ``chat``."""

    payload: str
    """The text of the line."""


def test_concrete_message_dumps_action_and_payload() -> None:
    """A concrete subclass dumps to the ``{"action", "payload"}`` wire format."""
    assert ChatMessage(payload="hi").model_dump() == {"action": "chat", "payload": "hi"}


def test_concrete_message_rejects_another_action() -> None:
    """Validating a frame whose action is not the class's Literal fails."""
    with pytest.raises(ValidationError) as excinfo:
        ChatMessage.model_validate({"action": "other", "payload": "hi"})
    assert [error["type"] for error in excinfo.value.errors()] == ["literal_error"]


def test_payload_defaults_to_none() -> None:
    """A subclass that does not redeclare ``payload`` gets ``None`` by default."""

    class Bare(BaseMessage):
        action: Literal["bare"] = "bare"

    assert Bare().model_dump() == {"action": "bare", "payload": None}


def test_subclass_without_action_is_rejected() -> None:
    """A concrete subclass that inherits the open ``action: str`` raises TypeError naming it."""
    with pytest.raises(TypeError) as excinfo:

        class NoAction(BaseMessage):
            payload: int

    name = _qualified(test_subclass_without_action_is_rejected, "NoAction")
    assert str(excinfo.value).startswith(f"{name} must declare its action as a Literal")


def test_subclass_with_plain_str_action_is_rejected() -> None:
    """``action: str`` with a default is not a Literal, so the class raises TypeError."""
    with pytest.raises(TypeError) as excinfo:

        class StrAction(BaseMessage):
            action: str = "chat"

    name = _qualified(test_subclass_with_plain_str_action_is_rejected, "StrAction")
    assert str(excinfo.value).startswith(f"{name} must declare")


def test_literal_action_without_default_is_rejected() -> None:
    """A Literal action with no default raises TypeError naming the class."""
    with pytest.raises(TypeError) as excinfo:

        class NoDefault(BaseMessage):
            action: Literal["chat"]

    name = _qualified(test_literal_action_without_default_is_rejected, "NoDefault")
    assert str(excinfo.value).startswith(f"{name} must declare")


def test_default_outside_the_literal_is_rejected() -> None:
    """A default that is not one of the Literal's values raises TypeError naming the class."""
    with pytest.raises(TypeError) as excinfo:

        class WrongDefault(BaseMessage):
            action: Literal["chat"] = "talk"  # type: ignore[assignment]  # the mistake under test

    name = _qualified(test_default_outside_the_literal_is_rejected, "WrongDefault")
    assert str(excinfo.value).startswith(f"{name} must declare")


def test_non_string_literal_values_are_rejected() -> None:
    """A Literal of integers raises TypeError naming the class."""
    with pytest.raises(TypeError) as excinfo:

        class IntAction(BaseMessage):
            action: Literal[1] = 1  # type: ignore[assignment]  # the mistake under test

    name = _qualified(test_non_string_literal_values_are_rejected, "IntAction")
    assert str(excinfo.value).startswith(f"{name} must declare")


def test_mixed_literal_with_one_non_string_value_is_rejected() -> None:
    """A Literal mixing strings and an integer raises TypeError even if the default is a str."""
    with pytest.raises(TypeError, match=r"\.<locals>\.Mixed must declare"):

        class Mixed(BaseMessage):
            action: Literal["chat", 2] = "chat"  # type: ignore[assignment]  # the mistake under test


def test_error_message_explains_the_fix() -> None:
    """The TypeError shows a correct declaration and mentions abc.ABC for abstract bases."""
    with pytest.raises(TypeError) as excinfo:

        class NoAction(BaseMessage):
            pass

    text = str(excinfo.value)
    assert "action: Literal['chat'] = 'chat'" in text
    assert "abc.ABC" in text


def test_abstract_base_via_abc_may_leave_action_open() -> None:
    """A subclass inheriting ``abc.ABC`` directly is accepted without an action."""

    class Envelope(BaseMessage, ABC):
        request_id: str = ""

    with pytest.raises(
        TypeError, match=r"\.Envelope is an abstract message base and has no action"
    ):
        message_actions(Envelope)


def test_concrete_subclass_of_abstract_base_is_checked() -> None:
    """A subclass of an ``abc.ABC`` base is concrete again, so a missing Literal raises TypeError."""

    class Envelope(BaseMessage, ABC):
        request_id: str = ""

    with pytest.raises(TypeError) as excinfo:

        class Forgot(Envelope):
            payload: int

    name = _qualified(test_concrete_subclass_of_abstract_base_is_checked, "Forgot")
    assert str(excinfo.value).startswith(f"{name} must declare")


def test_concrete_subclass_of_abstract_base_keeps_inherited_fields() -> None:
    """A valid subclass of an ``abc.ABC`` base has its action and the base's fields."""

    class Envelope(BaseMessage, ABC):
        request_id: str = ""

    class Joined(Envelope):
        action: Literal["joined"] = "joined"

    assert message_actions(Joined) == ("joined",)
    assert Joined(request_id="r1").model_dump() == {
        "action": "joined",
        "payload": None,
        "request_id": "r1",
    }


def test_generic_base_is_abstract() -> None:
    """A ``Generic[T]`` message with unbound parameters is abstract and has no actions."""

    class Envelope(BaseMessage, Generic[T]):
        action: Literal["envelope"] = "envelope"
        payload: T

    with pytest.raises(TypeError, match=r"\.Envelope is an abstract message base"):
        message_actions(Envelope)


def test_parametrized_generic_message_is_concrete() -> None:
    """Binding a generic message's parameter gives a concrete class that validates the payload."""

    class Envelope(BaseMessage, Generic[T]):
        action: Literal["envelope"] = "envelope"
        payload: T

    int_envelope = Envelope[int]
    assert message_actions(int_envelope) == ("envelope",)
    assert int_envelope.model_validate({"payload": "3"}).payload == 3
    with pytest.raises(ValidationError):
        int_envelope.model_validate({"payload": "three"})


def test_subclass_of_parametrized_generic_message_is_concrete() -> None:
    """A named subclass of ``Envelope[int]`` inherits the action and the bound payload type."""

    class Envelope(BaseMessage, Generic[T]):
        action: Literal["envelope"] = "envelope"
        payload: T

    class IntEnvelope(Envelope[int]):
        pass

    assert message_actions(IntEnvelope) == ("envelope",)
    assert IntEnvelope(payload=4).model_dump() == {"action": "envelope", "payload": 4}


def test_generic_subclass_that_keeps_the_parameter_stays_abstract() -> None:
    """``Sub(Envelope[T])`` still has an unbound parameter, so it is abstract."""

    class Envelope(BaseMessage, Generic[T]):
        action: Literal["envelope"] = "envelope"
        payload: T

    class Sub(Envelope[T]):
        pass

    with pytest.raises(TypeError, match="abstract"):
        message_actions(Sub)
    assert message_actions(Sub[str]) == ("envelope",)


def test_subclass_of_concrete_message_inherits_action() -> None:
    """A subclass of a concrete message keeps its parent's action without redeclaring it."""

    class LoudPing(PingMessage):
        """A ping that carries nothing extra."""

    assert message_actions(LoudPing) == ("ping",)
    assert LoudPing().model_dump() == {"action": "ping", "payload": None}


def test_message_actions_returns_default_first() -> None:
    """The default comes first, then the other Literal values in declaration order."""

    class Greeting(BaseMessage):
        action: Literal["hello", "hi", "hey"] = "hey"

    assert message_actions(Greeting) == ("hey", "hello", "hi")


def test_message_actions_of_base_message_raises() -> None:
    """``BaseMessage`` itself is abstract, so asking for its actions raises TypeError."""
    with pytest.raises(TypeError, match=r"^chanx\.messages\._base\.BaseMessage is an abstract"):
        message_actions(BaseMessage)


def test_multi_value_action_accepts_each_value() -> None:
    """A message with several Literal values validates each of them."""

    class Greeting(BaseMessage):
        action: Literal["hello", "hi"] = "hello"

    assert Greeting.model_validate({"action": "hi"}).action == "hi"
    assert Greeting().action == "hello"


def test_attribute_docstrings_become_schema_descriptions() -> None:
    """A user message's class and attribute docstrings appear in its JSON schema."""
    schema = ChatMessage.model_json_schema()
    assert schema["description"] == "A chat line typed by a user."
    assert schema["properties"]["action"]["description"] == "Always ``chat``."
    assert schema["properties"]["payload"]["description"] == "The text of the line."


def test_inherited_payload_keeps_base_description() -> None:
    """A subclass that does not redeclare ``payload`` inherits BaseMessage's description."""

    class Bare(BaseMessage):
        action: Literal["bare"] = "bare"

    schema = Bare.model_json_schema()
    assert schema["properties"]["payload"]["description"] == "The data the frame carries."


def test_generic_base_without_action_can_be_parametrized_by_a_concrete_subclass() -> None:
    """A generic base that leaves action open may be parametrized; its subclass sets action."""
    t = TypeVar("t")

    class Envelope(BaseMessage, Generic[t]):
        payload: t

    class IntEnvelope(Envelope[int]):
        action: Literal["int_envelope"] = "int_envelope"

    assert IntEnvelope(payload=3).model_dump() == {"action": "int_envelope", "payload": 3}
    with pytest.raises(TypeError, match="must declare its action"):

        class Missing(Envelope[int]):
            pass
