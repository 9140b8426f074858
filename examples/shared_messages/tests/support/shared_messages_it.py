"""Helpers for the shared_messages tests: the example's commands, child processes, Redis.

Everything runs on loopback and every wait is bounded. Child processes are stopped by PID
(SIGTERM, then SIGKILL) and their output goes to files the failures quote.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import redis

EXAMPLE = Path(__file__).resolve().parents[2]
"""``examples/shared_messages``."""
PACKAGE = EXAMPLE / "ticket-messages"
FASTAPI_SERVICE = EXAMPLE / "fastapi_service"
DJANGO_SERVICE = EXAMPLE / "django_service"
CLIENT = EXAMPLE / "client.py"
WORKER = EXAMPLE / "worker.py"

PACKAGE_NAME = "ticket-messages"
"""The message package's distribution name."""

STARTUP_SECONDS = 20.0
"""The most a server may take to listen, or a client to get through its conversation."""
COMMAND_SECONDS = 30.0
"""The most a client or worker run may take (each starts a fresh interpreter)."""
REPLY_SECONDS = 10.0
"""The ``--timeout`` the tests give client.py: the most it waits for one expected reply."""


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_answers(port: int) -> bool:
    """Return True when something accepts TCP connections on 127.0.0.1:port."""
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
        return True
    return False


def stop_process(process: subprocess.Popen[bytes], grace: float = 5.0) -> None:
    """Stop a child process by PID: SIGTERM, then SIGKILL after ``grace`` seconds."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.kill(process.pid, signal.SIGKILL)
            process.wait(grace)


def unavailable(reason: str) -> None:
    """Skip loudly, or fail under ``CI=true``, when something the test needs is missing."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason} (CI=true: this may not be skipped)")
    banner = "!" * 72
    sys.stderr.write(f"\n{banner}\nSKIPPING: {reason}\n{banner}\n")
    pytest.skip(reason)


@dataclasses.dataclass
class Child:
    """A child process whose output (stdout and stderr) goes to a file."""

    args: list[str]
    process: subprocess.Popen[bytes]
    log: Path

    @classmethod
    def start(cls, args: list[str], env: Mapping[str, str], cwd: Path, log: Path) -> Child:
        """Start ``args`` in ``cwd`` with ``env`` added to this process's environment."""
        with log.open("wb") as output:
            process = subprocess.Popen(
                args, stdout=output, stderr=subprocess.STDOUT, env={**os.environ, **env}, cwd=cwd
            )
        return cls(args=args, process=process, log=log)

    @property
    def label(self) -> str:
        """The command, short enough for a failure message."""
        return " ".join([Path(self.args[1]).name, *self.args[2:]])

    def output(self) -> str:
        """Everything the process wrote so far."""
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def wait_for_output(self, text: str, seconds: float = STARTUP_SECONDS) -> None:
        """Wait until the process has written ``text``; fail if it exits or time runs out."""
        deadline = time.monotonic() + seconds
        while text not in self.output():
            if self.process.poll() is not None:
                pytest.fail(f"{self.label} exited before writing {text!r}:\n{self.output()}")
            if time.monotonic() > deadline:
                pytest.fail(f"{self.label} did not write {text!r} in {seconds}s:\n{self.output()}")
            time.sleep(0.05)

    def finish(self, seconds: float = COMMAND_SECONDS) -> int:
        """Wait for the process to exit by itself and return its exit status."""
        try:
            return self.process.wait(seconds)
        except subprocess.TimeoutExpired:
            stop_process(self.process)
            pytest.fail(f"{self.label} still ran after {seconds}s:\n{self.output()}")

    def stop(self) -> None:
        """Stop the process by PID, if it still runs."""
        stop_process(self.process)


@dataclasses.dataclass
class Service:
    """One of the example's services, running as a real server process."""

    name: str
    """``fastapi`` or ``django``: also the ``service`` field of its messages."""
    port: int
    child: Child

    @property
    def ws_url(self) -> str:
        """The URL of the ticket WebSocket."""
        path = "/ws/tickets" if self.name == "fastapi" else "/ws/tickets/"
        return f"ws://127.0.0.1:{self.port}{path}"

    @property
    def schema_url(self) -> str:
        """The URL of the service's AsyncAPI document (JSON)."""
        path = "/asyncapi/schema.json" if self.name == "fastapi" else "/asyncapi/schema/"
        return f"http://127.0.0.1:{self.port}{path}"


