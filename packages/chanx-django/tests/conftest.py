"""Fixtures for the chanx-django tests: the test project on the path, a fresh layer per test.

Django is set up here, as the conftest is imported: test modules import the test project's
models at collection time, before pytest-django would set Django up lazily. pytest-django then
finds it configured and provides its database fixtures and ``settings`` as usual.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import django
import pytest

SUPPORT = Path(__file__).parent / "support"
sys.path.insert(0, str(SUPPORT))
# One Django project per process: these tests need theirs, whatever the shell had set.
os.environ["DJANGO_SETTINGS_MODULE"] = "chanx_django_testproject.settings"
django.setup()


@pytest.fixture(autouse=True)
def layer(chanx_channels_layers: dict[str, Any]) -> Any:
    """A fresh in-memory channel layer for every test (the plugin's fixture, under test too)."""
    return chanx_channels_layers["default"]


@pytest.fixture(autouse=True)
def database(request: pytest.FixtureRequest) -> None:
    """Let every test reach the test database (in a rolled-back transaction unless marked).

    Channels closes stale database connections at connect and disconnect, in its worker
    thread, whose connection an earlier transactional test may have opened: pytest-django's
    blocker would turn that housekeeping into an error in tests that never query.
    """
    if request.node.get_closest_marker("django_db") is None:
        request.getfixturevalue("db")


@pytest.fixture
def application() -> Any:
    """The test project's ASGI application."""
    from chanx_django_testproject.asgi import application

    return application
