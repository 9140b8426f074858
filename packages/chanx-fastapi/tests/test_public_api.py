"""Pins the public API of ``chanx.ext.fast_channels``, so every change to it is deliberate."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import chanx.core
import chanx.core.testing
from chanx.ext import fast_channels

EXPECTED_ALL: dict[str, list[str]] = {
    "chanx.ext.fast_channels": [
        "AsyncAPIConfig",
        "AsyncJsonWebsocketConsumer",
        "asyncapi_docs",
        "asyncapi_router",
        "asyncapi_spec_json",
        "asyncapi_spec_yaml",
        "websocket_route",
    ],
    "chanx.ext.fast_channels.websocket": [
        "AsyncJsonWebsocketConsumer",
        "ChanxWebsocketMixin",
        "ConsumerApp",
        "ReceiveEvent",
    ],
    "chanx.ext.fast_channels.routing": ["websocket_route"],
    "chanx.ext.fast_channels.discovery": ["consumer_for_path", "discover_routes"],
    "chanx.ext.fast_channels.auth": [
        "AuthResult",
        "AuthenticationFailed",
        "BaseAuthenticator",
        "CredentialAuthenticator",
        "CredentialLocation",
        "Handshake",
        "NotFound",
        "PermissionDenied",
        "Verify",
        "close_code_for",
        "credential_authenticator",
        "failure_for",
    ],
    "chanx.ext.fast_channels.testing": [
        "CapturedEvent",
        "DEFAULT_TIMEOUT",
        "EventCapture",
        "WebsocketCommunicator",
        "capture_broadcast_events",
    ],
    "chanx.ext.fast_channels.pytest_plugin": [
        "chanx_fast_channels_layers",
    ],
}

SRC = Path(__file__).resolve().parent.parent / "src"


@pytest.mark.parametrize("module_name", sorted(EXPECTED_ALL))
def test_all_is_pinned_and_every_name_resolves(module_name: str) -> None:
    """Each public module exports exactly the pinned names, and each of them exists."""
    module = importlib.import_module(module_name)
    assert sorted(module.__all__) == sorted(EXPECTED_ALL[module_name])
    for name in module.__all__:
        assert getattr(module, name) is not None


def test_the_package_exports_lazily_and_refuses_unknown_names() -> None:
    """Names load on first use; an unknown one is an AttributeError; dir() lists them all."""
    assert set(EXPECTED_ALL["chanx.ext.fast_channels"]) <= set(dir(fast_channels))
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = fast_channels.nope


def test_reexports_are_the_core_objects() -> None:
    """Re-exported core names are the core's objects, not copies."""
    from chanx.ext.fast_channels import testing, websocket

    assert websocket.ChanxWebsocketMixin is chanx.core.ChanxWebsocketMixin
    assert websocket.ReceiveEvent is chanx.core.ReceiveEvent
    assert testing.capture_broadcast_events is chanx.core.testing.capture_broadcast_events
    assert issubclass(testing.WebsocketCommunicator, chanx.core.testing.WebsocketCommunicator)


def test_namespace_packages_stay_namespaces() -> None:
    """This distribution ships neither chanx/__init__.py nor chanx/ext/__init__.py."""
    assert not (SRC / "chanx" / "__init__.py").exists()
    assert not (SRC / "chanx" / "ext" / "__init__.py").exists()
    assert (SRC / "chanx" / "ext" / "fast_channels" / "py.typed").is_file()


def test_the_consumer_and_the_plugin_do_not_import_fastapi() -> None:
    """Loading the adapter (as the core's entry point does) or the pytest plugin stays light."""
    code = (
        "import sys, chanx.ext.fast_channels.websocket, chanx.ext.fast_channels.pytest_plugin; "
        "print(sorted(m for m in ('fastapi', 'starlette') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-I", "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