def service_command(name: str, port: int) -> tuple[list[str], Path]:
    """Return the command that serves a service, and the folder to run it in.

    The FastAPI service runs under uvicorn and the Django service under daphne, as the
    README tells a reader to run them.
    """
    if name == "fastapi":
        args = ["-m", "uvicorn", "ticket_api.app:app", "--host", "127.0.0.1", "--port", str(port)]
        return [sys.executable, *args], FASTAPI_SERVICE
    if name == "django":
        args = ["-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "ticket_site.asgi:application"]
        return [sys.executable, *args], DJANGO_SERVICE
    msg = f"unknown service {name!r}"
    raise ValueError(msg)


def start_services(env: Mapping[str, str], logs: Path) -> dict[str, Service]:
    """Start both services at once and wait until each listens on its port.

    Raises:
        pytest.fail.Exception: When a service exits or does not listen in time; both are
            stopped first.
    """
    services: dict[str, Service] = {}
    for name in ("fastapi", "django"):
        port = free_port()
        args, cwd = service_command(name, port)
        child = Child.start(args, env, cwd, logs / f"{name}.log")
        services[name] = Service(name=name, port=port, child=child)
    deadline = time.monotonic() + STARTUP_SECONDS
    for service in services.values():
        while not port_answers(service.port):
            failed = service.child.process.poll() is not None or time.monotonic() > deadline
            if failed:
                stop_services(services)
                pytest.fail(f"the {service.name} service did not listen:\n{service.child.output()}")
            time.sleep(0.05)
    return services


def stop_services(services: Mapping[str, Service]) -> None:
    """Stop every service by PID."""
    for service in services.values():
        service.child.stop()


def client_args(service: Service, ticket_id: str, *extra: str) -> list[str]:
    """Return the command line of client.py against a service and ticket."""
    return [
        sys.executable,
        str(CLIENT),
        "--url",
        service.ws_url,
        "--ticket",
        ticket_id,
        "--timeout",
        str(REPLY_SECONDS),
        *extra,
    ]


def run_command(args: list[str], env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    """Run a command to its end (bounded by :data:`COMMAND_SECONDS`) and capture its output."""
    return subprocess.run(
        args,
        env={**os.environ, **env},
        cwd=EXAMPLE,
        capture_output=True,
        text=True,
        timeout=COMMAND_SECONDS,
        check=False,
    )


@dataclasses.dataclass(frozen=True)
class Frame:
    """One line of client.py's trace: a frame sent (``->``) or received (``<-``)."""

    direction: str
    kind: str
    """The shared class the frame was built from or parsed into."""
    action: str
    payload: Any


def frames(output: str) -> list[Frame]:
    """Parse client.py's trace lines (``-> Class {json}`` and ``<- Class {json}``)."""
    found = []
    for line in output.splitlines():
        direction, _, rest = line.partition(" ")
        if direction not in ("->", "<-"):
            continue
        kind, _, text = rest.partition(" ")
        data = json.loads(text)
        found.append(Frame(direction, kind, data["action"], data["payload"]))
    return found


def received(output: str, kind: str) -> list[Any]:
    """Return the payloads of the frames of class ``kind`` client.py received."""
    return [
        frame.payload for frame in frames(output) if frame.direction == "<-" and frame.kind == kind
    ]


def fetch_json(url: str) -> Any:
    """GET a JSON document from a loopback URL (bounded)."""
    with urllib.request.urlopen(url, timeout=REPLY_SECONDS) as response:
        return json.loads(response.read())


def delete_keys(redis_url: str, prefixes: list[str]) -> None:
    """Delete every Redis key under the prefixes, so a test run leaves nothing behind."""
    client = redis.Redis.from_url(redis_url, socket_timeout=5)
    try:
        for prefix in prefixes:
            for key in client.scan_iter(match=f"{prefix}*", count=1000):
                client.delete(key)
    finally:
        client.close()


def redis_answers(redis_url: str) -> bool:
    """Return True when the Redis server at the URL answers PING within a second."""
    client = redis.Redis.from_url(redis_url, socket_timeout=1, socket_connect_timeout=1)
    try:
        return bool(client.ping())
    except (redis.RedisError, OSError):
        return False
    finally:
        client.close()


@contextlib.contextmanager
def layer_environment(redis_url: str) -> Iterator[dict[str, str]]:
    """The services' environment on Redis, under key prefixes of their own; cleaned up after.

    The worker reads the same variables, so it reaches exactly these services.
    """
    run = uuid.uuid4().hex[:10]
    prefixes = {
        "FASTAPI_LAYER_PREFIX": f"shared-messages-test-{run}-fastapi",
        "DJANGO_LAYER_PREFIX": f"shared-messages-test-{run}-django",
    }
    try:
        yield {
            "REDIS_URL": redis_url,
            **prefixes,
            "DJANGO_SETTINGS_MODULE": "ticket_site.settings",
            "PYTHONUNBUFFERED": "1",
        }
    finally:
        delete_keys(redis_url, list(prefixes.values()))
