"""The pytest plugin's fixtures, run in an inner pytest session as a user's suite would."""

from __future__ import annotations

import pytest
from chanx_fastapi_sample import ChatConsumer, NotificationEvent
from fast_channels.layers import InMemoryChannelLayer, channel_layers

from chanx.core.testing import EventCapture

INNER_TESTS = """
import pytest
from fast_channels.layers import InMemoryChannelLayer, channel_layers, get_channel_layer


def test_default_gets_a_fresh_layer(chanx_fast_channels_layers):
    assert list(chanx_fast_channels_layers) == ["default"]
    assert isinstance(chanx_fast_channels_layers["default"], InMemoryChannelLayer)
    assert get_channel_layer("default") is chanx_fast_channels_layers["default"]


def test_nothing_is_left_registered():
    assert channel_layers.list_aliases() == []


def test_events_are_captured(chanx_captured_events):
    assert chanx_captured_events.events == []


def test_no_adapter_defines_the_ambiguous_name(request):
    assert request.config.pluginmanager.has_plugin("chanx_core")
    with pytest.raises(pytest.FixtureLookupError):
        request.getfixturevalue("chanx_channel_layers")
"""

INNER_WITH_ALIASES = """
import pytest
from fast_channels.layers import InMemoryChannelLayer, channel_layers, register_channel_layer

ORIGINAL = InMemoryChannelLayer()


@pytest.fixture(autouse=True, scope="module")
def app_layers():
    register_channel_layer("chat", ORIGINAL)
    yield
    channel_layers.clear()


def test_every_registered_alias_is_replaced(chanx_fast_channels_layers):
    assert list(chanx_fast_channels_layers) == ["chat"]
    assert channel_layers["chat"] is chanx_fast_channels_layers["chat"] is not ORIGINAL


def test_the_original_is_back_afterwards():
    assert channel_layers["chat"] is ORIGINAL
"""


def run_inner(pytester: pytest.Pytester, source: str) -> pytest.RunResult:
    """Run a user's test file with every installed plugin (the Django adapter's too, if any).

    The adapters' fixture names do not overlap, so nothing needs blocking.
    """
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    pytester.makepyfile(test_inner=source)
    return pytester.runpytest("-p", "no:cacheprovider")


def test_fixtures_in_a_users_suite(pytester: pytest.Pytester) -> None:
    """chanx_fast_channels_layers registers "default" when nothing is, and unregisters it after.

    chanx_captured_events (from chanx-core's plugin) is available too, and no plugin defines
    the old, ambiguous ``chanx_channel_layers``.
    """
    run_inner(pytester, INNER_TESTS).assert_outcomes(passed=4)


def test_registered_aliases_are_replaced_and_restored(pytester: pytest.Pytester) -> None:
    """Every alias the app registered gets a fresh layer; the app's layers come back after."""
    run_inner(pytester, INNER_WITH_ALIASES).assert_outcomes(passed=2)


async def test_captured_events_record_broadcasts(
    chanx_fast_channels_layers: dict[str, InMemoryChannelLayer], chanx_captured_events: EventCapture
) -> None:
    """chanx_captured_events (chanx-core's plugin) records broadcast_event calls here too."""
    await ChatConsumer.broadcast_event(NotificationEvent(payload="x"), groups=["chat_room"])
    (captured,) = chanx_captured_events.events
    assert (captured.consumer, captured.groups) == (ChatConsumer, ("chat_room",))
    assert chanx_captured_events.of_type(NotificationEvent) == [NotificationEvent(payload="x")]


def test_no_layer_leaks_out_of_this_suite() -> None:
    """The fixtures used by the other tests left nothing registered."""
    assert channel_layers.list_aliases() == []
