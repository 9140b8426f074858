"""Fixtures for the core's tests: a fresh in-memory channel layer per test."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "support"))

from chanx_core_host import HostFramework, MemoryLayer

from chanx.core.settings import invalidate_settings

pytest_plugins = ["pytester"]


@pytest.fixture(autouse=True)
def layer() -> Iterator[MemoryLayer]:
    """A fresh in-memory layer registered as "default", and settings resolved afresh."""
    memory = MemoryLayer()
    HostFramework.layers = {"default": memory}
    HostFramework.project_settings = {}
    invalidate_settings()
    yield memory
    HostFramework.layers = {}
    HostFramework.project_settings = {}
    invalidate_settings()
