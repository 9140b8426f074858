"""Unit tests for settings resolution: precedence, coercion, validation and caching."""

from typing import Any, ClassVar

import pytest
from chanx_core_host import HostConsumer, HostFramework

from chanx.core.settings import DEFAULTS, ConsumerConfig, invalidate_settings, settings_generation


def test_defaults_apply_when_nothing_is_set() -> None:
    """A class with no setting and an empty project gets Chanx's defaults."""

    class Plain:
        pass

    config = ConsumerConfig.resolve(Plain, {})
    assert config == ConsumerConfig(
        camelize=False,
        send_completion=False,
        send_message_immediately=False,
        send_authentication_message=True,
        log_websocket_message=False,
        log_ignored_actions=frozenset(),
        max_concurrent_handlers=1,
        max_pending_messages=32,
        max_outbound_messages=512,
        outbound_overflow="close",
        handler_timeout=None,
        max_message_size=1_048_576,
        rate_limit=None,
        idle_timeout=None,
        heartbeat_interval=None,
        authentication_timeout=10.0,
        generation=settings_generation(),
    )
    assert set(DEFAULTS) == {
        field for field in ConsumerConfig.__dataclass_fields__ if field != "generation"
    }


def test_project_settings_keyed_by_upper_case_name_override_defaults() -> None:
    """A project value, keyed by the setting's upper-case name, beats Chanx's default."""

    class Plain:
        pass

    config = ConsumerConfig.resolve(
        Plain, {"CAMELIZE": True, "MAX_PENDING_MESSAGES": 7, "camelize_lower": "ignored"}
    )
    assert config.camelize is True
    assert config.max_pending_messages == 7


def test_lower_case_project_keys_are_ignored() -> None:
    """Only upper-case project keys count."""

    class Plain:
        pass

    assert ConsumerConfig.resolve(Plain, {"camelize": True}).camelize is False


def test_class_attribute_overrides_project_settings() -> None:
    """A class attribute beats the project's value."""

    class Configured:
        camelize = False
        max_concurrent_handlers = 4

    config = ConsumerConfig.resolve(
        Configured, {"CAMELIZE": True, "MAX_CONCURRENT_HANDLERS": 2, "SEND_COMPLETION": True}
    )
    assert config.camelize is False
    assert config.max_concurrent_handlers == 4
    assert config.send_completion is True


def test_none_class_attribute_means_unset() -> None:
    """``None`` on the class falls through to the project, then to the default."""

    class Unset:
        camelize = None
        send_authentication_message = None

    config = ConsumerConfig.resolve(Unset, {"CAMELIZE": True})
    assert config.camelize is True
    assert config.send_authentication_message is True


def test_inherited_class_attributes_count() -> None:
    """A setting declared on a base class applies to its subclasses."""

    class Base:
        max_pending_messages = 5
        log_ignored_actions: ClassVar[list[str]] = ["ping"]

    class Child(Base):
        pass

    config = ConsumerConfig.resolve(Child, {"MAX_PENDING_MESSAGES": 9})
    assert config.max_pending_messages == 5
    assert config.log_ignored_actions == frozenset({"ping"})


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ping", frozenset({"ping"})),
        (["ping", "pong"], frozenset({"ping", "pong"})),
        (("ping", "ping"), frozenset({"ping"})),
        ({"a", "b"}, frozenset({"a", "b"})),
        (frozenset(), frozenset()),
    ],
    ids=["str", "list", "tuple", "set", "empty"],
)
def test_log_ignored_actions_become_a_frozenset(value: Any, expected: frozenset[str]) -> None:
    """A single string is one action, not its characters; any collection becomes a frozenset."""

    class Plain:
        log_ignored_actions = value

    assert ConsumerConfig.resolve(Plain, {}).log_ignored_actions == expected
    assert ConsumerConfig.resolve(object, {"LOG_IGNORED_ACTIONS": value}).log_ignored_actions == (
        expected
    )


@pytest.mark.parametrize("name", ["max_concurrent_handlers", "max_pending_messages"])
@pytest.mark.parametrize("value", [0, -1, 1.5, "3", True], ids=repr)
def test_invalid_numeric_settings_are_a_value_error(name: str, value: object) -> None:
    """Limits must be positive ints, whether set on the class or by the project."""
    cls = type("Limited", (), {name: value})
    with pytest.raises(ValueError, match=rf"Limited\.{name} must be a positive int"):
        ConsumerConfig.resolve(cls, {})
    with pytest.raises(ValueError, match=name):
        ConsumerConfig.resolve(object, {name.upper(): value})


def test_flags_are_coerced_to_bool() -> None:
    """Truthy and falsy flag values resolve to real booleans."""

    class Flags:
        camelize = 1
        send_completion = 0

    config = ConsumerConfig.resolve(Flags, {"LOG_WEBSOCKET_MESSAGE": "yes"})
    assert config.camelize is True
    assert config.send_completion is False
    assert config.log_websocket_message is True


def test_resolve_records_the_current_generation() -> None:
    """A resolved config remembers the settings generation it was made at."""
    before = settings_generation()
    invalidate_settings()
    assert settings_generation() == before + 1
    assert ConsumerConfig.resolve(object, {}).generation == before + 1


def test_consumer_config_is_cached_per_class() -> None:
    """``chanx_config()`` resolves once per class and returns the same object after."""

    class Base(HostConsumer):
        camelize = True

    class Child(Base):
        max_pending_messages = 3

    first = Base.chanx_config()
    assert Base.chanx_config() is first
    child = Child.chanx_config()
    assert child is not first
    assert Child.chanx_config() is child
    assert (child.camelize, child.max_pending_messages) == (True, 3)
    assert (first.camelize, first.max_pending_messages) == (True, 32)


def test_consumer_config_is_resolved_again_after_invalidate_settings() -> None:
    """``invalidate_settings()`` makes the next ``chanx_config()`` resolve afresh."""

    class Consumer(HostConsumer):
        pass

    first = Consumer.chanx_config()
    invalidate_settings()
    second = Consumer.chanx_config()
    assert second is not first
    assert second.generation == first.generation + 1
    assert Consumer.chanx_config() is second


def test_project_settings_are_read_lazily(monkeypatch: pytest.MonkeyPatch) -> None:
    """Project settings changed after the class exists apply on its next resolution."""

    class Consumer(HostConsumer):
        pass

    monkeypatch.setattr(HostFramework, "project_settings", {"CAMELIZE": True})
    assert Consumer.chanx_config().camelize is True

    monkeypatch.setattr(HostFramework, "project_settings", {"CAMELIZE": False})
    assert Consumer.chanx_config().camelize is True, "cached until invalidated"
    invalidate_settings()
    assert Consumer.chanx_config().camelize is False


def test_invalid_project_setting_fails_when_the_config_is_resolved(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A bad project value is reported on resolution, not when the class is defined."""

    class Consumer(HostConsumer):
        pass

    monkeypatch.setattr(HostFramework, "project_settings", {"MAX_PENDING_MESSAGES": 0})
    invalidate_settings()
    with pytest.raises(ValueError, match="max_pending_messages"):
        Consumer.chanx_config()
