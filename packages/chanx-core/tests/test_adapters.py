"""Unit tests for finding the installed framework adapter through entry points."""

from collections.abc import Iterator
from importlib.metadata import EntryPoint

import pytest
from chanx_core_host import HostConsumer

import chanx.core.websocket
from chanx.core import _adapters
from chanx.core._adapters import choose_adapter, load_consumer_base
from chanx.core.introspection import ADAPTER_ENV_VAR, ENTRY_POINT_GROUP, installed_adapters

CHANNELS = EntryPoint(
    name="channels",
    value="chanx.ext.channels.websocket:AsyncJsonWebsocketConsumer",
    group=ENTRY_POINT_GROUP,
)
FAST_CHANNELS = EntryPoint(
    name="fast_channels",
    value="chanx.ext.fast_channels.websocket:AsyncJsonWebsocketConsumer",
    group=ENTRY_POINT_GROUP,
)
BOTH = {"channels": CHANNELS, "fast_channels": FAST_CHANNELS}
INSTALL_COMMANDS = ('pip install "chanx[channels]"', 'pip install "chanx[fast_channels]"')
CACHED_NAME = "AsyncJsonWebsocketConsumer"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No adapter choice in the environment, and no consumer base cached in the module."""
    monkeypatch.delenv(ADAPTER_ENV_VAR, raising=False)
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE", raising=False)
    namespace = vars(chanx.core.websocket)
    before = namespace.pop(CACHED_NAME, None)
    yield
    namespace.pop(CACHED_NAME, None)
    if before is not None:
        namespace[CACHED_NAME] = before


def test_entry_point_group_and_variable_names() -> None:
    """Adapters register under ``chanx.adapters``; ``CHANX_ADAPTER`` chooses between them."""
    assert (ENTRY_POINT_GROUP, ADAPTER_ENV_VAR) == ("chanx.adapters", "CHANX_ADAPTER")


@pytest.mark.parametrize("entry", [CHANNELS, FAST_CHANNELS], ids=["channels", "fast_channels"])
def test_a_single_installed_adapter_is_used(
    monkeypatch: pytest.MonkeyPatch, entry: EntryPoint
) -> None:
    """With one adapter installed it is chosen, whatever DJANGO_SETTINGS_MODULE says."""
    assert choose_adapter({entry.name: entry}) is entry
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "project.settings")
    assert choose_adapter({entry.name: entry}) is entry


def test_both_installed_with_django_settings_picks_channels(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With both adapters and DJANGO_SETTINGS_MODULE set, Django Channels is chosen."""
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "project.settings")
    assert choose_adapter(BOTH) is CHANNELS


@pytest.mark.parametrize("django_settings", [None, ""], ids=["unset", "empty"])
def test_both_installed_without_django_settings_picks_fast_channels(
    monkeypatch: pytest.MonkeyPatch, django_settings: str | None
) -> None:
    """With both adapters and no DJANGO_SETTINGS_MODULE, fast-channels is chosen."""
    if django_settings is not None:
        monkeypatch.setenv("DJANGO_SETTINGS_MODULE", django_settings)
    assert choose_adapter(BOTH) is FAST_CHANNELS


@pytest.mark.parametrize(
    ("wanted", "django_settings", "expected"),
    [
        ("channels", None, CHANNELS),
        ("fast_channels", "project.settings", FAST_CHANNELS),
        (" channels ", None, CHANNELS),
    ],
    ids=["channels", "fast_channels-over-django", "stripped"],
)
def test_chanx_adapter_overrides_the_choice(
    monkeypatch: pytest.MonkeyPatch,
    wanted: str,
    django_settings: str | None,
    expected: EntryPoint,
) -> None:
    """``CHANX_ADAPTER`` names the adapter to use, beating DJANGO_SETTINGS_MODULE."""
    monkeypatch.setenv(ADAPTER_ENV_VAR, wanted)
    if django_settings is not None:
        monkeypatch.setenv("DJANGO_SETTINGS_MODULE", django_settings)
    assert choose_adapter(BOTH) is expected


