"""The quick starts work as written: each page is followed in an empty folder, then used.

The test reads these conventions of ``docs/quickstart/*.md``:

- A fenced block with a ``title`` is a file the reader writes: ``title="chat/consumers.py"``
  is the whole file, ``title="chatsite/settings.py (add at the end)"`` is appended to a file a
  command of the page created. Every ``python`` block has a title, so every one is run here.
- ``bash`` blocks hold one command per line (``&&`` chains commands, ``#`` starts a comment).
  Every command must be of a kind this test knows (:func:`classify`), so no step the page adds
  can go unchecked: scaffolding commands (``django-admin``, ``python manage.py``) are run, the
  ``pip install`` line is checked against this repo's distributions and the installed ones,
  the server command is run with its port swapped for a free loopback one, and the
  ``python -m websockets`` command gives the chat URL.
- The page's two ``json`` blocks are the frame the reader types and the frame every client in
  the room then receives.
- Every ``http://`` URL on the page is on the server's address and answers 200: the docs page
  (HTML) and the document (JSON) among them.

The pip line is not run: this environment has the packages installed already.
"""

from __future__ import annotations

import asyncio
import dataclasses
import enum
import importlib.metadata
import inspect
import json
import os
import re
import shlex
import subprocess
import sys
import time
import tomllib
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from chanx_it import STARTUP_SECONDS, ServerProcess, free_port, port_answers, stop_process
from extract_code_blocks import fences
from layout import BY_NAME, ROOT
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from websockets.asyncio.client import ClientConnection, connect

PAGES = {
    "fastapi": ROOT / "docs" / "quickstart" / "fastapi.md",
    "django": ROOT / "docs" / "quickstart" / "django.md",
}

TIMEOUT = 10.0
"""Seconds any single wait (a command, a frame, a response) may take."""

SERVERS = ("uvicorn", "daphne")
"""Servers a page may run; each is started as ``python -m <server>``."""

PROVIDERS: dict[str, tuple[tuple[str, ...], ...]] = {
    # uvicorn serves WebSockets only with a WebSocket library beside it.
    "uvicorn": (("uvicorn",), ("websockets", "wsproto")),
    "daphne": (("daphne",),),
    "django-admin": (("django",),),
    "manage.py": (("django",),),
    "websockets": (("websockets",),),
}
"""What the page's pip line must install for each program it runs: one of each group."""

_TITLE = re.compile(r'title="([^"]*)"')
_FILE_TITLE = re.compile(r"^(?P<path>[\w.-]+(?:/[\w.-]+)*)(?P<append> \(add at the end\))?$")
_URL = re.compile(r"\b(?:https?|wss?)://[^\s<>`\"')\]]+")


class Kind(enum.Enum):
    """What the test does with one command of a page."""

    SHELL = "a folder or the virtual environment: the test has its own"
    INSTALL = "pip install: checked, not run"
    SCAFFOLD = "run in the project folder"
    SERVE = "the server: started on a free port"
    CLIENT = "the chat client: its URL is the one the test connects to"


def classify(argv: list[str]) -> Kind:
    """Return the kind of a page's command, failing the test for an unknown one."""
    head = argv[0]
    if head in ("mkdir", "cd", "source") or argv[:3] == ["python", "-m", "venv"]:
        return Kind.SHELL
    if argv[:2] == ["pip", "install"]:
        return Kind.INSTALL
    if head == "django-admin" or argv[:2] == ["python", "manage.py"]:
        return Kind.SCAFFOLD
    if head in SERVERS:
        return Kind.SERVE
    if argv[:3] == ["python", "-m", "websockets"] and len(argv) == 4:
        return Kind.CLIENT
    pytest.fail(f"the page runs a command this test does not know: {shlex.join(argv)}")


@dataclasses.dataclass(frozen=True)
class Block:
    """One fenced code block of a page."""

    language: str
    title: str | None
    body: str


def commands(block: Block) -> list[tuple[Kind, list[str]]]:
    """The commands of a ``bash`` block, in order, with their kinds (none for other blocks)."""
    found = []
    if block.language == "bash":
        for line in block.body.splitlines():
            for command in line.split("&&"):
                argv = shlex.split(command, comments=True)
                if argv:
                    found.append((classify(argv), argv))
    return found


