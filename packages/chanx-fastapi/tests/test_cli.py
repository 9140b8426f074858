"""The ``chanx asyncapi`` command on a FastAPI app, through this adapter's discovery entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml
from chanx_fastapi_sample import app

from chanx.asyncapi import DocumentSettings, build_document, dump_json
from chanx.ext.fast_channels.discovery import discover_routes

SUPPORT = Path(__file__).parent / "support"


def chanx(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the command line in a fresh interpreter, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "chanx.asyncapi", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
        timeout=120,
    )


def test_json_on_stdout_is_the_in_process_document(tmp_path: Path) -> None:
    """``chanx asyncapi module:app`` prints exactly the document built in-process."""
    result = chanx("asyncapi", "chanx_fastapi_sample:app", "--app-dir", str(SUPPORT), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    expected = dump_json(build_document(discover_routes(app) or [], DocumentSettings()))
    assert result.stdout == expected
    addresses = {c["address"] for c in json.loads(result.stdout)["channels"].values()}
    assert addresses == {"/ws/chat", "/ws/secure", "/sub/ws/room/{room_id}"}


def test_yaml_file_with_title_and_server(tmp_path: Path) -> None:
    """Flags set the title and servers; the format follows the output file's suffix."""
    result = chanx(
        "asyncapi",
        "chanx_fastapi_sample:app",
        "--app-dir",
        str(SUPPORT),
        "--title",
        "Chat API",
        "--server",
        "prod=wss://chat.example.com",
        "-o",
        "asyncapi.yaml",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    document = yaml.safe_load((tmp_path / "asyncapi.yaml").read_text())
    assert document["info"]["title"] == "Chat API"
    assert document["servers"] == {"prod": {"host": "chat.example.com", "protocol": "wss"}}


def test_a_plain_starlette_app_and_a_non_app(tmp_path: Path) -> None:
    """A Starlette app is recognised too; an object no adapter knows fails with one line."""
    result = chanx(
        "asyncapi", "chanx_fastapi_sample:starlette_app", "--app-dir", str(SUPPORT), cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert list(json.loads(result.stdout)["channels"]) == ["chat"]
    failed = chanx(
        "asyncapi", "chanx_fastapi_sample:USERS", "--app-dir", str(SUPPORT), cwd=tmp_path
    )
    assert failed.returncode == 1
    assert "no adapter recognises" in failed.stderr
