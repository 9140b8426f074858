"""Tests for the standard frames and the action constants."""

from typing import Any, Literal

import pytest
from pydantic import BaseModel, ValidationError

from chanx.messages import (
    BaseMessage,
    MessageUnion,
    message_actions,
)
from chanx.messages.actions import (
    ACTION_AUTHENTICATION,
    ACTION_COMPLETE,
    ACTION_ERROR,
    ACTION_EVENT_COMPLETE,
    ACTION_GROUP_COMPLETE,
    ACTION_PING,
    ACTION_PONG,
    RESERVED_ACTIONS,
)
from chanx.messages.incoming import PingMessage
from chanx.messages.outgoing import (
    AuthenticationMessage,
    AuthenticationPayload,
    CompleteMessage,
    ErrorDetail,
    ErrorMessage,
    EventCompleteMessage,
    GroupCompleteMessage,
    PongMessage,
    ValidationErrorItem,
)

NULL_PAYLOAD_FRAMES: list[tuple[BaseMessage, str]] = [
    (PingMessage(), "ping"),
    (PongMessage(), "pong"),
    (CompleteMessage(), "complete"),
    (GroupCompleteMessage(), "group_complete"),
    (EventCompleteMessage(), "event_complete"),
]
NULL_PAYLOAD_IDS = [action for _, action in NULL_PAYLOAD_FRAMES]

STANDARD_MESSAGES: list[type[BaseMessage]] = [
    PingMessage,
    PongMessage,
    CompleteMessage,
    GroupCompleteMessage,
    EventCompleteMessage,
    AuthenticationMessage,
    ErrorMessage,
]

PUBLIC_MODELS: list[type[BaseModel]] = [
    BaseMessage,
    *STANDARD_MESSAGES,
    AuthenticationPayload,
    ErrorDetail,
    ValidationErrorItem,
]


@pytest.mark.parametrize(("message", "action"), NULL_PAYLOAD_FRAMES, ids=NULL_PAYLOAD_IDS)
def test_null_payload_frame_dumps_action_and_null(message: BaseMessage, action: str) -> None:
    """Each payload-less frame, built with no arguments, dumps to its action and a null payload."""
    assert message.model_dump() == {"action": action, "payload": None}


@pytest.mark.parametrize(("message", "action"), NULL_PAYLOAD_FRAMES, ids=NULL_PAYLOAD_IDS)
def test_null_payload_frame_rejects_a_payload(message: BaseMessage, action: str) -> None:
    """A payload-less frame refuses any payload other than null."""
    with pytest.raises(ValidationError) as excinfo:
        type(message).model_validate({"action": action, "payload": {"x": 1}})
    assert excinfo.value.errors()[0]["loc"] == ("payload",)


def test_pong_message_dump() -> None:
    """``PongMessage()`` is ``{"action": "pong", "payload": None}``."""
    assert PongMessage().model_dump() == {"action": "pong", "payload": None}


def test_ping_message_json() -> None:
    """``PingMessage`` serializes to the exact JSON clients send."""
    assert PingMessage().model_dump_json() == '{"action":"ping","payload":null}'


def test_authentication_message_dump() -> None:
    """An authentication frame nests status code, status text and data under payload."""
    message = AuthenticationMessage(
        payload=AuthenticationPayload(status_code=200, status_text="OK", data={"id": 7})
    )
    assert message.model_dump() == {
        "action": "authentication",
        "payload": {"status_code": 200, "status_text": "OK", "data": {"id": 7}},
    }


def test_authentication_payload_data_defaults_to_none() -> None:
    """``AuthenticationPayload.data`` is optional and defaults to ``None``."""
    payload = AuthenticationPayload(status_code=401, status_text="Unauthorized")
    assert payload.model_dump() == {"status_code": 401, "status_text": "Unauthorized", "data": None}


def test_authentication_message_requires_payload() -> None:
    """An authentication frame without a payload is invalid."""
    with pytest.raises(ValidationError) as excinfo:
        AuthenticationMessage.model_validate({"action": "authentication"})
    assert [(e["type"], e["loc"]) for e in excinfo.value.errors()] == [("missing", ("payload",))]


def test_error_message_with_validation_items_dump() -> None:
    """An error frame carries a list of ``{type, loc, msg}`` items."""
    message = ErrorMessage(
        payload=[ValidationErrorItem(type="missing", loc=["payload", 0, "text"], msg="Required")]
    )
    assert message.model_dump() == {
        "action": "error",
        "payload": [{"type": "missing", "loc": ["payload", 0, "text"], "msg": "Required"}],
    }


def test_error_message_with_detail_dump() -> None:
    """An error frame can carry a single ``{"detail": ...}`` object."""
    message = ErrorMessage(payload=ErrorDetail(detail="Something went wrong"))
    assert message.model_dump() == {
        "action": "error",
        "payload": {"detail": "Something went wrong"},
    }


def test_error_message_parses_list_payload_as_validation_items() -> None:
    """A list payload validates into ``ValidationErrorItem`` objects."""
    message = ErrorMessage.model_validate(
        {"action": "error", "payload": [{"type": "string_type", "loc": ["payload"], "msg": "bad"}]}
    )
    assert message.payload == [ValidationErrorItem(type="string_type", loc=["payload"], msg="bad")]


def test_error_message_parses_object_payload_as_detail() -> None:
    """An object payload validates into ``ErrorDetail``."""
    message = ErrorMessage.model_validate({"action": "error", "payload": {"detail": "nope"}})
    assert message.payload == ErrorDetail(detail="nope")


