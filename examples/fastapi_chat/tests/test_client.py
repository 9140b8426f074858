"""``client.py`` against the demo app served by uvicorn: the typed client a README promises.

The app runs in this environment (``nox -s examples`` installs the wheels, uvicorn and
websockets); the client runs as a user runs it, as a script in a process of its own.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[1]
CLIENT = EXAMPLE / "client.py"
TIMEOUT = 20.0
"""Seconds a client may take to finish."""


@pytest.fixture(scope="module")
def server(app_server: str) -> str:
    """The app's ``ws://`` base URL (``app_server`` in conftest.py runs it under uvicorn)."""
    return app_server.replace("http://", "ws://", 1)


def client(server: str, *args: str) -> subprocess.Popen[str]:
    """Start ``client.py`` against the server with the given arguments."""
    return subprocess.Popen(
        [sys.executable, str(CLIENT), "--server", server, *args],
        cwd=EXAMPLE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    """Wait for a client; return its exit status, output and error output."""
    try:
        out, err = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        pytest.fail(f"the client did not finish within {TIMEOUT} s:\n{out}\n{err}")
    return process.returncode, out, err


def wait_for_line(process: subprocess.Popen[str], text: str) -> list[str]:
    """Read the client's output until a line contains ``text``; return the lines read."""
    assert process.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
        if text in line:
            return lines
    process.kill()
    pytest.fail(f"no line with {text!r} from the client; it printed: {lines}")


def test_the_client_sends_typed_lines_and_sees_them_relayed(server: str) -> None:
    """Each line goes out as a ChatMessage and comes back parsed as a ChatNotificationMessage."""
    status, out, err = finish(client(server, "--name", "ada", "--room", "tea", "hi", "bye"))
    assert (status, err) == (0, "")
    assert out.splitlines() == [
        '<< MemberJoinedMessage {"action":"member_joined","payload":{"room":"tea"}}',
        "-- joined tea",
        '>> PingMessage {"action":"ping","payload":null}',
        '<< PongMessage {"action":"pong","payload":null}',
        '>> ChatMessage {"action":"chat","payload":{"name":"ada","text":"hi"}}',
        '<< ChatNotificationMessage {"action":"chat_notification",'
        '"payload":{"room":"tea","name":"ada","text":"hi"}}',
        '>> ChatMessage {"action":"chat","payload":{"name":"ada","text":"bye"}}',
        '<< ChatNotificationMessage {"action":"chat_notification",'
        '"payload":{"room":"tea","name":"ada","text":"bye"}}',
    ]


def test_a_listening_client_sees_another_clients_line(server: str) -> None:
    """Two processes in one room: the listener receives what the other one says."""
    listener = client(server, "--name", "bo", "--room", "garden", "--listen", "10")
    try:
        wait_for_line(listener, "PongMessage")
        status, _, err = finish(client(server, "--name", "cy", "--room", "garden", "rain"))
        assert (status, err) == (0, "")
        seen = wait_for_line(listener, "ChatNotificationMessage")
        assert seen[-1] == (
            '<< ChatNotificationMessage {"action":"chat_notification",'
            '"payload":{"room":"garden","name":"cy","text":"rain"}}'
        )
    finally:
        listener.kill()
        listener.communicate(timeout=TIMEOUT)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param(["--room", "no spaces"], "received 4400", id="room-closed-by-server"),
        pytest.param(["--name", "x" * 41], "ValidationError", id="name-refused-before-sending"),
    ],
)
def test_a_refusal_ends_the_client_with_status_1(
    server: str, args: list[str], expected: str
) -> None:
    """A close from the server or a message the models refuse is reported, status 1."""
    status, _, err = finish(client(server, *args, "hello"))
    assert status == 1
    assert err.startswith("!! ")
    assert expected in err
