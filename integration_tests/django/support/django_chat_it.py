"""Helpers for the django_chat tests: the example's commands, HTTP on loopback, WebSocket clients.

Everything is bounded: each HTTP request, WebSocket frame and command has a timeout, and each
test body runs under :func:`bounded`.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import http.cookiejar
import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Origin

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "examples" / "django_chat"

TEST_SECONDS = 10.0
"""The most any one test may take."""
FRAME_SECONDS = 5.0
"""The most a test waits for one frame or one HTTP answer."""
COMMAND_SECONDS = 20.0
"""The most a ``manage.py`` command may take (Django starts in a fresh interpreter)."""

DUMP_DIR_ENV = "CHANX_ASYNCAPI_DUMP_DIR"

USERS = {"alice": "alice-password-1", "bob": "bob-password-2"}
"""The users every test database holds, with their passwords."""

P = ParamSpec("P")
T = TypeVar("T")


def bounded(test: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
    """Fail an async test that runs longer than :data:`TEST_SECONDS`."""

    @functools.wraps(test)
    async def run(*args: P.args, **kwargs: P.kwargs) -> T:
        async with asyncio.timeout(TEST_SECONDS):
            return await test(*args, **kwargs)

    return run


def server_command(kind: str, port: int) -> list[str]:
    """Return the command that serves the example's ASGI application with daphne or uvicorn."""
    app = "django_chat.asgi:application"
    if kind == "daphne":
        return [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), app]
    if kind == "uvicorn":
        return [sys.executable, "-m", "uvicorn", "--host", "127.0.0.1", "--port", str(port), app]
    msg = f"unknown server {kind!r}"
    raise ValueError(msg)


def manage(env: Mapping[str, str], *args: str, timeout: float = COMMAND_SECONDS) -> str:
    """Run ``python manage.py ARGS`` in the example folder and return its standard output."""
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=EXAMPLE,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        msg = (
            f"manage.py {' '.join(args)} exited with {done.returncode}:\n{done.stdout}{done.stderr}"
        )
        raise AssertionError(msg)
    return done.stdout


def prepare_database(env: Mapping[str, str]) -> None:
    """Migrate the example's database and create :data:`USERS`, in one interpreter."""
    commands = [["migrate", "--noinput", "-v", "0"]]
    commands += [
        ["create_demo_user", "--username", name, "--password", password]
        for name, password in USERS.items()
    ]
    script = (
        "import json, sys, django; django.setup(); "
        "from django.core.management import call_command; "
        "[call_command(*command) for command in json.loads(sys.argv[1])]"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, json.dumps(commands)],
        cwd=EXAMPLE,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=COMMAND_SECONDS,
        check=False,
    )
    assert done.returncode == 0, f"{done.stdout}{done.stderr}"


async def amanage(env: Mapping[str, str], *args: str) -> str:
    """:func:`manage` from async code, without blocking the event loop."""
    return await asyncio.to_thread(manage, env, *args)


@dataclasses.dataclass(frozen=True)
class ChatServer:
    """One running server of the example, and what a client needs to talk to it."""

    kind: str
    """``daphne`` or ``uvicorn``."""
    port: int
    env: Mapping[str, str]
    """The environment the server runs with (database, Redis, prefix)."""
    log: Path | None = None
    """The file the server's output goes to, when the fixture keeps one."""

    def output(self) -> str:
        """Everything the server wrote so far."""
        return self.log.read_text(errors="replace") if self.log and self.log.exists() else ""

    @property
    def http(self) -> str:
        """The server's http:// base URL."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def origin(self) -> Origin:
        """The Origin a page served by this server sends (the origin validator wants one)."""
        return Origin(self.http)

    def ws(self, path: str, **query: str) -> str:
        """Return the ws:// URL of a path, with query parameters."""
        suffix = f"?{urllib.parse.urlencode(query)}" if query else ""
        return f"ws://127.0.0.1:{self.port}{path}{suffix}"


# --------------------------------------------------------------------------- HTTP