@dataclasses.dataclass(frozen=True)
class QuickStart:
    """A quick-start page, read the way the module docstring describes."""

    name: str
    text: str
    blocks: tuple[Block, ...]

    @classmethod
    def read(cls, name: str) -> QuickStart:
        """Parse one page."""
        text = PAGES[name].read_text(encoding="utf-8")
        blocks = []
        for fence in fences(text):
            if fence.language and not fence.indent:
                title = _TITLE.search(fence.attributes)
                blocks.append(Block(fence.language, title.group(1) if title else None, fence.body))
        return cls(name, text, tuple(blocks))

    def commands(self) -> list[tuple[Kind, list[str]]]:
        """Every command of the page's ``bash`` blocks, in order, with its kind."""
        return [command for block in self.blocks for command in commands(block)]

    def the(self, kind: Kind) -> list[str]:
        """The page's one command of a kind."""
        matches = [argv for found, argv in self.commands() if found is kind]
        assert len(matches) == 1, f"{self.name}: expected one {kind.name} command, got {matches}"
        return matches[0]

    def files(self) -> list[Block]:
        """The titled blocks: the files the reader writes, in order."""
        return [block for block in self.blocks if block.title is not None]

    def frames(self) -> tuple[str, Any]:
        """The frame the reader sends (its text) and the frame every client receives."""
        frames = [block.body for block in self.blocks if block.language == "json"]
        assert len(frames) == 2, f"{self.name}: expected two json blocks, got {len(frames)}"
        sent, received = frames
        # The reader types it as one line of the terminal client: one line of valid JSON.
        assert len(sent.strip().splitlines()) == 1, sent
        json.loads(sent)
        return sent.strip(), json.loads(received)

    def urls(self) -> list[str]:
        """Every URL the page tells the reader to open or connect to, in order, once each."""
        return list(dict.fromkeys(_URL.findall(self.text)))


@dataclasses.dataclass(frozen=True)
class Served:
    """A page's project, built and served on a loopback port of the test's own."""

    page: QuickStart
    port: int
    process: ServerProcess

    def url(self, page_url: str) -> str:
        """A URL of the page, on the test's server."""
        parts = urlsplit(page_url)
        return urlunsplit(parts._replace(netloc=f"127.0.0.1:{self.port}"))


@pytest.fixture(scope="module", params=sorted(PAGES))
def page(request: pytest.FixtureRequest) -> QuickStart:
    """One quick-start page."""
    return QuickStart.read(str(request.param))


def reader_env() -> dict[str, str]:
    """The environment of a reader's shell: nothing of this test run's Django set up."""
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE",)}
    env["PYTHONUNBUFFERED"] = "1"
    return env


def as_run_here(argv: list[str]) -> list[str]:
    """A page's command, with this test's interpreter standing in for the reader's venv."""
    if argv[0] == "django-admin":
        return [sys.executable, "-m", "django", *argv[1:]]
    if argv[0] == "python":
        return [sys.executable, *argv[1:]]
    if argv[0] in SERVERS:
        return [sys.executable, "-m", argv[0], *argv[1:]]
    msg = f"no way to run {argv}"
    raise AssertionError(msg)


def page_port(argv: list[str]) -> str:
    """The port a server command names; the page must name one, on the default host."""
    for option in ("--host", "-b", "--bind"):
        if option in argv:
            assert argv[argv.index(option) + 1] == "127.0.0.1", f"not loopback: {argv}"
    ports = [i + 1 for i, arg in enumerate(argv) if arg in ("--port", "-p")]
    assert len(ports) == 1, f"the server command must name its port once: {argv}"
    return argv[ports[0]]


def write_file(project: Path, block: Block) -> None:
    """Write a titled block where the reader would."""
    assert block.title is not None
    match = _FILE_TITLE.match(block.title)
    assert match, f"a title must be a relative path, or one with ' (add at the end)': {block.title}"
    target = project / match["path"]
    if match["append"]:
        assert target.is_file(), f"{match['path']} should exist before the page adds to it"
        with target.open("a", encoding="utf-8") as file:
            file.write("\n" + block.body)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(block.body, encoding="utf-8")


def build(page: QuickStart, project: Path) -> None:
    """Follow the page's steps in order: run its scaffolding commands and write its files."""
    for block in page.blocks:
        if block.title is not None:
            write_file(project, block)
        else:
            for kind, argv in commands(block):
                if kind is Kind.SCAFFOLD:
                    done = subprocess.run(
                        as_run_here(argv),
                        cwd=project,
                        env=reader_env(),
                        capture_output=True,
                        text=True,
                        timeout=TIMEOUT * 3,
                        check=False,
                    )
                    assert done.returncode == 0, f"{shlex.join(argv)} failed:\n{done.stderr}"


