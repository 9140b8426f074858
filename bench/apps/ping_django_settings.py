"""The Django settings of the benchmark's Django servers (``DJANGO_SETTINGS_MODULE``).

Minimal, as in the ``dispatch`` scenario: an SQLite database that is configured (as in any
project, so Channels' per-message connection cleanup has a connection to look at) but never
opened, no channel layer, and ``SEND_MESSAGE_IMMEDIATELY`` off, today's default, which the
released chanx 2.13.0 defaulted to on. The same module serves both Chanx versions: it lists
whichever Chanx Django app the interpreter has.
"""

from __future__ import annotations

from importlib.util import find_spec


def _chanx_app() -> list[str]:
    try:
        if find_spec("chanx.ext.channels") is not None:
            return ["chanx.ext.channels"]
    except ModuleNotFoundError:
        pass  # the released 2.13 has no chanx.ext
    return ["chanx.channels"] if find_spec("chanx.channels") is not None else []


SECRET_KEY = "bench"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = _chanx_app()
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
CHANNEL_LAYERS: dict[str, dict[str, str]] = {}
USE_TZ = True
CHANX = {"SEND_MESSAGE_IMMEDIATELY": False}
