"""The newcomer's path: the README's demo command starts the chat, and it works in a browser.

The browser test needs Debian's ``chromium`` (``CHANX_CHROMIUM``, or ``chromium`` on ``PATH``)
and an unpacked ``@asyncapi/react-component`` npm package, the folder holding its
``package.json`` (``CHANX_ASYNCAPI_REACT_DIR``); the ``newcomer`` nox session provides both.
Without them it skips, unless ``CHANX_REQUIRE_BROWSER=1`` (the session sets it under
``CI=true``), where it fails.
"""

from __future__ import annotations

import json
import mimetypes
import os
import re
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, Route, expect, sync_playwright

CHROMIUM_ENV = "CHANX_CHROMIUM"
REACT_DIR_ENV = "CHANX_ASYNCAPI_REACT_DIR"
REQUIRE_ENV = "CHANX_REQUIRE_BROWSER"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
CHAT_CHANNEL = "chat"
CHAT_ADDRESS = "/ws/chat/{room_name}"
CDN_HOST = "cdn.jsdelivr.net"
CDN_PACKAGE = re.compile(r"^/npm/@asyncapi/react-component@(?P<version>[^/]+)/(?P<path>.+)$")
TIMEOUT_MS = 30_000
"""The bound on every browser action and wait, in milliseconds."""


def unavailable(reason: str) -> None:
    """Skip the browser test loudly, or fail it when ``CHANX_REQUIRE_BROWSER=1``."""
    if os.environ.get(REQUIRE_ENV, "") not in ("", "0"):
        pytest.fail(f"browser test required ({REQUIRE_ENV}=1) but {reason}")
    pytest.skip(f"SKIPPED LOUDLY: {reason}")


@pytest.fixture(scope="module")
def chromium() -> str:
    """The Chromium executable."""
    for candidate in (os.environ.get(CHROMIUM_ENV), "chromium", "chromium-browser"):
        found = shutil.which(candidate) if candidate else None
        if found:
            return found
    unavailable(f"no chromium found (apt-get install chromium, or set {CHROMIUM_ENV})")
    raise AssertionError  # unreachable: unavailable() skips or fails


@pytest.fixture(scope="module")
def react_dir() -> Path:
    """The unpacked ``@asyncapi/react-component`` package the CDN requests are served from."""
    folder = os.environ.get(REACT_DIR_ENV)
    if not folder or not (Path(folder) / "package.json").is_file():
        unavailable(f"{REACT_DIR_ENV} does not name an unpacked @asyncapi/react-component")
    return Path(str(folder))


@pytest.fixture
def browser(chromium: str, react_dir: Path, tmp_path: Path) -> Iterator[BrowserContext]:
    """A headless Chromium with a fresh profile, cut off from everything but the demo.

    The docs page loads the AsyncAPI React component from jsDelivr, which a closed network
    cannot reach: requests for the pinned package are answered from the npm package's own
    files (``npm pack`` of the same version), so the page runs the very bytes the CDN serves
    and its subresource-integrity hashes are checked against them. Any other request that
    leaves the loopback interface is refused and fails the test.
    """
    version = json.loads((react_dir / "package.json").read_text(encoding="utf-8"))["version"]
    refused: list[str] = []

    def handle(route: Route) -> None:
        url = urlsplit(route.request.url)
        if url.hostname in ("127.0.0.1", "localhost"):
            route.continue_()
            return
        match = CDN_PACKAGE.match(url.path) if url.hostname == CDN_HOST else None
        file = (react_dir / match["path"]).resolve() if match else None
        if (
            match is None
            or match["version"] != version
            or file is None
            or not file.is_relative_to(react_dir.resolve())
            or not file.is_file()
        ):
            refused.append(route.request.url)
            route.abort()
            return
        content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        route.fulfill(
            status=200,
            body=file.read_bytes(),
            # The page loads it with crossorigin="anonymous" for the integrity check.
            headers={"content-type": content_type, "access-control-allow-origin": "*"},
        )

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=chromium,
            args=CHROMIUM_FLAGS,
            headless=True,
            service_workers="block",
        )
        try:
            context.set_default_timeout(TIMEOUT_MS)
            context.route("**/*", handle)
            yield context
        finally:
            context.close()
    assert refused == [], f"requests that left the loopback interface: {refused}"


def join(page: Page, base: str, room: str, name: str) -> None:
    """Open the chat page, join ``room`` as ``name`` and wait until the room has us."""
    page.goto(f"{base}/")
    page.locator("#room").fill(room)
    page.locator("#name").fill(name)
    page.locator("#join").click()
    expect(page.locator("#chat-state")).to_have_text(f"connected to {room}", timeout=TIMEOUT_MS)
    # The server announces a member once it is in the room's group: from then on, a line
    # sent to the room reaches this page.
    expect(page.locator("#chat-log")).to_contain_text(f"someone joined {room}", timeout=TIMEOUT_MS)


def test_the_readme_demo_command_serves_the_chat_page_and_its_api_document(demo: str) -> None:
    """``GET /`` is the chat page and the AsyncAPI document describes the chat channel."""
    with httpx.Client(base_url=demo, timeout=30.0) as http:
        page = http.get("/")
        schema = http.get("/asyncapi/schema.json")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "<title>Chanx chat</title>" in page.text
    assert schema.status_code == 200
    document = schema.json()
    assert document["asyncapi"].startswith("3.")
    assert document["channels"][CHAT_CHANNEL]["address"] == CHAT_ADDRESS


def test_two_tabs_chat_and_the_docs_page_shows_the_chat_channel(
    browser: BrowserContext, demo: str
) -> None:
    """A line sent in one tab shows in both; the rendered AsyncAPI docs list the chat channel."""
    errors: list[str] = []

    def open_tab() -> Page:
        page = browser.new_page()
        page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
        return page

    room = f"newcomer-{uuid.uuid4().hex[:8]}"
    line = f"hello from tab A {uuid.uuid4().hex[:6]}"
    tab_a, tab_b = open_tab(), open_tab()

    join(tab_a, demo, room, "ada")
    join(tab_b, demo, room, "grace")
    tab_a.locator("#chat-text").press_sequentially(line)
    tab_a.locator("#chat-text").press("Enter")

    expect(tab_b.locator("#chat-log")).to_contain_text(f"ada: {line}", timeout=TIMEOUT_MS)
    expect(tab_a.locator("#chat-log")).to_contain_text(f"ada: {line}", timeout=TIMEOUT_MS)
    expect(tab_a.locator("#chat-text")).to_have_value("", timeout=TIMEOUT_MS)

    document = httpx.get(f"{demo}/asyncapi/schema.json", timeout=30.0).json()
    chat = document["channels"][CHAT_CHANNEL]
    chat_operations = [
        name
        for name, operation in document["operations"].items()
        if operation["channel"] == {"$ref": f"#/channels/{CHAT_CHANNEL}"}
    ]
    assert chat_operations
    docs = open_tab()
    docs.goto(f"{demo}/asyncapi/docs")
    rendered = docs.locator("#asyncapi")
    expect(rendered.get_by_text(CHAT_ADDRESS, exact=True).first).to_be_visible(timeout=TIMEOUT_MS)
    expect(rendered.get_by_text(chat["description"]).first).to_be_visible(timeout=TIMEOUT_MS)
    for operation_id in chat_operations:
        expect(rendered).to_contain_text(operation_id, timeout=TIMEOUT_MS)
    assert errors == []
