"""Route discovery through the ``chanx.asyncapi.discovery`` entry points."""

from __future__ import annotations

import importlib
from pathlib import Path

import chanx_asyncapi_sample as sample
import pytest

from chanx.asyncapi import (
    DISCOVERY_ENTRY_POINT_GROUP,
    RouteDiscoveryError,
    RouteRecord,
    discover_routes,
)
from chanx.asyncapi._discovery import discovery_functions


def register(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **entries: str) -> None:
    """Install a fake distribution whose entry points register ``entries`` in the group."""
    info = tmp_path / "chanx_asyncapi_fake_adapter-0.0.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: chanx-asyncapi-fake-adapter\nVersion: 0.0.0\n"
    )
    lines = [f"[{DISCOVERY_ENTRY_POINT_GROUP}]"] + [f"{k} = {v}" for k, v in entries.items()]
    (info / "entry_points.txt").write_text("\n".join(lines) + "\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()


def test_the_group_name_is_stable() -> None:
    """Adapters register under this exact group name."""
    assert DISCOVERY_ENTRY_POINT_GROUP == "chanx.asyncapi.discovery"


def test_route_records_are_returned_as_they_are() -> None:
    """A list or tuple of records needs no adapter."""
    assert discover_routes(tuple(sample.ROUTES)) == sample.ROUTES
    assert discover_routes([]) == []


def test_an_entry_point_recognises_its_application(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The registered function that answers with records wins."""
    register(tmp_path, monkeypatch, sample="chanx_asyncapi_sample:discover")
    # Installed adapters register too (they answer None for this app); look at ours only.
    assert [name for name, _ in discovery_functions() if name == "sample"] == ["sample"]
    assert discover_routes(sample.app) == sample.ROUTES


def test_functions_answering_none_are_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Discovery functions run in name order until one does not return None."""
    register(
        tmp_path,
        monkeypatch,
        b_sample="chanx_asyncapi_sample:discover",
        a_never="chanx_asyncapi_sample:discover_nothing",
    )
    ours = {"a_never", "b_sample"}
    assert [name for name, _ in discovery_functions() if name in ours] == ["a_never", "b_sample"]
    assert discover_routes(sample.app) == sample.ROUTES


def test_an_unrecognised_application_names_the_fix() -> None:
    """With no adapter answering, the error says what to install or pass."""
    with pytest.raises(RouteDiscoveryError) as caught:
        discover_routes(object())
    text = str(caught.value)
    assert "builtins.object" in text
    assert 'pip install "chanx[fast_channels]"' in text
    assert "RouteRecord" in text


def test_a_discovery_returning_something_else_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    """Records are checked: an adapter bug does not surface later as a confusing error."""
    monkeypatch.setattr(
        "chanx.asyncapi._discovery.discovery_functions",
        lambda: [("broken", lambda app: ["not a record"])],
    )
    with pytest.raises(RouteDiscoveryError, match="broken route discovery returned list"):
        discover_routes(object())


def test_an_entry_point_that_fails_to_load_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A broken adapter's entry point fails loudly, naming it."""
    register(tmp_path, monkeypatch, broken="chanx_asyncapi_no_such_module:discover")
    with pytest.raises(RouteDiscoveryError, match="broken = chanx_asyncapi_no_such_module"):
        discovery_functions()


def test_an_entry_point_that_is_not_callable_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An entry point must load a callable."""
    register(tmp_path, monkeypatch, routes="chanx_asyncapi_sample:ROUTES")
    with pytest.raises(RouteDiscoveryError, match="is not callable"):
        discovery_functions()


def test_records_are_plain_values() -> None:
    """Records compare by value, so adapters and tests can build them freely."""
    assert RouteRecord("/a", sample.EchoConsumer) == RouteRecord("/a", sample.EchoConsumer)
