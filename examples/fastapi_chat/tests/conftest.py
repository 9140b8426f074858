"""The demo, started the way the repository's README tells a newcomer to start it.

The ``demo`` fixture reads the demo command from the first ``bash`` block of ``README.md`` and
runs it from the repository root, in a shell-like environment: the virtualenv of the nox session
running these tests is taken off ``PATH``, so the nested nox finds the same ``python3`` a user's
shell would and builds its own environment.

The ``app_server`` fixture serves the app straight from this folder with the environment's own
uvicorn, for the tests of ``client.py``.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[3]
README = ROOT / "README.md"
EXAMPLE = ROOT / "examples" / "fastapi_chat"
STARTUP_TIMEOUT = 300.0
"""Seconds the demo may take to answer: its first run builds the wheels and its environment."""
STOP_TIMEOUT = 20.0
"""Seconds the demo may take to stop after each signal before the next, stronger one."""
# What nox sets for the session running these tests; a user's shell has none of it.
NOX_VARIABLES = (
    "VIRTUAL_ENV",
    "UV_PROJECT_ENVIRONMENT",
    "UV_PYTHON",
    "NOX_CURRENT_SESSION",
    "CONDA_PREFIX",
    "PYTHONHOME",
)


def readme_demo_command(readme: Path = README) -> list[str]:
    """Return the demo command of the README's first ``bash`` block, as arguments.

    Args:
        readme: The README to read.

    Returns:
        The words of the block's line that holds ``-s demo``, without its trailing comment.
    """
    match = re.search(r"^```bash\n(.*?)^```", readme.read_text(encoding="utf-8"), re.M | re.S)
    if match is None:
        pytest.fail(f"{readme} has no ```bash block")
    for line in match.group(1).splitlines():
        words = shlex.split(line, comments=True)
        if "-s" in words and words[words.index("-s") + 1 :][:1] == ["demo"]:
            return words
    pytest.fail(f"the first ```bash block of {readme} has no `-s demo` command:\n{match.group(0)}")


def is_virtualenv_bin(folder: str) -> bool:
    """Whether ``folder`` is the scripts folder of a virtualenv (it sits next to pyvenv.cfg)."""
    return bool(folder) and (Path(folder).parent / "pyvenv.cfg").is_file()


def user_shell_env(port: int) -> dict[str, str]:
    """Return this process's environment as a user's shell would have it, plus the demo port.

    Args:
        port: The port the demo is to listen on (``CHANX_DEMO_PORT``).

    Returns:
        The environment without the outer session's virtualenv variables and without any
        virtualenv's ``bin`` folder on ``PATH`` (nox's session, ``.tools`` of run_nox.py).
    """
    env = {key: value for key, value in os.environ.items() if key not in NOX_VARIABLES}
    venv = os.environ.get("VIRTUAL_ENV")
    dropped = {str(Path(venv) / "bin")} if venv else set()
    path = os.environ.get("PATH", "").split(os.pathsep)
    env["PATH"] = os.pathsep.join(
        entry for entry in path if entry not in dropped and not is_virtualenv_bin(entry)
    )
    env["CHANX_DEMO_PORT"] = str(port)
    return env


def free_port() -> int:
    """Return a loopback TCP port that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def tail(log: Path, limit: int = 8000) -> str:
    """Return the end of a server's output, for a failure message."""
    text = log.read_text(encoding="utf-8", errors="replace")
    return text if len(text) <= limit else "...\n" + text[-limit:]


def wait_until_answering(
    base: str,
    process: subprocess.Popen[bytes],
    log: Path,
    name: str = "the demo",
    timeout: float = STARTUP_TIMEOUT,
) -> None:
    """Wait until ``GET /`` answers 200; fail with the server's output if it exits or times out.

    Args:
        base: The server's base URL.
        process: The server's process.
        log: The file its output goes to.
        name: What the failure messages call the server.
        timeout: Seconds it may take.
    """
    deadline = time.monotonic() + timeout
    last = "no answer yet"
    while time.monotonic() < deadline:
        code = process.poll()
        if code is not None:
            pytest.fail(f"{name} exited with {code} before answering; its output:\n{tail(log)}")
        try:
            response = httpx.get(f"{base}/", timeout=5.0)
        except httpx.TransportError as error:
            last = repr(error)
        else:
            if response.status_code == 200:
                return
            last = f"HTTP {response.status_code}"
        time.sleep(0.2)
    pytest.fail(
        f"{name} did not answer GET / within {timeout:.0f} s ({last}); its output:\n{tail(log)}"
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a server as a user does, with Ctrl+C, escalating while its group is still running.

    SIGINT reaches nox and uvicorn alike, as a terminal's Ctrl+C does, and nox then waits for
    uvicorn. SIGTERM and SIGKILL follow, each after a bounded wait: a process started by a
    non-interactive shell's background job ignores SIGINT.
    """
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=STOP_TIMEOUT)
            break
    # nox has exited; whatever it may have left in the group goes too.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Run the README's demo command on a free port and yield its base URL once it answers."""
    command = readme_demo_command()
    port = free_port()
    log = tmp_path_factory.mktemp("demo") / "output.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=user_shell_env(port),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            # Its own process group, so teardown reaches uvicorn under nox as well.
            start_new_session=True,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_answering(base, process, log)
        yield base
    finally:
        stop(process)


APP_STARTUP_TIMEOUT = 20.0
"""Seconds the app may take to answer when uvicorn serves it straight from this folder."""


@pytest.fixture(scope="module")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo app under uvicorn in this environment, on a free port; yields its base URL."""
    port = free_port()
    log = tmp_path_factory.mktemp("app") / "output.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "fastapi_chat.app:app", "--port", str(port)],
            cwd=EXAMPLE,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_answering(base, process, log, "uvicorn", APP_STARTUP_TIMEOUT)
        yield base
    finally:
        stop(process)
