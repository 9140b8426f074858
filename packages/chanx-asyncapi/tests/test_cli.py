"""The ``chanx asyncapi`` command and ``python -m chanx.asyncapi``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import chanx_asyncapi_sample as sample
import pytest
import yaml

from chanx.asyncapi import DocumentSettings, build_document, dump_json, dump_yaml
from chanx.asyncapi._cli import main

SUPPORT = Path(__file__).parent / "support"


@pytest.fixture(autouse=True)
def keep_sys_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command puts ``--app-dir`` on ``sys.path``; each test gets the path back."""
    monkeypatch.setattr(sys, "path", list(sys.path))


def run(capsysbinary: pytest.CaptureFixture[bytes], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsysbinary.readouterr()
    return status, captured.out.decode("utf-8"), captured.err.decode("utf-8")


def test_json_on_stdout_is_exactly_the_library_output(
    capsysbinary: pytest.CaptureFixture[bytes],
) -> None:
    """``chanx asyncapi module:routes`` prints what ``dump_json(build_document(...))`` gives."""
    status, out, _ = run(capsysbinary, "asyncapi", "chanx_asyncapi_sample:ROUTES")
    assert status == 0
    assert out == dump_json(build_document(sample.ROUTES))


def test_yaml_into_a_file_with_settings_from_flags(
    capsysbinary: pytest.CaptureFixture[bytes], tmp_path: Path
) -> None:
    """``-o x.yaml`` picks YAML; title, version, description and servers come from flags."""
    target = tmp_path / "schema.yaml"
    status, out, _ = run(
        capsysbinary,
        "asyncapi",
        "chanx_asyncapi_sample:ROUTES",
        "-o",
        str(target),
        "--title",
        "Rooms",
        "--version",
        "3.2.1",
        "--description",
        "About rooms.",
        "--server",
        "prod=wss://rooms.example.com",
        "--server",
        "ws://localhost:8000",
    )
    assert status == 0
    assert out == ""
    settings = DocumentSettings(
        title="Rooms",
        version="3.2.1",
        description="About rooms.",
        servers={"prod": "wss://rooms.example.com", "default": "ws://localhost:8000"},
    )
    assert target.read_text(encoding="utf-8") == dump_yaml(build_document(sample.ROUTES, settings))


def test_the_format_flag_wins_over_the_suffix(
    capsysbinary: pytest.CaptureFixture[bytes], tmp_path: Path
) -> None:
    """``--format json`` writes JSON whatever the file is called."""
    target = tmp_path / "schema.txt"
    status, _, _ = run(
        capsysbinary, "asyncapi", "chanx_asyncapi_sample:ROUTES", "-f", "yaml", "-o", str(target)
    )
    assert status == 0
    assert yaml.safe_load(target.read_text(encoding="utf-8"))["asyncapi"] == "3.0.0"
    status, out, _ = run(
        capsysbinary, "asyncapi", "chanx_asyncapi_sample:ROUTES", "--format", "json", "--camelize"
    )
    assert json.loads(out) == build_document(sample.ROUTES, DocumentSettings(camelize=True))


def test_html_writes_the_docs_page(
    capsysbinary: pytest.CaptureFixture[bytes], tmp_path: Path
) -> None:
    """``-o docs.html`` writes the page; ``--assets-url`` points it at local files."""
    target = tmp_path / "docs.html"
    status, _, _ = run(
        capsysbinary,
        "asyncapi",
        "chanx_asyncapi_sample:ROUTES",
        "-o",
        str(target),
        "--assets-url",
        "/static/asyncapi",
    )
    assert status == 0
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert 'src="/static/asyncapi/browser/standalone/index.js"' in page


def test_an_application_is_found_through_route_discovery(
    capsysbinary: pytest.CaptureFixture[bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An app object goes to the adapters' discovery functions."""
    monkeypatch.setattr(
        "chanx.asyncapi._discovery.discovery_functions", lambda: [("sample", sample.discover)]
    )
    status, out, _ = run(capsysbinary, "asyncapi", "chanx_asyncapi_sample:app", "-f", "yaml")
    assert status == 0
    assert out == dump_yaml(build_document(sample.ROUTES))


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("chanx_asyncapi_sample", "expected MODULE:ATTRIBUTE"),
        ("chanx_asyncapi_no_such_module:app", "cannot import 'chanx_asyncapi_no_such_module'"),
        ("chanx_asyncapi_sample:nope", "has no attribute 'nope'"),
        ("chanx_asyncapi_sample:app", "no adapter recognises chanx_asyncapi_sample.SampleApp"),
    ],
)
def test_mistakes_exit_1_with_a_message_and_no_traceback(
    capsysbinary: pytest.CaptureFixture[bytes],
    monkeypatch: pytest.MonkeyPatch,
    target: str,
    message: str,
) -> None:
    """Bad targets and unrecognised apps print one line on stderr and exit 1."""
    monkeypatch.setattr("chanx.asyncapi._discovery.discovery_functions", lambda: [])
    status, out, err = run(capsysbinary, "asyncapi", target)
    assert status == 1
    assert out == ""
    assert err.startswith("chanx asyncapi: error: ")
    assert message in err
    assert "Traceback" not in err


def test_usage_errors_exit_2(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    """No command, or a malformed flag, is a usage error."""
    with pytest.raises(SystemExit) as caught:
        main([])
    assert caught.value.code == 2
    with pytest.raises(SystemExit) as caught:
        main(["asyncapi", "x:y", "--server", "=ws://x"])
    assert caught.value.code == 2


def test_python_dash_m_runs_the_same_command(tmp_path: Path) -> None:
    """``python -m chanx.asyncapi`` behaves like ``chanx``, here with --app-dir."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "chanx.asyncapi",
            "asyncapi",
            "chanx_asyncapi_sample:ROUTES",
            "--app-dir",
            str(SUPPORT),
        ],
        check=True,
        capture_output=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": ""},
    )
    assert result.stdout.decode("utf-8") == dump_json(build_document(sample.ROUTES))


def test_the_chanx_console_script_is_installed() -> None:
    """The distribution registers ``chanx`` and the script runs."""
    (script,) = entry_points(group="console_scripts", name="chanx")
    assert script.value == "chanx.asyncapi._cli:main"
    executable = Path(sys.executable).parent / "chanx"
    result = subprocess.run(
        [str(executable), "asyncapi", "--help"], check=True, capture_output=True
    )
    assert b"MODULE:ATTRIBUTE" in result.stdout
