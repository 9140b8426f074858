"""Settings: class attributes over ``settings.CHANX`` over defaults, live test overrides, checks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, ClassVar

import pytest
from chanx_django_testproject.consumers import EchoConsumer
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from chanx.core.settings import DEFAULTS as ENGINE_DEFAULTS
from chanx.core.settings import settings_generation
from chanx.ext.channels.conf import DEFAULTS, ChanxSettings, chanx_settings
from chanx.ext.channels.testing import WebsocketCommunicator
from chanx.ext.channels.websocket import AsyncJsonWebsocketConsumer


class Camel(AsyncJsonWebsocketConsumer):
    """Sets two settings itself."""

    camelize = True
    max_pending_messages = 5


def test_class_attributes_beat_chanx_which_beats_the_defaults() -> None:
    """Resolve camelize from the class, send_completion from CHANX, the rest from Chanx's defaults."""
    config = Camel.chanx_config()
    assert config.camelize is True  # class attribute
    assert config.max_pending_messages == 5  # class attribute
    assert config.send_completion is True  # the test project's CHANX
    assert config.max_concurrent_handlers == 1  # default
    assert config.send_authentication_message is True  # default


def test_a_class_attribute_beats_a_chanx_value() -> None:
    """A class attribute wins even when CHANX sets the same key."""
    with override_settings(CHANX={"CAMELIZE": False, "MAX_PENDING_MESSAGES": 9}):
        config = Camel.chanx_config()
        assert (config.camelize, config.max_pending_messages) == (True, 5)
        assert EchoConsumer.chanx_config().max_pending_messages == 9


def test_override_settings_takes_effect_and_is_undone() -> None:
    """override_settings(CHANX=...) changes resolved settings, and leaving it restores them."""
    assert EchoConsumer.chanx_config().send_completion is True
    with override_settings(CHANX={"SEND_COMPLETION": False, "LOG_IGNORED_ACTIONS": ["ping"]}):
        config = EchoConsumer.chanx_config()
        assert config.send_completion is False
        assert config.log_ignored_actions == frozenset({"ping"})
    config = EchoConsumer.chanx_config()
    assert config.send_completion is True
    assert config.log_ignored_actions == frozenset()


@pytest.fixture
def after_settings_fixture() -> Iterator[list[Callable[[], None]]]:
    """Checks to run once pytest-django's ``settings`` fixture (requested after) is undone."""
    checks: list[Callable[[], None]] = []
    yield checks
    for check in checks:
        check()


def test_pytest_django_settings_fixture_takes_effect_and_is_undone(
    after_settings_fixture: list[Callable[[], None]], settings: Any
) -> None:
    """pytest-django's settings fixture changes CHANX for the test; its teardown restores it."""
    settings.CHANX = {"MAX_CONCURRENT_HANDLERS": 4}
    config = EchoConsumer.chanx_config()
    assert (config.max_concurrent_handlers, config.send_completion) == (4, False)

    def restored() -> None:
        config = EchoConsumer.chanx_config()
        assert (config.max_concurrent_handlers, config.send_completion) == (1, True)

    after_settings_fixture.append(restored)


def test_deleting_chanx_falls_back_to_the_defaults(settings: Any) -> None:
    """Without a CHANX setting every value is Chanx's default."""
    del settings.CHANX
    config = EchoConsumer.chanx_config()
    assert config.send_completion is False
    assert dict(chanx_settings()) == {}


async def test_an_override_reaches_a_live_connection(settings: Any) -> None:
    """A connection opened under an override uses it (here: no complete frames)."""
    settings.CHANX = {"SEND_COMPLETION": False}
    async with WebsocketCommunicator(EchoConsumer.as_asgi(), "/echo/") as ws:
        await ws.send_json({"action": "ping"})
        assert await ws.receive_json() == {"action": "pong", "payload": None}
        assert await ws.receive_nothing()


def test_only_chanx_changes_invalidate() -> None:
    """The app's setting_changed receiver reacts to CHANX and ignores other settings."""
    before = settings_generation()
    with override_settings(USE_TZ=False):
        assert settings_generation() == before
    with override_settings(CHANX={}):
        assert settings_generation() == before + 1
    assert settings_generation() == before + 2


