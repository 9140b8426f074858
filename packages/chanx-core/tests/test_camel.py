"""Unit tests for camelCase / snake_case key translation."""

import copy
import random
import string
from collections.abc import Callable
from typing import Any

import humps
import pytest

from chanx.core import _camel
from chanx.core._camel import camel_name, camelize_keys, snake_keys


def unique_word() -> str:
    """Return a lower-case word no earlier test has put in the memo."""
    return "".join(random.choices(string.ascii_lowercase, k=12))


SNAKE = {
    "user_name": "user_name",
    "room_id": 7,
    "nested_object": {"first_name": "first_name", "last_seen_at": None},
    "member_list": [{"display_name": "a"}, [{"inner_key": "inner_key"}], "plain_string", 3],
    "empty_dict": {},
    "already": True,
}
CAMEL = {
    "userName": "user_name",
    "roomId": 7,
    "nestedObject": {"firstName": "first_name", "lastSeenAt": None},
    "memberList": [{"displayName": "a"}, [{"innerKey": "inner_key"}], "plain_string", 3],
    "emptyDict": {},
    "already": True,
}


def test_camelize_keys_recurses_into_dicts_and_lists_leaving_values_alone() -> None:
    """Every key at every depth turns camelCase; no value changes, even "user_name"."""
    assert camelize_keys(SNAKE) == CAMEL


def test_snake_keys_recurses_into_dicts_and_lists_leaving_values_alone() -> None:
    """Every key at every depth turns snake_case; no value changes, even "userName"."""
    assert snake_keys(CAMEL) == SNAKE
    assert snake_keys({"someKey": "someValue"}) == {"some_key": "someValue"}


def test_translation_does_not_mutate_its_input() -> None:
    """The input structure is left as it was."""
    original = copy.deepcopy(SNAKE)
    camelize_keys(SNAKE)
    snake_keys(SNAKE)
    assert original == SNAKE


@pytest.mark.parametrize("translate", [camelize_keys, snake_keys])
@pytest.mark.parametrize("value", [None, 1, 2.5, "top_level", True, ("a_b",)], ids=repr)
def test_non_containers_pass_through_unchanged(
    translate: Callable[[Any], Any], value: object
) -> None:
    """Scalars (and tuples, which JSON never produces) are returned as they are."""
    assert translate(value) is value


def test_non_string_keys_are_kept() -> None:
    """Keys that are not strings are kept as they are; their values are still walked."""
    assert camelize_keys({1: {"x_y": 1}, None: 2}) == {1: {"xY": 1}, None: 2}
    assert snake_keys({1: {"xY": 1}, None: 2}) == {1: {"x_y": 1}, None: 2}


def test_camel_name_converts_one_field_name() -> None:
    """``camel_name`` is the single-key form used for error locations."""
    assert camel_name("user_name") == "userName"
    assert camel_name("payload") == "payload"


@pytest.mark.parametrize(
    ("translate", "converter", "cache", "key", "expected"),
    [
        (camelize_keys, "camelize", _camel._TO_CAMEL, "memo_{0}_key", "memo{1}Key"),
        (snake_keys, "decamelize", _camel._TO_SNAKE, "memo{1}Key", "memo_{0}_key"),
    ],
    ids=["camel", "snake"],
)
def test_each_distinct_key_is_converted_once(
    monkeypatch: pytest.MonkeyPatch,
    translate: Callable[[Any], Any],
    converter: str,
    cache: dict[str, str],
    key: str,
    expected: str,
) -> None:
    """Repeated keys are answered from the memo: pyhumps runs once per distinct key."""
    unique = unique_word()
    key = key.format(unique, unique.capitalize())
    expected = expected.format(unique, unique.capitalize())
    calls: list[str] = []
    real = getattr(humps, converter)

    def counting(text: str) -> str:
        calls.append(text)
        result: str = real(text)
        return result

    monkeypatch.setattr(humps, converter, counting)
    first = translate({key: 1, "nested": [{key: 2}]})
    second = translate({key: 3})
    assert first == {expected: 1, "nested": [{expected: 2}]}
    assert second == {expected: 3}
    assert calls.count(key) == 1
    assert cache[key] == expected


def test_a_full_memo_still_converts_without_growing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the memo's limit keys are still converted correctly, just not remembered."""
    monkeypatch.setattr(_camel, "_CACHE_LIMIT", len(_camel._TO_CAMEL))
    unique = unique_word()
    key = f"overflow_{unique}_key"
    size = len(_camel._TO_CAMEL)
    assert camelize_keys({key: 1}) == {f"overflow{unique.capitalize()}Key": 1}
    assert key not in _camel._TO_CAMEL
    assert len(_camel._TO_CAMEL) == size