def http_opener() -> tuple[urllib.request.OpenerDirector, http.cookiejar.CookieJar]:
    """Return an opener with a cookie jar, ignoring any proxy (loopback only)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(jar)
    )
    return opener, jar


def http_request(
    url: str,
    *,
    data: Mapping[str, Any] | None = None,
    form: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
    opener: urllib.request.OpenerDirector | None = None,
) -> tuple[int, str]:
    """Send a GET (or a POST with a JSON body or a form) and return the status and body."""
    body: bytes | None = None
    all_headers = dict(headers or {})
    if data is not None:
        body = json.dumps(data).encode()
        all_headers["Content-Type"] = "application/json"
    elif form is not None:
        body = urllib.parse.urlencode(form).encode()
        all_headers["Content-Type"] = "application/x-www-form-urlencoded"
    request = urllib.request.Request(url, data=body, headers=all_headers)
    opener = opener or http_opener()[0]
    try:
        with opener.open(request, timeout=FRAME_SECONDS) as response:
            return int(response.status), response.read().decode()
    except urllib.error.HTTPError as exc:
        return int(exc.code), exc.read().decode()


def obtain_token(server: ChatServer, username: str, password: str) -> str:
    """Ask DRF's ``/api/token/`` for a user's token."""
    status, body = http_request(
        f"{server.http}/api/token/", data={"username": username, "password": password}
    )
    assert status == 200, body
    token = json.loads(body)["token"]
    assert isinstance(token, str)
    return token


def login_session(server: ChatServer, username: str, password: str) -> str:
    """Sign in through the login page, as a browser does, and return the session cookie."""
    opener, jar = http_opener()
    status, page = http_request(f"{server.http}/login/", opener=opener)
    assert status == 200, page
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found, page
    status, page = http_request(
        f"{server.http}/login/",
        form={
            "csrfmiddlewaretoken": found.group(1),
            "username": username,
            "password": password,
        },
        opener=opener,
    )
    assert status == 200, page  # the redirect to the room list, followed
    cookies = {cookie.name: cookie.value for cookie in jar}
    assert "sessionid" in cookies, cookies
    return f"sessionid={cookies['sessionid']}"


# --------------------------------------------------------------------------- WebSocket


async def open_ws(
    server: ChatServer,
    path: str,
    *,
    token: str | None = None,
    cookie: str | None = None,
    origin: Origin | None = None,
    query: Mapping[str, str] | None = None,
) -> ClientConnection:
    """Connect a WebSocket client, sending the page's Origin (and a token, a cookie, a query)."""
    headers = {"Cookie": cookie} if cookie else None
    params = dict(query or {})
    if token is not None:
        params["token"] = token
    return await connect(
        server.ws(path, **params),
        origin=origin or server.origin,
        additional_headers=headers,
        proxy=None,
        open_timeout=FRAME_SECONDS,
        close_timeout=FRAME_SECONDS,
    )


async def receive(ws: ClientConnection) -> Any:
    """Return the next frame, parsed."""
    raw = await asyncio.wait_for(ws.recv(), FRAME_SECONDS)
    return json.loads(raw)


async def receive_raw(ws: ClientConnection) -> str:
    """Return the next frame's text."""
    raw = await asyncio.wait_for(ws.recv(), FRAME_SECONDS)
    assert isinstance(raw, str), raw
    return raw


async def send(ws: ClientConnection, action: str, payload: Any = None) -> None:
    """Send one frame."""
    await ws.send(json.dumps({"action": action, "payload": payload}))


async def ping(ws: ClientConnection) -> None:
    """Ping over the protocol and expect the pong: every earlier frame has been handled."""
    await send(ws, "ping")
    assert await receive(ws) == {"action": "pong", "payload": None}


async def signed_in(ws: ClientConnection) -> ClientConnection:
    """Expect the authentication frame with status 200, then sync with a ping."""
    frame = await receive(ws)
    assert frame["action"] == "authentication", frame
    assert frame["payload"]["status_code"] == 200, frame
    await ping(ws)
    return ws


async def closed_with(ws: ClientConnection) -> int | None:
    """Wait until the server closes the connection and return the close code."""
    await asyncio.wait_for(ws.wait_closed(), FRAME_SECONDS)
    return ws.close_code


# --------------------------------------------------------------------------- AsyncAPI


def dump_document(name: str, text: str, suffix: str) -> None:
    """Write a served document into ``CHANX_ASYNCAPI_DUMP_DIR``, when set, for the validator."""
    folder = os.environ.get(DUMP_DIR_ENV)
    if not folder:
        return
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    (target / f"django_chat-{name}{suffix}").write_text(text, encoding="utf-8")
