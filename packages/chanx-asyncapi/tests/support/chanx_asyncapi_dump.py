"""Writing the documents the tests build into a folder, for the official validator.

The ``asyncapi_validate`` nox session sets ``CHANX_ASYNCAPI_DUMP_DIR``, runs the tests, then
validates every file written there (and the golden files) with ``@asyncapi/parser``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from chanx.asyncapi import dump_json

DUMP_DIR_ENV = "CHANX_ASYNCAPI_DUMP_DIR"

Build = Callable[..., dict[str, Any]]
"""The ``build`` fixture's type: ``build_document`` that also dumps what it builds."""


def dump_document(name: str, document: dict[str, Any]) -> None:
    """Write a document into the dump folder as JSON, when one is configured."""
    folder = os.environ.get(DUMP_DIR_ENV)
    if not folder:
        return
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_")
    (target / f"{stem}.json").write_text(dump_json(document), encoding="utf-8")
