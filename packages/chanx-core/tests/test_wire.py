"""Unit tests for frame encoding and the error frames that answer bad client input."""

import datetime
import enum
import json
import uuid
from typing import Annotated, Any, Literal

import pytest
from pydantic import BaseModel, Field, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from chanx.core._camel import snake_keys
from chanx.core._wire import (
    COMPLETE_FRAME,
    EVENT_COMPLETE_FRAME,
    GROUP_COMPLETE_FRAME,
    INVALID_JSON_FRAME,
    NO_HANDLERS_FRAME,
    NOT_AN_OBJECT_FRAME,
    encode,
    error_frame,
    handler_failed_frame,
    validation_error_frame,
)
from chanx.messages import BaseMessage, MessageUnion, PingMessage, PongMessage

SECRET = "s3cr3t-T0KEN-7f9a"
"""A value no error text would ever contain unless it echoed the client's input."""


class Kind(enum.Enum):
    LOW = "low"
    HIGH = "high"


class Circle(BaseModel):
    shape: Literal["circle"] = "circle"
    radius: float


class Square(BaseModel):
    shape: Literal["square"] = "square"
    side: float


class Profile(BaseModel):
    user_name: str
    age: int = 0
    score: float = 0.0
    active: bool = False
    born: datetime.date | None = None
    seen_at: datetime.datetime | None = None
    ident: uuid.UUID | None = None
    level: Literal["low", "high"] = "low"
    kind: Kind = Kind.LOW
    numbers: list[int] = []
    limits: dict[str, int] = {}
    nick: Annotated[str, Field(max_length=3)] = ""
    code: Annotated[str, Field(pattern=r"^[0-9]+$")] = "1"
    figure: Annotated[Circle | Square, Field(discriminator="shape")] | None = None


class ProfileMessage(BaseMessage):
    """Carries a profile with fields of many types."""

    action: Literal["profile"] = "profile"
    payload: Profile


class ChatMessage(BaseMessage):
    """A chat line."""

    action: Literal["chat"] = "chat"
    payload: str


UNION = MessageUnion(PingMessage, ProfileMessage, ChatMessage)


def failure(text: str, union: MessageUnion[Any] = UNION) -> ValidationError:
    """Return the validation error that parsing ``text`` raises."""
    with pytest.raises(ValidationError) as info:
        union.parse_json(text)
    return info.value


def frame_for(text: str, camelize: bool = False, union: MessageUnion[Any] = UNION) -> Any:
    """Return the decoded error frame that answers ``text``."""
    frame = validation_error_frame(failure(text, union), union, camelize)
    decoded = json.loads(frame)
    assert decoded["action"] == "error"
    return decoded


# ---------------------------------------------------------------------------- encode


def test_encode_without_camelize_is_the_model_json() -> None:
    """Without camelize the frame is exactly Pydantic's compact JSON."""
    message = ProfileMessage(payload=Profile(user_name="user_name", seen_at=None))
    assert encode(message, camelize=False) == message.model_dump_json()


def test_encode_with_camelize_turns_keys_not_values() -> None:
    """With camelize every key is camelCase, values stay as they are, and the JSON is compact."""
    message = ProfileMessage(payload=Profile(user_name="user_name", limits={"max_size": 2}))
    text = encode(message, camelize=True)
    assert ", " not in text
    assert ": " not in text
    data = json.loads(text)
    assert data["action"] == "profile"
    assert data["payload"]["userName"] == "user_name"
    assert data["payload"]["seenAt"] is None
    assert data["payload"]["limits"] == {"maxSize": 2}
    assert "user_name" not in data["payload"]


def test_encode_with_camelize_matches_the_plain_encoding_once_keys_are_snaked() -> None:
    """Camelizing changes keys only: snake-casing them back gives the plain frame."""
    message = ChatMessage(payload="hello_world")
    assert snake_keys(json.loads(encode(message, camelize=True))) == json.loads(
        encode(message, camelize=False)
    )
    assert encode(PongMessage(), camelize=True) == '{"action":"pong","payload":null}'


# ---------------------------------------------------------------------------- fixed frames


