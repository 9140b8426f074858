"""The public API of ``chanx.ext.channels``: pinned ``__all__``, a light package import."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import chanx.ext.channels

EXPECTED_ALL: dict[str, list[str]] = {
    "chanx.ext.channels": [
        "AsyncJsonWebsocketConsumer",
        "DEFAULTS",
        "DjangoAuthenticator",
        "QueryTokenAuthentication",
        "discover_routes",
        "include",
        "path",
        "re_path",
    ],
    "chanx.ext.channels.authenticator": [
        "AuthResult",
        "DjangoAuthenticator",
        "QueryTokenAuthentication",
        "build_http_request",
        "security_scheme_for",
    ],
    "chanx.ext.channels.conf": [
        "ChanxSettings",
        "DEFAULTS",
        "SETTING_NAME",
        "SUPPORTED_ACTION_KEY",
        "chanx_settings",
        "check_settings",
    ],
    "chanx.ext.channels.discovery": [
        "WRAPPER_ATTRIBUTES",
        "consumer_class",
        "discover_routes",
        "unwrap",
    ],
    "chanx.ext.channels.routing": [
        "ASGIApplication",
        "URLRouter",
        "WebsocketRoute",
        "include",
        "path",
        "re_path",
    ],
    "chanx.ext.channels.testing": [
        "CapturedEvent",
        "DEFAULT_TIMEOUT",
        "EventCapture",
        "TEST_HOST",
        "WebsocketCommunicator",
        "WebsocketTestCase",
        "capture_broadcast_events",
    ],
    "chanx.ext.channels.views": [
        "asyncapi_docs",
        "asyncapi_schema",
        "document_settings",
        "project_document",
    ],
    "chanx.ext.channels.websocket": [
        "AsyncJsonWebsocketConsumer",
        "BROADCAST_TYPE",
        "ChannelLayerMissingError",
        "ENGINE_MESSAGE_TYPES",
        "EVENT_TYPE",
        "LAYER_MISSING_CLOSE_CODE",
        "ReceiveEvent",
    ],
}
"""Each public module's ``__all__``, sorted; changing one is a deliberate API change."""


@pytest.mark.parametrize("module", sorted(EXPECTED_ALL))
def test_all_is_pinned(module: str) -> None:
    """``__all__`` lists exactly the expected names, and each of them exists."""
    loaded = importlib.import_module(module)
    assert sorted(loaded.__all__) == EXPECTED_ALL[module]
    for name in loaded.__all__:
        assert getattr(loaded, name) is not None, name


def test_package_names_are_the_modules_objects() -> None:
    """The package's lazy names are the same objects as in their modules."""
    from chanx.ext.channels import authenticator, conf, discovery, routing, websocket

    assert chanx.ext.channels.AsyncJsonWebsocketConsumer is websocket.AsyncJsonWebsocketConsumer
    assert chanx.ext.channels.DjangoAuthenticator is authenticator.DjangoAuthenticator
    assert chanx.ext.channels.DEFAULTS is conf.DEFAULTS
    assert chanx.ext.channels.discover_routes is discovery.discover_routes
    assert chanx.ext.channels.path is routing.path


def test_unknown_package_attribute_is_an_attribute_error() -> None:
    """Names outside ``__all__`` raise AttributeError as usual."""
    with pytest.raises(AttributeError, match="has no attribute 'Nope'"):
        chanx.ext.channels.Nope  # noqa: B018


def test_namespace_portions_have_no_init_files() -> None:
    """The chanx and chanx.ext packages stay namespace packages shared with the other distributions."""
    import chanx
    import chanx.ext

    assert getattr(chanx, "__file__", None) is None
    assert getattr(chanx.ext, "__file__", None) is None


def run_isolated(code: str, cwd: Path) -> str:
    """Run ``code`` in a fresh ``python -I`` with no Django settings; return its stripped output."""
    completed = subprocess.run(
        [sys.executable, "-I", "-c", code],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert completed.returncode == 0, completed.stderr
    return completed.stdout.strip()


@pytest.mark.parametrize(
    "module", ["chanx.ext.channels", "chanx.ext.channels.apps", "chanx.ext.channels.pytest_plugin"]
)
def test_app_and_plugin_modules_import_without_configured_settings(
    module: str, tmp_path: Path
) -> None:
    """INSTALLED_APPS loading and pytest plugin loading need no configured Django."""
    code = f"import importlib; importlib.import_module({module!r}); print('ok')"
    assert run_isolated(code, tmp_path) == "ok"


def test_the_package_import_loads_no_framework(tmp_path: Path) -> None:
    """Importing chanx.ext.channels itself (the app module) imports no Channels or DRF."""
    code = (
        "import sys, chanx.ext.channels\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('channels', 'rest_framework'))))\n"
    )
    assert run_isolated(code, tmp_path) == ""


def test_the_consumer_imports_in_a_project_without_contrib_auth(tmp_path: Path) -> None:
    """A project without django.contrib.auth (a bare Channels app) can import the consumer."""
    code = (
        "import django; from django.conf import settings; "
        "settings.configure(INSTALLED_APPS=[]); django.setup(); "
        "import chanx.ext.channels.websocket; print('ok')"
    )
    assert run_isolated(code, tmp_path) == "ok"
