"""Tests for ``MessageUnion``."""

from abc import ABC
from typing import Any, Literal

import pytest
from pydantic import ValidationError, create_model

from chanx.messages import BaseMessage, DuplicateActionError, MessageUnion, PingMessage


class ChatMessage(BaseMessage):
    """A chat line."""

    action: Literal["chat"] = "chat"
    payload: str


class GreetingMessage(BaseMessage):
    """A greeting with two spellings."""

    action: Literal["hello", "hi"] = "hello"


class AbstractEnvelope(BaseMessage, ABC):
    """An abstract intermediate base."""


@pytest.fixture
def union() -> MessageUnion[BaseMessage]:
    return MessageUnion(PingMessage, ChatMessage, GreetingMessage)


def _error_types(excinfo: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return [error["type"] for error in excinfo.value.errors()]


@pytest.mark.parametrize(
    ("frame", "cls"),
    [
        ('{"action": "chat", "payload": "hello"}', ChatMessage),
        ('{"action": "ping"}', PingMessage),
        ('{"action": "hello"}', GreetingMessage),
        ('{"action": "hi"}', GreetingMessage),
    ],
)
def test_parse_json_str_picks_class_by_action(
    union: MessageUnion[BaseMessage], frame: str, cls: type[BaseMessage]
) -> None:
    """``parse_json`` turns JSON text into the member class its action names."""
    assert type(union.parse_json(frame)) is cls


def test_parse_json_accepts_bytes(union: MessageUnion[BaseMessage]) -> None:
    """``parse_json`` accepts the frame as bytes."""
    message = union.parse_json(b'{"action": "chat", "payload": "bytes"}')
    assert message == ChatMessage(payload="bytes")


def test_parse_json_accepts_bytearray(union: MessageUnion[BaseMessage]) -> None:
    """``parse_json`` accepts the frame as a bytearray."""
    message = union.parse_json(bytearray(b'{"action": "chat", "payload": "ba"}'))
    assert message == ChatMessage(payload="ba")


def test_parse_keeps_the_alternative_action_value(union: MessageUnion[BaseMessage]) -> None:
    """A frame using a non-default Literal value keeps that value after parsing."""
    message = union.parse_json('{"action": "hi"}')
    assert message.action == "hi"


def test_parse_dict_picks_class_by_action(union: MessageUnion[BaseMessage]) -> None:
    """``parse`` turns a decoded dict into the member class its action names."""
    message = union.parse({"action": "chat", "payload": "dict"})
    assert message == ChatMessage(payload="dict")


def test_parse_validates_the_member_fields(union: MessageUnion[BaseMessage]) -> None:
    """A frame whose action matches but whose payload is wrong reports the member's error."""
    with pytest.raises(ValidationError) as excinfo:
        union.parse({"action": "chat", "payload": 3})
    errors = excinfo.value.errors()
    assert [(e["type"], e["loc"]) for e in errors] == [("string_type", ("chat", "payload"))]


def test_single_class_union_parses() -> None:
    """A union of one class parses that class's frames."""
    single = MessageUnion(ChatMessage)
    assert single.parse_json('{"action": "chat", "payload": "x"}') == ChatMessage(payload="x")
    assert single.parse({"action": "chat", "payload": "y"}) == ChatMessage(payload="y")


def test_single_class_union_rejects_another_action() -> None:
    """A union of one class refuses a frame naming another action as an unknown tag."""
    single = MessageUnion(ChatMessage)
    with pytest.raises(ValidationError) as excinfo:
        single.parse_json('{"action": "ping", "payload": "x"}')
    assert _error_types(excinfo) == ["union_tag_invalid"]


def test_single_class_union_requires_the_action() -> None:
    """A union of one class refuses a frame without action, like any union."""
    single = MessageUnion(ChatMessage)
    with pytest.raises(ValidationError) as excinfo:
        single.parse_json('{"payload": "x"}')
    assert _error_types(excinfo) == ["union_tag_not_found"]


def test_unknown_action_is_union_tag_invalid(union: MessageUnion[BaseMessage]) -> None:
    """An action no member declares fails with ``union_tag_invalid``."""
    with pytest.raises(ValidationError) as excinfo:
        union.parse_json('{"action": "nope"}')
    assert _error_types(excinfo) == ["union_tag_invalid"]


def test_missing_action_is_union_tag_not_found(union: MessageUnion[BaseMessage]) -> None:
    """A frame without an action fails with ``union_tag_not_found``."""
    with pytest.raises(ValidationError) as excinfo:
        union.parse_json('{"payload": "x"}')
    assert _error_types(excinfo) == ["union_tag_not_found"]


@pytest.mark.parametrize("frame", ["[1, 2]", '"chat"', "3", "null"])
def test_json_non_object_is_dict_type(union: MessageUnion[BaseMessage], frame: str) -> None:
    """JSON that is not an object fails with ``dict_type``."""
    with pytest.raises(ValidationError) as excinfo:
        union.parse_json(frame)
    assert _error_types(excinfo) == ["dict_type"]


@pytest.mark.parametrize("data", [[1, 2], "chat", 3, None])
def test_python_non_dict_is_model_attributes_type(
    union: MessageUnion[BaseMessage], data: object
) -> None:
    """A decoded value that is not a dict fails with ``model_attributes_type``."""
    with pytest.raises(ValidationError) as excinfo:
        union.parse(data)
    assert _error_types(excinfo) == ["model_attributes_type"]


@pytest.mark.parametrize("frame", ["{bad", "", b"\xff"])
def test_invalid_json_is_json_invalid(union: MessageUnion[BaseMessage], frame: str | bytes) -> None:
    """Text that is not JSON fails with ``json_invalid``."""
    with pytest.raises(ValidationError) as excinfo:
        union.parse_json(frame)
    assert _error_types(excinfo) == ["json_invalid"]


def test_duplicate_action_raises_naming_both_classes() -> None:
    """Two classes claiming one action raise DuplicateActionError naming the action and both."""

    class Talk(BaseMessage):
        action: Literal["speak", "chat"] = "speak"

    with pytest.raises(DuplicateActionError) as excinfo:
        MessageUnion(ChatMessage, Talk)
    text = str(excinfo.value)
    assert "'chat'" in text
    assert f"{__name__}.ChatMessage" in text
    assert f"{Talk.__module__}.{Talk.__qualname__}" in text


def test_duplicate_action_error_is_a_type_error() -> None:
    """``DuplicateActionError`` can be caught as a TypeError."""

    class OtherPing(BaseMessage):
        action: Literal["ping"] = "ping"

    assert issubclass(DuplicateActionError, TypeError)
    with pytest.raises(TypeError, match="'ping' is declared by both"):
        MessageUnion(PingMessage, OtherPing)


def test_subclass_and_parent_in_one_union_clash() -> None:
    """A subclass inherits its parent's action, so listing both is a duplicate."""

    class MyPing(PingMessage):
        """A ping subclass."""

    with pytest.raises(DuplicateActionError, match=r"PingMessage and .*MyPing"):
        MessageUnion(PingMessage, MyPing)


def test_same_class_twice_is_deduplicated() -> None:
    """Giving one class twice keeps it once, in first-given order."""
    union = MessageUnion(ChatMessage, PingMessage, ChatMessage)
    assert union.types == (ChatMessage, PingMessage)
    assert len(union) == 2
    assert union.parse_json('{"action": "chat", "payload": "x"}') == ChatMessage(payload="x")


def test_types_keep_given_order() -> None:
    """``types`` lists the classes in the order given."""
    assert MessageUnion(GreetingMessage, PingMessage).types == (GreetingMessage, PingMessage)


def test_non_message_class_raises_type_error() -> None:
    """A class that is not a BaseMessage subclass raises TypeError."""
    with pytest.raises(TypeError, match="is not a BaseMessage subclass"):
        MessageUnion(PingMessage, dict)  # type: ignore[type-var]  # the mistake under test


def test_instance_instead_of_class_raises_type_error() -> None:
    """A message instance instead of a class raises TypeError."""
    with pytest.raises(TypeError, match="is not a BaseMessage subclass"):
        MessageUnion(PingMessage())  # type: ignore[arg-type]  # the mistake under test


def test_abstract_class_raises_type_error() -> None:
    """An abstract message base raises TypeError saying it has no action."""
    with pytest.raises(TypeError, match=r"AbstractEnvelope is an abstract message base"):
        MessageUnion(PingMessage, AbstractEnvelope)


def test_base_message_itself_raises_type_error() -> None:
    """``BaseMessage`` is abstract and cannot be a member."""
    with pytest.raises(TypeError, match="abstract"):
        MessageUnion(BaseMessage)


def test_empty_union_raises_type_error() -> None:
    """A union needs at least one class."""
    with pytest.raises(TypeError, match="at least one message class"):
        MessageUnion[BaseMessage]()


def test_annotation_works_as_a_field_type() -> None:
    """``annotation`` used as a field type validates nested frames into the right class."""
    union = MessageUnion(PingMessage, ChatMessage)
    envelope = create_model("Envelope", frame=(union.annotation, ...))
    parsed = envelope.model_validate_json('{"frame": {"action": "chat", "payload": "nested"}}')
    assert parsed.model_dump() == {"frame": {"action": "chat", "payload": "nested"}}
    assert type(getattr(parsed, "frame")) is ChatMessage  # noqa: B009  # create_model is untyped
    with pytest.raises(ValidationError) as excinfo:
        envelope.model_validate({"frame": {"action": "nope"}})
    assert _error_types(excinfo) == ["union_tag_invalid"]


def test_annotation_schema_uses_action_discriminator() -> None:
    """The annotation's JSON schema is a ``oneOf`` discriminated on ``action``."""
    union = MessageUnion(PingMessage, ChatMessage)
    schema: dict[str, Any] = union.adapter.json_schema()
    assert schema["discriminator"]["propertyName"] == "action"
    assert schema["discriminator"]["mapping"] == {
        "ping": "#/$defs/PingMessage",
        "chat": "#/$defs/ChatMessage",
    }
    assert [member["$ref"] for member in schema["oneOf"]] == [
        "#/$defs/PingMessage",
        "#/$defs/ChatMessage",
    ]


def test_by_action_maps_every_action_to_its_class(union: MessageUnion[BaseMessage]) -> None:
    """``by_action`` has one entry per Literal value, pointing at the declaring class."""
    assert dict(union.by_action) == {
        "ping": PingMessage,
        "chat": ChatMessage,
        "hello": GreetingMessage,
        "hi": GreetingMessage,
    }


def test_by_action_is_read_only(union: MessageUnion[BaseMessage]) -> None:
    """``by_action`` cannot be changed after the union is built."""
    with pytest.raises(TypeError):
        union.by_action["new"] = ChatMessage  # type: ignore[index]  # the mistake under test
    assert "new" not in union.by_action


def test_adapter_is_built_once(union: MessageUnion[BaseMessage]) -> None:
    """Repeated access to ``adapter`` returns the same TypeAdapter object."""
    first = union.adapter
    union.parse_json('{"action": "ping"}')
    assert union.adapter is first


def test_contains_and_len(union: MessageUnion[BaseMessage]) -> None:
    """``in`` tests membership by class and ``len`` counts member classes."""
    assert ChatMessage in union
    assert AbstractEnvelope not in union
    assert len(union) == 3


def test_iterating_yields_member_classes(union: MessageUnion[BaseMessage]) -> None:
    """Iterating the union yields its classes in order."""
    # ``__iter__`` is called directly because it is annotated as returning ``Iterable``, not
    # ``Iterator``, so mypy rejects ``for cls in union`` and ``list(union)`` (a source bug).
    assert list(union.__iter__()) == [PingMessage, ChatMessage, GreetingMessage]


def test_repr_lists_class_names(union: MessageUnion[BaseMessage]) -> None:
    """The repr names the member classes."""
    assert repr(union) == "MessageUnion(PingMessage, ChatMessage, GreetingMessage)"


def test_instance_has_no_dict() -> None:
    """``MessageUnion`` uses slots, so no stray attributes can be set on it."""
    union = MessageUnion(PingMessage)
    with pytest.raises(AttributeError):
        union.extra = 1  # type: ignore[attr-defined]  # the mistake under test