@pytest.fixture(scope="module")
def served(page: QuickStart, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The page's project, built in an empty folder and served the way the page says."""
    project = tmp_path_factory.mktemp(f"quickstart-{page.name}")
    build(page, project)
    argv = page.the(Kind.SERVE)
    port = free_port()
    args = [str(port) if arg == page_port(argv) else arg for arg in as_run_here(argv)]
    log = project.parent / f"{project.name}-server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            args, cwd=project, env=reader_env(), stdout=output, stderr=subprocess.STDOUT
        )
    server = ServerProcess(args=args, port=port, process=process, log=log)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not port_answers(port):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"{shlex.join(argv)} did not serve on {port}:\n{server.output()}")
            time.sleep(0.05)
        yield Served(page=page, port=port, process=server)
    finally:
        stop_process(process)


def test_every_python_block_is_a_file_the_test_runs(page: QuickStart) -> None:
    """An untitled Python block would be code the reader sees but nothing runs."""
    untitled = [b.body[:60] for b in page.blocks if b.language == "python" and b.title is None]
    assert not untitled
    assert page.files(), "the page writes no files"


# ------------------------------------------------------------------------------ installation
def repo_requirements(name: str, extras: frozenset[str]) -> list[Requirement]:
    """What a distribution of this repo requires with some extras, read from its pyproject."""
    with BY_NAME[name].pyproject.open("rb") as file:
        data = tomllib.load(file)
    project = data["project"]
    declared: dict[str, list[str]] = dict(project.get("optional-dependencies", {}))
    hooks = data.get("tool", {}).get("hatch", {}).get("metadata", {}).get("hooks", {})
    declared.update(hooks.get("custom", {}).get("extras", {}))
    unknown = extras - declared.keys()
    assert not unknown, f"{name} has no extra {sorted(unknown)}; it has {sorted(declared)}"
    names = [*project.get("dependencies", []), *(r for e in extras for r in declared[e])]
    return [Requirement(r) for r in names]


def installed_requirements(name: str, extras: frozenset[str]) -> list[Requirement]:
    """What an installed distribution requires with some extras (none if not installed)."""
    try:
        distribution = importlib.metadata.distribution(name)
    except importlib.metadata.PackageNotFoundError:
        return []
    provided = set(distribution.metadata.get_all("Provides-Extra") or [])
    assert extras <= provided, f"{name} has no extra {sorted(extras - provided)}"
    found = []
    for text in distribution.requires or []:
        requirement = Requirement(text)
        marker = requirement.marker
        if marker is None or any(marker.evaluate({"extra": e}) for e in {"", *extras}):
            found.append(requirement)
    return found


def closure(requirements: list[Requirement]) -> set[str]:
    """The names of every distribution the requirements pull in, as far as it is known here."""
    seen: set[tuple[str, frozenset[str]]] = set()
    queue = [(canonicalize_name(r.name), frozenset(r.extras)) for r in requirements]
    while queue:
        item = queue.pop()
        if item in seen:
            continue
        seen.add(item)
        name, extras = item
        read = repo_requirements if name in BY_NAME else installed_requirements
        queue += [(canonicalize_name(r.name), frozenset(r.extras)) for r in read(name, extras)]
    return {name for name, _ in seen}


def programs(page: QuickStart) -> set[str]:
    """The programs the page runs: its server, django-admin, manage.py, the websockets client."""
    found = set()
    for kind, argv in page.commands():
        if kind in (Kind.SERVE, Kind.SCAFFOLD):
            found.add(argv[1] if argv[0] == "python" else argv[0])
        elif kind is Kind.CLIENT:
            found.add(argv[2])
    return found


