"""The docs page in a real browser: headless Chromium, component files served on loopback.

Needs Debian's ``chromium`` and a copy of the ``@asyncapi/react-component`` npm package (the
folder holding its ``package.json``) named by ``CHANX_ASYNCAPI_REACT_DIR``; the
``asyncapi_browser`` nox session provides both. Without them these tests skip, unless
``CHANX_ASYNCAPI_REQUIRE_BROWSER=1`` (the session sets it under ``CI=true``), where they fail.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import http.server
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import chanx_asyncapi_sample as sample
import pytest
from chanx_asyncapi_host import HostConsumer

from chanx.asyncapi import (
    CDN_ASSETS,
    REACT_COMPONENT_VERSION,
    PageAssets,
    RouteRecord,
    build_document,
    render_docs_page,
)
from chanx.asyncapi._page import SCRIPT_PATH, STYLESHEET_PATH
from chanx.core import ws_handler

pytestmark = pytest.mark.browser

REACT_DIR_ENV = "CHANX_ASYNCAPI_REACT_DIR"
REQUIRE_ENV = "CHANX_ASYNCAPI_REQUIRE_BROWSER"
CHROMIUM_ENV = "CHANX_CHROMIUM"
HOSTILE = "</script><script>document.title='pwned'</script>"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
    "--disable-dev-shm-usage",
]


def unavailable(reason: str) -> None:
    if os.environ.get(REQUIRE_ENV, "") not in ("", "0"):
        pytest.fail(f"browser test required ({REQUIRE_ENV}=1) but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def chromium() -> str:
    """The Chromium executable."""
    for candidate in (os.environ.get(CHROMIUM_ENV), "chromium", "chromium-browser"):
        found = shutil.which(candidate) if candidate else None
        if found:
            return found
    unavailable("no chromium found (apt-get install chromium, or set CHANX_CHROMIUM)")
    raise AssertionError  # unreachable: unavailable() skips or fails


@pytest.fixture(scope="module")
def react_dir() -> Path:
    """The unpacked ``@asyncapi/react-component`` package."""
    folder = os.environ.get(REACT_DIR_ENV)
    if not folder or not (Path(folder) / SCRIPT_PATH).is_file():
        unavailable(f"{REACT_DIR_ENV} does not name an unpacked @asyncapi/react-component")
    return Path(str(folder))


@pytest.fixture(scope="module")
def site(react_dir: Path) -> Iterator[tuple[str, Path]]:
    """A loopback HTTP server over a fresh folder whose ``assets/`` is the npm package."""
    root = Path(tempfile.mkdtemp(prefix="chanx-asyncapi-site-"))
    (root / "assets").symlink_to(react_dir, target_is_directory=True)

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", root
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        shutil.rmtree(root, ignore_errors=True)


def local_assets(integrity: bool = True) -> PageAssets:
    """The loopback copies, checked against the pinned CDN hashes: SRI must pass."""
    local = PageAssets.local("/assets")
    if not integrity:
        return local
    return PageAssets(
        script=local.script,
        stylesheet=local.stylesheet,
        script_integrity=CDN_ASSETS.script_integrity,
        stylesheet_integrity=CDN_ASSETS.stylesheet_integrity,
    )


def dump_dom(chromium: str, site: tuple[str, Path], name: str, page: str) -> str:
    """Serve ``page`` as ``name`` and return the DOM Chromium renders from it."""
    base, root = site
    (root / name).write_text(page, encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="chanx-chromium-") as profile:
        result = subprocess.run(
            [
                chromium,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                "--virtual-time-budget=30000",
                "--dump-dom",
                f"{base}/{name}",
            ],
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def visible_text(dom: str) -> str:
    body = dom[dom.index('<div id="asyncapi"') :]
    body = re.sub(r"<script\b.*?</script>", " ", body, flags=re.DOTALL)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def test_the_pinned_cdn_hashes_are_those_of_the_npm_package(react_dir: Path) -> None:
    """The sha384 of the package's exact files is what the default page pins."""
    version = json.loads((react_dir / "package.json").read_text(encoding="utf-8"))["version"]
    assert version == REACT_COMPONENT_VERSION
    for path, expected in (
        (SCRIPT_PATH, CDN_ASSETS.script_integrity),
        (STYLESHEET_PATH, CDN_ASSETS.stylesheet_integrity),
    ):
        digest = hashlib.sha384((react_dir / path).read_bytes()).digest()
        assert f"sha384-{base64.b64encode(digest).decode()}" == expected, path


def test_the_page_shows_every_channel_and_operation(chromium: str, site: tuple[str, Path]) -> None:
    """The rendered page names each operation id, channel and address of the sample."""
    document = build_document(sample.ROUTES)
    text = visible_text(
        dump_dom(chromium, site, "sample.html", render_docs_page(document, assets=local_assets()))
    )
    assert "Chanx WebSocket API" in text
    missing = [op for op in document["operations"] if op not in text]
    assert missing == []
    for key, channel in document["channels"].items():
        assert key in text
        assert channel["address"] in text
    for message in document["components"]["messages"]:
        assert message in text


def test_a_hostile_docstring_is_shown_as_text_and_never_runs(
    chromium: str, site: tuple[str, Path]
) -> None:
    """``</script><script>...`` in a docstring neither executes nor breaks the page."""

    class Hostile(HostConsumer):
        @ws_handler
        async def echo(self, message: sample.EchoMessage) -> None:
            pass

    Hostile.__doc__ = HOSTILE
    document = build_document([RouteRecord("/hostile", Hostile)])
    dom = dump_dom(
        chromium, site, "hostile.html", render_docs_page(document, assets=local_assets())
    )
    assert "<title>Chanx WebSocket API</title>" in dom
    assert "pwned</title>" not in dom
    assert "Hostile.receive.echo" in visible_text(dom)


def test_a_wrong_integrity_hash_blocks_the_component(chromium: str, site: tuple[str, Path]) -> None:
    """Subresource integrity is enforced, so the pinned hashes above are what make it load."""
    tampered = PageAssets(
        script=local_assets().script,
        stylesheet=local_assets().stylesheet,
        script_integrity="sha384-" + "A" * 64,
    )
    document = build_document(sample.ROUTES)
    text = visible_text(
        dump_dom(chromium, site, "tampered.html", render_docs_page(document, assets=tampered))
    )
    assert "EchoConsumer.receive.echo" not in text
