"""Settings of the ticket desk's Django service: no database, channels_redis for the layer.

From the environment:

- ``REDIS_URL``: the Redis server (default ``redis://127.0.0.1:6379/0``);
- ``DJANGO_LAYER_PREFIX``: the prefix of the service's Redis keys (default
  ``tickets-django``); the worker loads these settings, so it reads the same value;
- ``DJANGO_SECRET_KEY``, ``DJANGO_DEBUG`` (``1`` or ``0``, default ``0``),
  ``DJANGO_ALLOWED_HOSTS`` (comma-separated, also the origins WebSockets accept).
"""

from __future__ import annotations

import os
from typing import Any

SECRET_KEY = os.environ.get(
    "DJANGO_SECRET_KEY", "django-insecure-ticket-desk-demo-key-change-me-before-deploying"
)
DEBUG = os.environ.get("DJANGO_DEBUG", "0") == "1"
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")

INSTALLED_APPS = [
    "channels",
    # Chanx's settings and the generate_asyncapi_schema management command.
    "chanx.ext.channels",
    "ticket_desk",
]

ROOT_URLCONF = "ticket_site.urls"
ASGI_APPLICATION = "ticket_site.asgi.application"

# The service stores nothing: the tickets live elsewhere; it only relays messages.
DATABASES: dict[str, Any] = {}

USE_TZ = True

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {
            "hosts": [os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"],
            "prefix": os.environ.get("DJANGO_LAYER_PREFIX") or "tickets-django",
        },
    }
}

CHANX = {
    "ASYNCAPI_TITLE": "Ticket desk (Django)",
    "ASYNCAPI_VERSION": "1.0.0",
    "ASYNCAPI_DESCRIPTION": "The Django service of the ticket desk.",
}
