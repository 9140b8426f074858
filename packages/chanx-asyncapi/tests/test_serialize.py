"""JSON and YAML output: the same bytes on every run, the same data in both formats."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import chanx_asyncapi_sample as sample
import pytest
import yaml
from chanx_asyncapi_dump import Build

from chanx.asyncapi import build_document, dump_json, dump_yaml
from chanx.asyncapi._serialize import dump

SUPPORT = Path(__file__).parent / "support"

FINGERPRINT = """
import hashlib
import chanx_asyncapi_sample as sample
from chanx.asyncapi import build_document, dump_json, dump_yaml
document = build_document(list(reversed(sample.ROUTES)))
text = dump_json(document) + dump_yaml(document)
print(hashlib.sha256(text.encode()).hexdigest())
"""


def test_json_and_yaml_hold_the_same_data(build: Build) -> None:
    """Parsing either text gives back the document."""
    document = build(sample.ROUTES)
    assert json.loads(dump_json(document)) == document
    assert yaml.safe_load(dump_yaml(document)) == document


def test_rebuilding_gives_byte_identical_text() -> None:
    """Two builds of the same routes serialise to the same bytes."""
    first, second = build_document(sample.ROUTES), build_document(sample.ROUTES)
    assert dump_json(first) == dump_json(second)
    assert dump_yaml(first) == dump_yaml(second)


def test_output_is_the_same_under_any_hash_seed() -> None:
    """Separate interpreters with different hash seeds write the same bytes."""
    prints = set()
    for seed in ("0", "1", "4242"):
        env = dict(os.environ, PYTHONHASHSEED=seed, PYTHONPATH=str(SUPPORT))
        result = subprocess.run(
            [sys.executable, "-c", FINGERPRINT],
            check=True,
            capture_output=True,
            text=True,
            env=env,
        )
        prints.add(result.stdout.strip())
    assert len(prints) == 1


def test_keys_keep_the_document_order_and_text_ends_with_a_newline(build: Build) -> None:
    """Neither format sorts keys: ``asyncapi`` comes first, ``components`` last."""
    document = build(sample.ROUTES)
    for text in (dump_json(document), dump_yaml(document)):
        assert text.endswith("\n")
        assert not text.endswith("\n\n")
        assert text.index("asyncapi") < text.index("info") < text.index("components")


def test_yaml_has_no_anchors_and_keeps_multi_line_text_readable(build: Build) -> None:
    """Repeated values are written out, and docstrings are literal blocks."""
    text = dump_yaml(build(sample.ROUTES))
    assert "&id" not in text
    assert "*id" not in text
    assert "    description: |-\n      Chat in one room.\n\n      Everyone" in text


def test_non_ascii_text_is_written_as_is() -> None:
    """Unicode in docstrings is kept, not escaped."""
    document = {"info": {"title": "Салон ☕"}}
    assert "Салон ☕" in dump_json(document)
    assert "Салон ☕" in dump_yaml(document)


def test_an_unknown_format_is_refused() -> None:
    """Only json and yaml exist."""
    with pytest.raises(ValueError, match="unknown format"):
        dump({}, "xml")  # type: ignore[arg-type]
