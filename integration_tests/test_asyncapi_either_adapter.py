"""The same consumer code yields byte-identical AsyncAPI documents under either adapter."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent / "support" / "asyncapi_either_adapter.py"


def document_under(adapter: str, hash_seed: str) -> str:
    """Run the sample in a fresh process with the given adapter and hash seed."""
    env = {**os.environ, "CHANX_ADAPTER": adapter, "PYTHONHASHSEED": hash_seed}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, str(SCRIPT)], check=True, capture_output=True, text=True, env=env
    )
    return result.stdout


def test_documents_are_byte_identical_across_adapters_and_runs() -> None:
    """Django Channels and fast-channels, with different hash seeds, give the same bytes."""
    from_fast_channels = document_under("fast_channels", "1")
    from_channels = document_under("channels", "2")
    again = document_under("fast_channels", "3")
    assert '"asyncapi": "3.0.0"' in from_fast_channels
    assert "messageText" in from_fast_channels  # camelize reached the schema
    assert from_channels == from_fast_channels
    assert again == from_fast_channels