def test_the_view_reads_the_setting_live_and_never_copies_it() -> None:
    """ChanxSettings is a live, read-only view of settings.CHANX."""
    view = chanx_settings()
    assert view["SEND_COMPLETION"] is True
    mine: dict[str, Any] = {"CAMELIZE": True}
    with override_settings(CHANX=mine):
        assert dict(view) == {"CAMELIZE": True}
        assert view.value("MAX_PENDING_MESSAGES") == 32
        assert len(view) == 1
        assert "CAMELIZE" in repr(view)
    assert mine == {"CAMELIZE": True}
    assert not hasattr(view, "__setitem__")


@pytest.mark.parametrize("key", ["type", "kind", ""])
def test_a_message_action_key_other_than_action_is_refused(key: str) -> None:
    """MESSAGE_ACTION_KEY may only be "action"; anything else fails at first use, clearly."""
    with (
        override_settings(CHANX={"MESSAGE_ACTION_KEY": key}),
        pytest.raises(ImproperlyConfigured, match="discriminated by 'action' only"),
    ):
        EchoConsumer.chanx_config()


def test_message_action_key_action_is_accepted() -> None:
    """Spelling out the supported value is fine."""
    with override_settings(CHANX={"MESSAGE_ACTION_KEY": "action"}):
        assert EchoConsumer.chanx_config().camelize is False


async def test_an_unsupported_action_key_fails_the_first_connection() -> None:
    """The check runs when a consumer first resolves its settings: at its first connection."""
    with override_settings(CHANX={"MESSAGE_ACTION_KEY": "type"}):
        ws = WebsocketCommunicator(EchoConsumer.as_asgi(), "/echo/")
        with pytest.raises(ImproperlyConfigured, match="MESSAGE_ACTION_KEY"):
            await ws.connect()


def test_an_unknown_key_is_refused_with_a_suggestion() -> None:
    """A misspelt key names the closest known one."""
    with (
        override_settings(CHANX={"CAMELISE": True}),
        pytest.raises(ImproperlyConfigured, match="did you mean 'CAMELIZE'"),
    ):
        chanx_settings()


def test_chanx_must_be_a_dict() -> None:
    """CHANX set to something other than a mapping is refused."""
    with (
        override_settings(CHANX=["CAMELIZE"]),
        pytest.raises(ImproperlyConfigured, match="must be a dict, got list"),
    ):
        EchoConsumer.chanx_config()


def test_defaults_cover_every_documented_key() -> None:
    """DEFAULTS lists the engine's settings (upper-cased) and the AsyncAPI and wire keys."""
    assert DEFAULTS == {
        "MESSAGE_ACTION_KEY": "action",
        "CAMELIZE": False,
        "SEND_COMPLETION": False,
        "SEND_MESSAGE_IMMEDIATELY": False,
        "SEND_AUTHENTICATION_MESSAGE": True,
        "LOG_WEBSOCKET_MESSAGE": False,
        "LOG_IGNORED_ACTIONS": (),
        "MAX_CONCURRENT_HANDLERS": 1,
        "MAX_PENDING_MESSAGES": 32,
        "MAX_OUTBOUND_MESSAGES": 512,
        "OUTBOUND_OVERFLOW": "close",
        "HANDLER_TIMEOUT": None,
        "MAX_MESSAGE_SIZE": 1_048_576,
        "RATE_LIMIT": None,
        "IDLE_TIMEOUT": None,
        "HEARTBEAT_INTERVAL": None,
        "AUTHENTICATION_TIMEOUT": 10.0,
        "ASYNCAPI_TITLE": "Chanx WebSocket API",
        "ASYNCAPI_VERSION": "1.0.0",
        "ASYNCAPI_DESCRIPTION": None,
        "ASYNCAPI_SERVERS": None,
    }
    assert {key.lower() for key in DEFAULTS} >= set(ENGINE_DEFAULTS)


def test_the_app_has_its_own_label() -> None:
    """The app's label is chanx_channels, next to Channels' own channels app."""
    config = apps.get_app_config("chanx_channels")
    assert config.name == "chanx.ext.channels"
    assert apps.get_app_config("channels").name == "channels"


class Checked(AsyncJsonWebsocketConsumer):
    """Reads the project settings through the hook."""

    seen: ClassVar[list[bool]] = []


def test_the_project_settings_hook_is_the_live_view() -> None:
    """chanx_project_settings returns a ChanxSettings view, not a copy."""
    assert isinstance(Checked.chanx_project_settings(), ChanxSettings)
