"""The example's README, followed as a reader follows it, against a real daphne.

Its commands run as written (``migrate``, ``create_demo_user``, ``daphne``; only the port is
added), the token comes from DRF's endpoint as its ``curl`` line gets it, and its client script
is its own Python block, run as a script with the port and the token filled in. What the script
prints must be what the block's comments promise. ``nox -s examples`` runs this with the wheels
of Chanx, daphne and websockets installed.
"""

from __future__ import annotations

import ast
import contextlib
import json
import os
import re
import shlex
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

EXAMPLE = Path(__file__).resolve().parents[1]
README = EXAMPLE / "README.md"
TIMEOUT = 30.0
"""Seconds a command, the server's start or the client script may take."""


def blocks(language: str) -> list[str]:
    """Return the README's code blocks of one language, in order."""
    text = README.read_text(encoding="utf-8")
    return re.findall(rf"^```{language}\n(.*?)^```", text, re.MULTILINE | re.DOTALL)


def run_block_commands() -> list[list[str]]:
    """Return the ``python manage.py`` and ``daphne`` commands of the "Run it" block."""
    [run] = [block for block in blocks("bash") if "manage.py migrate" in block]
    lines = run.replace("\\\n", " ").splitlines()
    commands = [shlex.split(line, comments=True) for line in lines]
    return [words for words in commands if words and words[0] in ("python", "daphne")]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def as_run_here(words: list[str]) -> list[str]:
    """A README command with this interpreter in place of ``python`` / the ``daphne`` script."""
    if words[0] == "python":
        return [sys.executable, *words[1:]]
    return [sys.executable, "-m", *words]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The project set up and served as the README says; yields ``127.0.0.1:<port>``."""
    env = {
        **os.environ,
        "DJANGO_CHAT_DB": str(tmp_path_factory.mktemp("django_chat") / "db.sqlite3"),
    }
    env.pop("REDIS_URL", None)  # the README's first run is the in-memory layer
    *setup, serve = run_block_commands()
    assert serve[0] == "daphne", f"the README's run block ends with {serve}"
    for words in setup:
        done = subprocess.run(
            as_run_here(words),
            cwd=EXAMPLE,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
        assert done.returncode == 0, f"{shlex.join(words)} failed:\n{done.stdout}\n{done.stderr}"
    port = free_port()
    process = subprocess.Popen(
        [*as_run_here(serve), "-b", "127.0.0.1", "-p", str(port)],
        cwd=EXAMPLE,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + TIMEOUT
        while True:
            if process.poll() is not None:
                output, _ = process.communicate()
                pytest.fail(f"daphne exited with {process.returncode}:\n{output}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"http://127.0.0.1:{port}/asyncapi/schema/", timeout=1).is_success:
                    break
            if time.monotonic() > deadline:
                pytest.fail(f"daphne did not answer within {TIMEOUT} s")
            time.sleep(0.2)
        yield f"127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate(timeout=TIMEOUT)


def demo_token(server: str) -> str:
    """The demo user's DRF token, fetched as the README's ``curl`` line fetches it."""
    [curl] = [block for block in blocks("bash") if "/api/token/" in block]
    user = re.search(r"-d username=(\S+) -d password=(\S+)", curl)
    assert user is not None, curl
    reply = httpx.post(
        f"http://{server}/api/token/",
        data={"username": user[1], "password": user[2]},
        timeout=TIMEOUT,
    )
    assert reply.status_code == 200, reply.text
    token: str = reply.json()["token"]
    return token


def promised_frames(script: str) -> list[dict[str, object]]:
    """The frames the script's comments say it prints.

    A ``...`` value (None here) matches any value, and ``, ...`` stands for further keys.
    """
    return [
        ast.literal_eval(re.sub(r",\s*\.\.\.", "", comment).replace("...", "None"))
        for comment in re.findall(r"^\s*# (\{.*\})$", script, re.MULTILINE)
    ]


def matches(received: object, promised: object) -> bool:
    """Whether a frame has the promised shape: ``...`` (None) and omitted keys match anything."""
    if promised is None:
        return True
    if isinstance(promised, dict) and isinstance(received, dict):
        return all(key in received and matches(received[key], promised[key]) for key in promised)
    return received == promised


def test_the_readme_client_script_prints_what_its_comments_promise(
    server: str, tmp_path: Path
) -> None:
    """The script authenticates with the token, posts a line and gets the room's relay."""
    [script] = [block for block in blocks("python") if "websockets" in block]
    promised = promised_frames(script)
    assert [frame["action"] for frame in promised] == ["authentication", "room_message"]
    filled = script.replace("127.0.0.1:8000", server).replace("<your token>", demo_token(server))
    (tmp_path / "client.py").write_text(filled, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(tmp_path / "client.py")],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert done.returncode == 0, done.stderr
    printed = [ast.literal_eval(line) for line in done.stdout.splitlines()]
    assert len(printed) == len(promised)
    for frame, shape in zip(printed, promised, strict=True):
        assert matches(frame, shape), f"printed {frame}, the README promises {shape}"
    assert printed[1]["payload"]["username"] == "demo"


def test_the_docs_page_and_the_schema_command_describe_the_chat(
    server: str, tmp_path: Path
) -> None:
    """``/asyncapi/docs/`` answers, and the README's export command writes the chat channel."""
    page = httpx.get(f"http://{server}/asyncapi/docs/", timeout=TIMEOUT)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    [export] = [block for block in blocks("bash") if "generate_asyncapi_schema" in block]
    words = shlex.split(export.strip())
    words[words.index("--output") + 1] = str(tmp_path / "asyncapi.yaml")
    words[words.index("--format") + 1] = "json"  # the same document, read without PyYAML
    done = subprocess.run(
        as_run_here(words), cwd=EXAMPLE, capture_output=True, text=True, timeout=TIMEOUT
    )
    assert done.returncode == 0, done.stderr
    document = json.loads((tmp_path / "asyncapi.yaml").read_text(encoding="utf-8"))
    addresses = {channel["address"] for channel in document["channels"].values()}
    assert "/ws/chat/{room_name}/" in addresses, addresses