def test_fixed_frames_have_the_documented_shape() -> None:
    """Completion and error frames are compact JSON with the expected action and payload."""
    assert json.loads(COMPLETE_FRAME) == {"action": "complete", "payload": None}
    assert json.loads(GROUP_COMPLETE_FRAME) == {"action": "group_complete", "payload": None}
    assert json.loads(EVENT_COMPLETE_FRAME) == {"action": "event_complete", "payload": None}
    assert json.loads(error_frame("Nope")) == {"action": "error", "payload": {"detail": "Nope"}}
    assert json.loads(handler_failed_frame("chat")) == {
        "action": "error",
        "payload": {"detail": "Failed to process message for chat"},
    }
    assert json.loads(NO_HANDLERS_FRAME)["payload"][0]["loc"] == ["action"]


# ---------------------------------------------------------------------------- error frames


@pytest.mark.parametrize("text", ["not json", "{", '{"action": "chat",}', ""])
def test_invalid_json_gets_a_single_detail(text: str) -> None:
    """Text that is not JSON is answered with ``{"detail": "Invalid JSON"}``."""
    frame = validation_error_frame(failure(text), UNION, camelize=False)
    assert frame == INVALID_JSON_FRAME
    assert json.loads(frame)["payload"] == {"detail": "Invalid JSON"}


@pytest.mark.parametrize("text", ["[1, 2]", '"chat"', "42", "null", "true"])
def test_json_that_is_not_an_object_gets_a_single_detail(text: str) -> None:
    """A JSON array, string, number, null or bool is answered with one detail."""
    frame = validation_error_frame(failure(text), UNION, camelize=False)
    assert frame == NOT_AN_OBJECT_FRAME
    assert json.loads(frame)["payload"] == {"detail": "The message must be a JSON object"}


def test_non_object_detail_also_applies_to_a_single_message_union() -> None:
    """With one member class (no discriminator) a non-object is still one detail."""
    union = MessageUnion(ChatMessage)
    assert validation_error_frame(failure("[1]", union), union, False) == NOT_AN_OBJECT_FRAME


def test_missing_action_is_a_union_tag_not_found_at_action() -> None:
    """A frame without ``action`` gets one item located at ``["action"]``."""
    frame = frame_for('{"payload": "hi"}')
    assert frame["payload"] == [
        {
            "type": "union_tag_not_found",
            "loc": ["action"],
            "msg": "The message has no action; expected one of: chat, ping, profile",
        }
    ]


def test_unknown_action_is_a_union_tag_invalid_that_does_not_repeat_it() -> None:
    """An unknown action is reported at ``["action"]`` without quoting what was sent."""
    frame = frame_for(json.dumps({"action": SECRET, "payload": None}))
    (item,) = frame["payload"]
    assert item["type"] == "union_tag_invalid"
    assert item["loc"] == ["action"]
    assert SECRET not in item["msg"]
    assert item["msg"] == "Unknown action; expected one of: chat, ping, profile"


def test_field_errors_are_located_without_the_union_tag() -> None:
    """Field errors point into the frame, not into the union member's tag."""
    frame = frame_for('{"action": "profile", "payload": {"age": "x"}}')
    items = {tuple(item["loc"]): item["type"] for item in frame["payload"]}
    assert items == {("payload", "user_name"): "missing", ("payload", "age"): "int_parsing"}


def test_field_errors_of_a_single_message_union_are_located_plainly() -> None:
    """With one member class there is no tag to strip and the location is kept whole."""
    union = MessageUnion(ChatMessage)
    frame = frame_for('{"action": "chat", "payload": 5}', union=union)
    assert frame["payload"] == [
        {"type": "string_type", "loc": ["payload"], "msg": "Input should be a valid string"}
    ]


def test_locations_are_camelized_when_the_consumer_camelizes() -> None:
    """With camelize on, field names in locations are camelCase, as the client wrote them."""
    data = snake_keys({"action": "profile", "payload": {"userName": "a", "seenAt": "x"}})
    with pytest.raises(ValidationError) as info:
        UNION.parse(data)
    frame = json.loads(validation_error_frame(info.value, UNION, camelize=True))
    assert [item["loc"] for item in frame["payload"]] == [["payload", "seenAt"]]
    uncamelized = json.loads(validation_error_frame(info.value, UNION, camelize=False))
    assert [item["loc"] for item in uncamelized["payload"]] == [["payload", "seen_at"]]


def test_list_indexes_stay_numbers_in_locations() -> None:
    """Integer positions in a location are kept as integers, camelized or not."""
    text = '{"action": "profile", "payload": {"user_name": "a", "numbers": [1, "x"]}}'
    for camelize in (False, True):
        (item,) = frame_for(text, camelize=camelize)["payload"]
        assert item["loc"] == ["payload", "numbers", 1]


