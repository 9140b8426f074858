"""Settings of the django_chat example.

Everything that differs between a laptop and a deployment comes from the environment:

- ``REDIS_URL``: use channels_redis on this Redis (needed to reach clients from a management
  command or from several server processes); the in-memory layer otherwise.
- ``CHANX_LAYER_PREFIX``: the channel-layer key prefix in Redis (``django_chat`` by default).
- ``DJANGO_CHAT_DB``: the SQLite file (``db.sqlite3`` next to ``manage.py`` by default).
- ``DJANGO_SECRET_KEY``, ``DJANGO_DEBUG`` (``1`` or ``0``), ``DJANGO_ALLOWED_HOSTS``
  (comma-separated).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ.get(
    "DJANGO_SECRET_KEY", "django-insecure-demo-key-change-me-before-deploying-anything"
)
DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")

INSTALLED_APPS = [
    # daphne first: `manage.py runserver` then serves HTTP and WebSockets.
    "daphne",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "rest_framework",
    "rest_framework.authtoken",
    "channels",
    "chanx.ext.channels",
    "chat",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "django_chat.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

ASGI_APPLICATION = "django_chat.asgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("DJANGO_CHAT_DB", str(BASE_DIR / "db.sqlite3")),
    }
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "index"
LOGOUT_REDIRECT_URL = "login"

REST_FRAMEWORK = {
    # Token first: DRF then answers 401 with a WWW-Authenticate header to anonymous callers.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
}

REDIS_URL = os.environ.get("REDIS_URL", "")
CHANNEL_LAYERS: dict[str, Any]
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [REDIS_URL],
                "prefix": os.environ.get("CHANX_LAYER_PREFIX", "django_chat"),
            },
        }
    }
else:
    # One process only: a management command cannot reach this server's clients.
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

CHANX = {
    "SEND_COMPLETION": False,
    "LOG_WEBSOCKET_MESSAGE": DEBUG,
    "LOG_IGNORED_ACTIONS": ["ping", "pong"],
    "ASYNCAPI_TITLE": "Django chat",
    "ASYNCAPI_VERSION": "1.0.0",
    "ASYNCAPI_DESCRIPTION": "Chat rooms and notifications of the Chanx django_chat example.",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
}
