"""Tests that pin the public API of ``chanx.core`` and keep web frameworks out of it."""

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

EXPECTED_ALL: dict[str, list[str]] = {
    "chanx.core": [
        "AuthResult",
        "AuthenticationFailed",
        "BaseAuthenticator",
        "ChannelLayerMissingError",
        "ChanxWebsocketMixin",
        "ConsumerConfig",
        "CredentialAuthenticator",
        "HandlerSpec",
        "Handshake",
        "NotFound",
        "PermissionDenied",
        "RateLimit",
        "ReceiveEvent",
        "channel",
        "event_handler",
        "invalidate_settings",
        "ws_handler",
    ],
    "chanx.core.decorators": ["channel", "event_handler", "ws_handler"],
    "chanx.core.websocket": [
        "AsyncJsonWebsocketConsumer",
        "BROADCAST_TYPE",
        "ChannelLayerMissingError",
        "ChanxWebsocketMixin",
        "EVENT_TYPE",
        "LAYER_MISSING_CLOSE_CODE",
        "ReceiveEvent",
    ],
    "chanx.core.authenticators": [
        "AuthResult",
        "AuthenticationFailed",
        "BaseAuthenticator",
        "CredentialAuthenticator",
        "CredentialLocation",
        "Handshake",
        "NotFound",
        "PermissionDenied",
        "close_code_for",
    ],
    "chanx.core.limits": [
        "AUTH_CLOSE_CODE_BASE",
        "CLOSE_CODES",
        "IDLE_CLOSE_CODE",
        "LAYER_MISSING_CLOSE_CODE",
        "Permission",
        "PermissionCheck",
        "RATE_LIMIT_CLOSE_CODE",
        "RateLimit",
        "SETUP_FAILED_CLOSE_CODE",
        "SLOW_CLIENT_CLOSE_CODE",
    ],
    "chanx.core.settings": [
        "ConsumerConfig",
        "DEFAULTS",
        "invalidate_settings",
        "settings_generation",
    ],
    "chanx.core.introspection": [
        "ADAPTER_ENV_VAR",
        "ChannelInfo",
        "ENTRY_POINT_GROUP",
        "HandlerOptions",
        "HandlerSpec",
        "Routes",
        "camel_name",
        "camelize_keys",
        "channel_info",
        "collect_handlers",
        "installed_adapters",
        "snake_keys",
    ],
    "chanx.core.events": [
        "EventLayer",
        "broadcast_event",
        "broadcast_event_sync",
        "send_event",
        "send_event_sync",
    ],
    "chanx.core.layers": ["ChannelLayer", "FrameworkHooks"],
    "chanx.core.testing": [
        "CapturedEvent",
        "DEFAULT_TIMEOUT",
        "EventCapture",
        "WebsocketCommunicator",
        "capture_broadcast_events",
    ],
}
"""Each public module's ``__all__``, sorted; changing one is a deliberate API change."""

NEEDS_AN_ADAPTER = {("chanx.core.websocket", "AsyncJsonWebsocketConsumer")}
"""Names that exist only once a framework adapter is installed."""

WEB_FRAMEWORKS = ("django", "channels", "fastapi", "starlette", "fast_channels")


@pytest.mark.parametrize("module", sorted(EXPECTED_ALL))
def test_all_is_pinned(module: str) -> None:
    """``__all__`` lists exactly the expected names."""
    assert sorted(importlib.import_module(module).__all__) == EXPECTED_ALL[module]


@pytest.mark.parametrize("module", sorted(EXPECTED_ALL))
def test_every_listed_name_is_importable(module: str) -> None:
    """Every name in ``__all__`` can be imported from its module (the adapter's base aside)."""
    loaded = importlib.import_module(module)
    for name in EXPECTED_ALL[module]:
        if (module, name) in NEEDS_AN_ADAPTER:
            continue
        assert getattr(loaded, name) is not None, name


def test_top_level_names_are_the_documented_modules_objects() -> None:
    """``chanx.core`` re-exports the same objects as the public submodules."""
    core = importlib.import_module("chanx.core")
    for module in ("chanx.core.decorators", "chanx.core.authenticators", "chanx.core.settings"):
        loaded = importlib.import_module(module)
        for name in set(loaded.__all__) & set(core.__all__):
            assert getattr(loaded, name) is getattr(core, name), f"{module}.{name}"


def test_importing_chanx_core_imports_no_web_framework(tmp_path: Path) -> None:
    """A fresh interpreter importing every public module of chanx.core loads no web framework."""
    modules = ", ".join(sorted(EXPECTED_ALL))
    code = (
        f"import importlib, sys\n"
        f"for name in {sorted(EXPECTED_ALL)!r}:\n"
        f"    importlib.import_module(name)\n"
        f"found = sorted(m for m in sys.modules if m.split('.')[0] in {WEB_FRAMEWORKS!r})\n"
        f"print(','.join(found))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-I", "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "", f"{modules} imported {completed.stdout.strip()}"