def test_a_tagged_union_inside_the_payload_keeps_its_own_location() -> None:
    """A bad tag of a union inside the payload is reported where it is, not as the action."""
    invalid = frame_for(
        '{"action": "profile", "payload": {"user_name": "a", "figure": {"shape": "hexagon"}}}'
    )
    assert invalid["payload"] == [
        {
            "type": "union_tag_invalid",
            "loc": ["payload", "figure"],
            "msg": "Unknown tag; expected one of: 'circle', 'square'",
        }
    ]
    missing = frame_for('{"action": "profile", "payload": {"user_name": "a", "figure": {}}}')
    (item,) = missing["payload"]
    assert (item["type"], item["loc"]) == ("union_tag_not_found", ["payload", "figure"])


def test_every_item_has_exactly_type_loc_and_msg() -> None:
    """Validation error items carry no input, context or URL keys."""
    frame = frame_for('{"action": "profile", "payload": {"age": "x", "level": "mid"}}')
    assert frame["payload"]
    for item in frame["payload"]:
        assert set(item) == {"type", "loc", "msg"}


SECRET_FRAMES = [
    SECRET,
    json.dumps(SECRET),
    json.dumps([SECRET]),
    json.dumps({"action": SECRET}),
    json.dumps({"action": [SECRET]}),
    json.dumps({"payload": SECRET}),
    json.dumps({"action": "chat", "payload": {"text": SECRET}}),
    json.dumps({"action": "ping", "payload": SECRET}),
    *(
        json.dumps({"action": "profile", "payload": {"user_name": "a", field: SECRET}})
        for field in [
            "age",
            "score",
            "active",
            "born",
            "seen_at",
            "ident",
            "level",
            "kind",
            "numbers",
            "limits",
            "nick",
            "code",
            "figure",
        ]
    ),
    json.dumps({"action": "profile", "payload": {"user_name": "a", "numbers": [1, SECRET]}}),
    json.dumps({"action": "profile", "payload": {"user_name": "a", "limits": {"k": SECRET}}}),
    json.dumps({"action": "profile", "payload": {"user_name": "a", "figure": {"shape": SECRET}}}),
    json.dumps(
        {
            "action": "profile",
            "payload": {"user_name": "a", "figure": {"shape": "circle", "radius": SECRET}},
        }
    ),
    json.dumps({"action": "profile", "payload": {"user_name": 1, "age": SECRET, "nick": SECRET}}),
]


@pytest.mark.parametrize("camelize", [False, True], ids=["snake", "camel"])
@pytest.mark.parametrize("single", [False, True], ids=["union", "single"])
@pytest.mark.parametrize("text", SECRET_FRAMES)
def test_no_error_frame_contains_the_clients_input(text: str, single: bool, camelize: bool) -> None:
    """Whatever the client sent, the error frame never repeats its values."""
    union = MessageUnion(ProfileMessage) if single else UNION
    frame = validation_error_frame(failure(text, union), union, camelize)
    assert SECRET not in frame
    assert SECRET.lower() not in frame.lower()


class Signup(BaseMessage):
    action: Literal["signup"] = "signup"
    payload: str

    @field_validator("payload")
    @classmethod
    def check(cls, value: str) -> str:
        if value.startswith("custom"):
            raise PydanticCustomError("name_taken", "That name is taken")
        if value.startswith("assert"):
            assert value == "", f"internal assertion about {value}"
        raise ValueError(f"lookup of {value} failed in table users_private")


@pytest.mark.parametrize(
    ("payload", "kind", "text"),
    [
        (SECRET, "value_error", "Value error"),
        ("assert" + SECRET, "assertion_error", "Assertion failed"),
        ("custom" + SECRET, "name_taken", "That name is taken"),
    ],
)
def test_a_validator_s_own_text_is_replaced_unless_it_is_a_custom_error(
    payload: str, kind: str, text: str
) -> None:
    """ValueError and assert texts are the application's internals; PydanticCustomError is meant for clients."""
    union = MessageUnion(Signup)
    with pytest.raises(ValidationError) as caught:
        union.parse({"action": "signup", "payload": payload})
    frame = validation_error_frame(caught.value, union, camelize=False)
    assert SECRET not in frame
    assert "users_private" not in frame
    assert json.loads(frame) == {
        "action": "error",
        "payload": [{"type": kind, "loc": ["payload"], "msg": text}],
    }
