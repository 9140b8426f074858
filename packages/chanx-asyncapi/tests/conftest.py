"""Fixtures for the AsyncAPI tests: the support folder, settings reset, document dumps, goldens.

Two environment variables change what the tests do:

- ``CHANX_ASYNCAPI_DUMP_DIR``: every document a test builds through the ``build`` fixture is
  also written there as JSON, for the ``asyncapi_validate`` nox session to check with the
  official parser.
- ``CHANX_ASYNCAPI_UPDATE_GOLDEN=1`` (or ``--update-golden``): the golden tests rewrite
  ``tests/golden/`` instead of comparing against it.
"""

from __future__ import annotations

import itertools
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

SUPPORT = Path(__file__).parent / "support"
sys.path.insert(0, str(SUPPORT))

from chanx_asyncapi_dump import Build, dump_document  # noqa: E402
from chanx_asyncapi_host import HostConsumer  # noqa: E402

from chanx.asyncapi import DocumentSettings, RouteRecord, build_document  # noqa: E402
from chanx.core.settings import invalidate_settings  # noqa: E402

UPDATE_GOLDEN_ENV = "CHANX_ASYNCAPI_UPDATE_GOLDEN"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite chanx-asyncapi's golden files instead of comparing against them",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    """True when the golden files should be rewritten."""
    flag = bool(request.config.getoption("--update-golden", default=False))
    return flag or os.environ.get(UPDATE_GOLDEN_ENV, "") not in ("", "0")


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    """No project settings, and every consumer class resolves its settings afresh."""
    HostConsumer.project_settings = {}
    invalidate_settings()
    yield
    HostConsumer.project_settings = {}
    invalidate_settings()


@pytest.fixture
def build(request: pytest.FixtureRequest) -> Build:
    """``build_document``, also writing each document it builds into the dump folder."""
    counter = itertools.count(1)

    def run(routes: Iterable[RouteRecord], settings: DocumentSettings | None = None) -> Any:
        document = build_document(routes, settings)
        dump_document(f"{request.node.nodeid}-{next(counter)}", document)
        return document

    return run
