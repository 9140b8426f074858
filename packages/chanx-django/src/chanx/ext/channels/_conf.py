"""The ``CHANX`` settings dict: its keys, their defaults, and a live read-only view of it.

The consumer engine resolves a consumer class's settings on its first connection and caches
them; this module hands it a view that reads ``settings.CHANX`` afresh on every lookup, and
tells it (:func:`chanx.core.settings.invalidate_settings`) when Django reports that ``CHANX``
changed, as ``override_settings`` and pytest-django's ``settings`` fixture do.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any, Final

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed

from chanx.asyncapi import DocumentSettings
from chanx.core.settings import DEFAULTS as ENGINE_DEFAULTS
from chanx.core.settings import invalidate_settings

SETTING_NAME: Final = "CHANX"
"""The name of the Django setting Chanx reads."""

SUPPORTED_ACTION_KEY: Final = "action"
"""The only discriminator key Chanx's wire format supports (``MESSAGE_ACTION_KEY``)."""

_DOCUMENT = DocumentSettings()

DEFAULTS: Final[Mapping[str, Any]] = MappingProxyType(
    {
        "MESSAGE_ACTION_KEY": SUPPORTED_ACTION_KEY,
        **{name.upper(): value for name, value in ENGINE_DEFAULTS.items()},
        "ASYNCAPI_TITLE": _DOCUMENT.title,
        "ASYNCAPI_VERSION": _DOCUMENT.version,
        "ASYNCAPI_DESCRIPTION": _DOCUMENT.description,
        "ASYNCAPI_SERVERS": None,
    }
)
"""Every key the ``CHANX`` dict may hold, with the value used when it is absent.

The consumer keys mirror :data:`chanx.core.settings.DEFAULTS` (upper-cased), so the two never
drift. ``ASYNCAPI_SERVERS`` of None means "one server derived from the request" in the views
and none in the management command.
"""


class ChanxSettings(Mapping[str, Any]):
    """A read-only view of ``settings.CHANX`` that reads the setting on every access.

    It never copies or changes the project's dict, so test overrides show through at once.
    """

    __slots__ = ()

    @staticmethod
    def raw() -> Mapping[str, Any]:
        """Return the project's ``CHANX`` dict as it is now (empty when unset).

        Raises:
            ImproperlyConfigured: When ``CHANX`` is set to something other than a mapping.
        """
        value = getattr(settings, SETTING_NAME, None)
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            msg = f"settings.{SETTING_NAME} must be a dict, got {type(value).__name__}"
            raise ImproperlyConfigured(msg)
        return value

    def __getitem__(self, key: str) -> Any:
        return self.raw()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.raw())

    def __len__(self) -> int:
        return len(self.raw())

    def __repr__(self) -> str:
        return f"ChanxSettings({dict(self.raw())!r})"

    def value(self, key: str) -> Any:
        """Return the project's value for ``key``, else its default from :data:`DEFAULTS`.

        Args:
            key: An upper-case key of :data:`DEFAULTS`.
        """
        return self.raw().get(key, DEFAULTS[key])


def check_settings(values: Mapping[str, Any]) -> None:
    """Refuse ``CHANX`` keys Chanx does not know and an unsupported ``MESSAGE_ACTION_KEY``.

    Args:
        values: The ``CHANX`` dict.

    Raises:
        ImproperlyConfigured: With the offending key and what to write instead.
    """
    for key in values:
        if key not in DEFAULTS:
            close = difflib.get_close_matches(str(key), list(DEFAULTS), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            known = ", ".join(DEFAULTS)
            msg = f"settings.{SETTING_NAME} has an unknown key {key!r}{hint} (known keys: {known})"
            raise ImproperlyConfigured(msg)
    action_key = values.get("MESSAGE_ACTION_KEY", SUPPORTED_ACTION_KEY)
    if action_key != SUPPORTED_ACTION_KEY:
        msg = (
            f"settings.{SETTING_NAME}['MESSAGE_ACTION_KEY'] is {action_key!r}, but Chanx messages "
            f"are discriminated by {SUPPORTED_ACTION_KEY!r} only (their `action` field); remove "
            f"the key or set it to {SUPPORTED_ACTION_KEY!r}"
        )
        raise ImproperlyConfigured(msg)


def chanx_settings() -> ChanxSettings:
    """Return the live view of ``settings.CHANX``, after checking its keys.

    Raises:
        ImproperlyConfigured: When ``CHANX`` is not a dict, has an unknown key or an
            unsupported ``MESSAGE_ACTION_KEY``.
    """
    view = ChanxSettings()
    check_settings(view.raw())
    return view


def _on_setting_changed(*, setting: str, **kwargs: Any) -> None:
    if setting == SETTING_NAME:
        invalidate_settings()


def connect_signals() -> None:
    """Resolve consumer settings again whenever Django reports that ``CHANX`` changed.

    Called by the app's ``ready()`` and when the consumer module is imported (so projects that
    do not list the app still get it); connecting twice is harmless.
    """
    setting_changed.connect(_on_setting_changed, dispatch_uid="chanx.ext.channels.settings")
