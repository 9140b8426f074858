"""Settings for the one-module Django projects the integration tests serve with daphne.

Those projects have no settings module: each calls :func:`configure` at import, before it
imports Channels or Chanx, with its own secret and channel layer.
"""

from __future__ import annotations

from typing import Any

import django
from django.conf import settings


def configure(secret_key: str, channel_layer: dict[str, Any]) -> None:
    """Configure Django (once) for a test project on loopback, then set it up.

    Args:
        secret_key: The project's ``SECRET_KEY`` (a test value, never secret).
        channel_layer: ``CHANNEL_LAYERS["default"]``.
    """
    if settings.configured:
        return
    settings.configure(
        DEBUG=False,
        SECRET_KEY=secret_key,
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        INSTALLED_APPS=[
            "django.contrib.contenttypes",
            "django.contrib.auth",
            "channels",
            "chanx.ext.channels",
        ],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        USE_TZ=True,
        CHANNEL_LAYERS={"default": channel_layer},
    )
    django.setup()
