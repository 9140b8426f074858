"""``manage.py generate_asyncapi_schema``: stdout, ``--output`` and ``--format``."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import CommandError, call_command


def run(*args: str) -> tuple[str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("generate_asyncapi_schema", *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def test_json_on_stdout_without_servers() -> None:
    """By default the JSON document goes to stdout; without a request there is no server."""
    out, _ = run()
    document = json.loads(out)
    assert document["info"]["title"] == "Test project API"
    assert "servers" not in document
    assert out.endswith("}\n")


def test_yaml_on_stdout() -> None:
    """--format yaml writes the same document as YAML."""
    as_json = json.loads(run()[0])
    assert yaml.safe_load(run("--format", "yaml")[0]) == as_json


@pytest.mark.parametrize(
    ("name", "args", "load"),
    [
        ("asyncapi.json", [], json.loads),
        ("asyncapi.yaml", [], yaml.safe_load),
        ("asyncapi.txt", ["--format", "yaml"], yaml.safe_load),
    ],
    ids=["json-suffix", "yaml-suffix", "explicit-format"],
)
def test_output_writes_a_file(tmp_path: Path, name: str, args: list[str], load: Any) -> None:
    """--output writes the file (format from its suffix unless given) and nothing to stdout."""
    target = tmp_path / name
    out, err = run("--output", str(target), *args)
    assert out == ""
    assert str(target) in err
    assert load(target.read_text())["info"]["version"] == "0.1.0"


def test_the_output_is_stable() -> None:
    """The same project gives byte-identical output, so CI can diff it."""
    assert run()[0] == run()[0]


def test_configured_servers_are_written(settings: Any) -> None:
    """ASYNCAPI_SERVERS reaches the exported document."""
    settings.CHANX = {"ASYNCAPI_SERVERS": {"local": "ws://localhost:8000"}}
    document = json.loads(run()[0])
    assert document["servers"] == {"local": {"host": "localhost:8000", "protocol": "ws"}}


def test_a_bad_asgi_application_is_a_command_error(settings: Any) -> None:
    """A missing or unimportable ASGI_APPLICATION fails with a one-line CommandError."""
    settings.ASGI_APPLICATION = "chanx_nowhere.asgi.application"
    with pytest.raises(CommandError, match="Cannot import ASGI_APPLICATION module"):
        run()


def test_an_application_that_is_not_channels_is_a_command_error(settings: Any) -> None:
    """ASGI_APPLICATION pointing at something else is refused with the reason."""
    settings.ASGI_APPLICATION = "chanx_django_testproject.settings.DATABASES"
    with pytest.raises(CommandError, match="is not a Channels application"):
        run()