@pytest.mark.parametrize(
    "available", [{}, {"fast_channels": FAST_CHANNELS}], ids=["none-installed", "other-installed"]
)
def test_chanx_adapter_naming_a_missing_adapter_is_an_import_error(
    monkeypatch: pytest.MonkeyPatch, available: dict[str, EntryPoint]
) -> None:
    """Asking for an adapter that is not installed fails with the install commands."""
    monkeypatch.setenv(ADAPTER_ENV_VAR, "channels")
    with pytest.raises(ImportError, match=r"CHANX_ADAPTER='channels'") as info:
        choose_adapter(available)
    for command in INSTALL_COMMANDS:
        assert command in str(info.value)


def test_no_adapter_is_an_import_error_with_both_install_commands() -> None:
    """With no adapter installed, the error says how to install either one."""
    with pytest.raises(ImportError) as info:
        choose_adapter({})
    message = str(info.value)
    assert "AsyncJsonWebsocketConsumer" in message
    for command in INSTALL_COMMANDS:
        assert command in message


def test_installed_adapters_reads_the_entry_point_group(monkeypatch: pytest.MonkeyPatch) -> None:
    """``installed_adapters`` asks importlib.metadata for the ``chanx.adapters`` group."""
    asked: list[str] = []

    def fake_entry_points(*, group: str) -> list[EntryPoint]:
        asked.append(group)
        return [CHANNELS]

    monkeypatch.setattr(_adapters, "entry_points", fake_entry_points)
    assert installed_adapters() == {"channels": CHANNELS}
    assert asked == ["chanx.adapters"]


def test_load_consumer_base_loads_the_chosen_class(monkeypatch: pytest.MonkeyPatch) -> None:
    """The chosen entry point is loaded and its class returned."""
    host = EntryPoint(
        name="channels", value="chanx_core_host:HostConsumer", group=ENTRY_POINT_GROUP
    )
    monkeypatch.setattr(_adapters, "installed_adapters", lambda: {"channels": host})
    assert load_consumer_base() is HostConsumer


def test_load_consumer_base_refuses_an_entry_point_that_is_not_a_class(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An entry point naming something other than a class is an ImportError."""
    bogus = EntryPoint(
        name="channels", value="chanx_core_host:MemoryLayer.send", group=ENTRY_POINT_GROUP
    )
    monkeypatch.setattr(_adapters, "installed_adapters", lambda: {"channels": bogus})
    with pytest.raises(ImportError, match="is not a class"):
        load_consumer_base()


def test_websocket_consumer_import_fails_without_an_adapter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``from chanx.core.websocket import AsyncJsonWebsocketConsumer`` explains how to install one."""
    monkeypatch.setattr(_adapters, "installed_adapters", dict)
    with pytest.raises(ImportError) as info:
        from chanx.core.websocket import AsyncJsonWebsocketConsumer  # noqa: F401
    for command in INSTALL_COMMANDS:
        assert command in str(info.value)
    assert CACHED_NAME not in vars(chanx.core.websocket)


def test_websocket_consumer_is_loaded_once_and_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    """The adapter's class is looked up on first access and kept in the module after."""
    host = EntryPoint(
        name="channels", value="chanx_core_host:HostConsumer", group=ENTRY_POINT_GROUP
    )
    lookups: list[None] = []

    def one_adapter() -> dict[str, EntryPoint]:
        lookups.append(None)
        return {"channels": host}

    monkeypatch.setattr(_adapters, "installed_adapters", one_adapter)
    from chanx.core.websocket import AsyncJsonWebsocketConsumer

    loaded: type = AsyncJsonWebsocketConsumer
    assert loaded is HostConsumer
    assert vars(chanx.core.websocket)[CACHED_NAME] is HostConsumer
    again: type = chanx.core.websocket.AsyncJsonWebsocketConsumer
    assert again is HostConsumer
    assert len(lookups) == 1


def test_unknown_module_attribute_is_an_attribute_error() -> None:
    """Other missing names of ``chanx.core.websocket`` raise AttributeError as usual."""
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        chanx.core.websocket.Nope  # type: ignore[attr-defined]  # noqa: B018
