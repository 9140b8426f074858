"""Fixtures for the packaging checks: the folder of built artifacts and the workspace layout."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def dist_dir() -> Path:
    """The folder `nox -s packaging` built every wheel and sdist into."""
    value = os.environ.get("CHANX_DIST_DIR")
    if not value:
        pytest.fail("run these checks through `nox -s packaging`, which builds the artifacts")
    return Path(value)


@pytest.fixture(scope="session")
def shared_version() -> str:
    """The version every distribution shares."""
    return os.environ["CHANX_VERSION"]