def test_pip_line_installs_real_distributions_and_everything_the_page_runs(
    page: QuickStart,
) -> None:
    """The install line names this repo's distributions and extras, and suffices for the page."""
    argv = page.the(Kind.INSTALL)
    requirements = [Requirement(arg) for arg in argv[2:]]
    assert requirements, "the pip line installs nothing"
    for requirement in requirements:
        name = canonicalize_name(requirement.name)
        if name in BY_NAME:
            repo_requirements(name, frozenset(requirement.extras))
        else:
            # The reader's project must run on what this test ran it with.
            try:
                importlib.metadata.distribution(name)
            except importlib.metadata.PackageNotFoundError:
                pytest.fail(f"the page installs {name}, which this test does not have")
            installed_requirements(name, frozenset(requirement.extras))
    chanx = [r for r in requirements if canonicalize_name(r.name).startswith("chanx")]
    assert chanx, "the pip line installs no Chanx distribution"
    pulled_in = closure(requirements)
    for program in sorted(programs(page)):
        for alternatives in PROVIDERS[program]:
            assert pulled_in & set(alternatives), (
                f"{page.name}: runs {program}, but the pip line installs none of {alternatives}"
            )


# ------------------------------------------------------------------------------------- chat
def open_client(url: str) -> connect:
    """Connect as ``python -m websockets`` does (no Origin header), never through a proxy."""
    options: dict[str, Any] = {"open_timeout": TIMEOUT, "close_timeout": TIMEOUT}
    if "proxy" in inspect.signature(connect).parameters:  # websockets 15 and later
        options["proxy"] = None
    return connect(url, **options)


async def receive(client: ClientConnection, who: str) -> Any:
    """The next frame a client receives, parsed."""
    try:
        async with asyncio.timeout(TIMEOUT):
            raw = await client.recv()
    except TimeoutError:
        pytest.fail(f"the {who} client received nothing in {TIMEOUT} s")
    assert isinstance(raw, str), f"expected a text frame, got {raw!r}"
    return json.loads(raw)


async def test_a_chat_line_reaches_everyone_in_the_room(served: Served) -> None:
    """Two clients in one room: a line either sends reaches both, as the page shows."""
    url = served.url(served.page.the(Kind.CLIENT)[3])
    sent, expected = served.page.frames()
    async with open_client(url) as first:
        # A frame is handled only after its connection joined the room: the first client's
        # own line coming back proves it is in the room before the second one speaks.
        await first.send(sent)
        assert await receive(first, "first") == expected
        async with open_client(url) as second:
            await second.send(sent)
            assert await receive(second, "second (the sender)") == expected
            assert await receive(first, "first (the other member)") == expected
    assert "Traceback" not in served.process.output()


# -------------------------------------------------------------------------------------- docs
def fetch(url: str) -> tuple[int, str, str]:
    """GET a URL on loopback, never through a proxy: status, content type and body."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=TIMEOUT) as response:
        body = response.read().decode("utf-8")
        return response.status, response.headers.get_content_type(), body


def channel_for(document: dict[str, Any], path: str) -> dict[str, Any]:
    """The document's channel whose address (``/ws/rooms/{room_id}``) matches a path."""
    for channel in document["channels"].values():
        pattern = re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(channel["address"]))
        if re.fullmatch(pattern, path):
            return dict(channel)
    pytest.fail(f"no channel of the document serves {path}: {list(document['channels'])}")


def test_urls_are_on_the_server_the_page_runs(page: QuickStart) -> None:
    """Every URL of the page is on the address the page's server command listens on."""
    port = page_port(page.the(Kind.SERVE))
    for url in page.urls():
        assert urlsplit(url).netloc == f"127.0.0.1:{port}", url


def test_docs_page_and_document_describe_the_chat(served: Served) -> None:
    """Each HTTP URL of the page answers; the document has the chat channel and its actions."""
    client_path = urlsplit(served.page.the(Kind.CLIENT)[3]).path
    sent, received = served.page.frames()
    actions = {json.loads(sent)["action"], received["action"]}
    pages: dict[str, list[str]] = {}
    for page_url in served.page.urls():
        if urlsplit(page_url).scheme != "http":
            continue
        status, content_type, body = fetch(served.url(page_url))
        assert status == 200, page_url
        pages.setdefault(content_type, []).append(body)
    assert pages.get("text/html"), "the page links no docs page"
    assert pages.get("application/json"), "the page links no JSON document"
    for body in pages["application/json"]:
        document = json.loads(body)
        channel = channel_for(document, client_path)
        names = set()
        for reference in channel["messages"].values():
            key = reference["$ref"].rsplit("/", 1)[-1]
            names.add(document["components"]["messages"][key]["name"])
        assert actions <= names, f"the channel documents {names}, the page uses {actions}"
        for html in pages["text/html"]:
            assert json.dumps(channel["address"])[1:-1] in html