def test_error_detail_keeps_extra_fields() -> None:
    """``ErrorDetail`` allows extra keys and dumps them back."""
    detail = ErrorDetail.model_validate({"detail": "throttled", "retry_after": 3})
    assert detail.model_dump() == {"detail": "throttled", "retry_after": 3}


def test_error_message_requires_payload() -> None:
    """An error frame without a payload is invalid."""
    with pytest.raises(ValidationError):
        ErrorMessage.model_validate({"action": "error"})


def test_validation_error_item_rejects_non_scalar_loc() -> None:
    """``loc`` entries must be field names or indexes."""
    with pytest.raises(ValidationError):
        ValidationErrorItem.model_validate({"type": "t", "loc": [{"a": 1}], "msg": "m"})


ROUND_TRIP_MESSAGES: list[BaseMessage] = [
    PingMessage(),
    PongMessage(),
    CompleteMessage(),
    GroupCompleteMessage(),
    EventCompleteMessage(),
    AuthenticationMessage(
        payload=AuthenticationPayload(status_code=403, status_text="Forbidden", data=[1, "a"])
    ),
    ErrorMessage(payload=[ValidationErrorItem(type="missing", loc=["payload", 1], msg="Required")]),
    ErrorMessage(payload=ErrorDetail(detail="boom")),
]


@pytest.mark.parametrize("message", ROUND_TRIP_MESSAGES, ids=lambda m: type(m).__name__)
def test_json_round_trip(message: BaseMessage) -> None:
    """Dumping a standard frame to JSON and parsing it back gives an equal message."""
    assert type(message).model_validate_json(message.model_dump_json()) == message


@pytest.mark.parametrize("message", ROUND_TRIP_MESSAGES, ids=lambda m: type(m).__name__)
def test_json_round_trip_through_union_of_all_standard_frames(message: BaseMessage) -> None:
    """A union of every standard frame parses each one's JSON back into the same class."""
    union = MessageUnion(*STANDARD_MESSAGES)
    parsed = union.parse_json(message.model_dump_json())
    assert type(parsed) is type(message)
    assert parsed == message


@pytest.mark.parametrize(
    ("cls", "constant"),
    [
        (PingMessage, ACTION_PING),
        (PongMessage, ACTION_PONG),
        (ErrorMessage, ACTION_ERROR),
        (AuthenticationMessage, ACTION_AUTHENTICATION),
        (CompleteMessage, ACTION_COMPLETE),
        (GroupCompleteMessage, ACTION_GROUP_COMPLETE),
        (EventCompleteMessage, ACTION_EVENT_COMPLETE),
    ],
)
def test_action_constant_is_the_class_action(cls: type[BaseMessage], constant: str) -> None:
    """Each ``ACTION_*`` constant is the only action, and the default, of its class."""
    assert message_actions(cls) == (constant,)
    assert cls.model_fields["action"].default == constant


def test_action_constant_values() -> None:
    """The constants spell the wire actions exactly."""
    assert (
        ACTION_PING,
        ACTION_PONG,
        ACTION_ERROR,
        ACTION_AUTHENTICATION,
        ACTION_COMPLETE,
        ACTION_GROUP_COMPLETE,
        ACTION_EVENT_COMPLETE,
    ) == (
        "ping",
        "pong",
        "error",
        "authentication",
        "complete",
        "group_complete",
        "event_complete",
    )


def test_reserved_actions_are_error_authentication_and_completions() -> None:
    """``RESERVED_ACTIONS`` is exactly the frames Chanx sends on its own."""
    assert (
        frozenset({"error", "authentication", "complete", "group_complete", "event_complete"})
        == RESERVED_ACTIONS
    )


@pytest.mark.parametrize("action", [ACTION_PING, ACTION_PONG])
def test_ping_and_pong_are_not_reserved(action: str) -> None:
    """Ping and pong are ordinary actions, not reserved ones."""
    assert action not in RESERVED_ACTIONS


def test_reserved_actions_is_immutable() -> None:
    """``RESERVED_ACTIONS`` is a frozenset, so no layer can add to it at runtime."""
    assert type(RESERVED_ACTIONS) is frozenset


def _missing_descriptions(schema: dict[str, Any]) -> list[str]:
    """Return the titles of models, and ``model.field`` paths, that have no description."""
    missing: list[str] = []
    models = [schema, *schema.get("$defs", {}).values()]
    for model in models:
        title = model.get("title", "?")
        if not model.get("description"):
            missing.append(title)
        for name, prop in model.get("properties", {}).items():
            if not prop.get("description"):
                missing.append(f"{title}.{name}")
    return missing


@pytest.mark.parametrize("mode", ["validation", "serialization"])
@pytest.mark.parametrize("cls", PUBLIC_MODELS, ids=lambda c: c.__name__)
def test_every_public_model_and_field_is_described(
    cls: type[BaseModel], mode: Literal["validation", "serialization"]
) -> None:
    """Every public model, nested models included, documents itself and each field in its schema."""
    schema = cls.model_json_schema(mode=mode)
    assert schema.get("properties"), "the walk must have fields to check"
    assert _missing_descriptions(schema) == []


def test_description_walk_detects_an_undocumented_field() -> None:
    """The schema walk used above reports a model field that has no description."""

    class Undocumented(BaseModel):
        """Documented class."""

        field: int

    assert _missing_descriptions(Undocumented.model_json_schema()) == ["Undocumented.field"]
