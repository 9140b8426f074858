"""The sample application's document, byte for byte, in JSON and YAML.

Regenerate after an intended change with ``CHANX_ASYNCAPI_UPDATE_GOLDEN=1`` (or
``--update-golden``) and review the diff.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import chanx_asyncapi_sample as sample
import pytest

from chanx.asyncapi import DocumentSettings, build_document, dump_json, dump_yaml

GOLDEN = Path(__file__).parent / "golden"

SETTINGS = DocumentSettings(
    title="Chanx sample",
    version="1.0.0",
    description="The sample application of the chanx-asyncapi tests.",
    servers={"local": "ws://localhost:8000"},
)


@pytest.mark.parametrize(("name", "dump"), [("sample.json", dump_json), ("sample.yaml", dump_yaml)])
def test_the_sample_document_matches_its_golden_file(
    name: str, dump: Callable[[dict[str, Any]], str], update_golden: bool
) -> None:
    """Nested models, camelCase, several channels and parameters, exactly as committed."""
    text = dump(build_document(sample.ROUTES, SETTINGS))
    path = GOLDEN / name
    if update_golden:
        path.write_bytes(text.encode("utf-8"))
    assert path.read_bytes().decode("utf-8") == text, (
        f"{path} is out of date: rerun with CHANX_ASYNCAPI_UPDATE_GOLDEN=1 and review the diff"
    )
