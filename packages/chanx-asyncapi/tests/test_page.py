"""The docs page: pinned assets with integrity, local assets, and a document that cannot inject."""

from __future__ import annotations

import html.parser
import json
import re
from typing import Any

import chanx_asyncapi_sample as sample
from chanx_asyncapi_dump import Build
from chanx_asyncapi_host import HostConsumer
from hypothesis import given
from hypothesis import strategies as st

from chanx.asyncapi import (
    CDN_ASSETS,
    REACT_COMPONENT_VERSION,
    PageAssets,
    RouteRecord,
    render_docs_page,
)
from chanx.asyncapi._page import script_json
from chanx.core import ws_handler

HOSTILE = "</script><script>document.title='pwned'</script>"


class Elements(html.parser.HTMLParser):
    """Collects every start tag with its attributes, and the text of each script."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def parse(page: str) -> Elements:
    elements = Elements()
    elements.feed(page)
    return elements


def hostile_routes() -> list[RouteRecord]:
    class Hostile(HostConsumer):
        @ws_handler
        async def echo(self, message: sample.EchoMessage) -> None:
            pass

    Hostile.__doc__ = HOSTILE
    return [RouteRecord("/hostile", Hostile)]


def test_the_default_page_loads_the_pinned_component_with_integrity(build: Build) -> None:
    """Script and stylesheet come from jsDelivr at the pinned version, with sha384 SRI."""
    elements = parse(render_docs_page(build(sample.ROUTES)))
    (script,) = [attrs for tag, attrs in elements.tags if tag == "script" and attrs.get("src")]
    (link,) = [attrs for tag, attrs in elements.tags if tag == "link"]
    assert script["src"] == CDN_ASSETS.script
    assert f"@asyncapi/react-component@{REACT_COMPONENT_VERSION}/" in str(script["src"])
    assert str(script["src"]).endswith("/browser/standalone/index.js")
    assert str(link["href"]).endswith("/styles/default.min.css")
    for attrs in (script, link):
        assert re.fullmatch(r"sha384-[A-Za-z0-9+/]{64}", str(attrs["integrity"]))
        assert attrs["crossorigin"] == "anonymous"


def test_local_assets_point_at_a_served_copy_of_the_package() -> None:
    """``PageAssets.local`` serves the package's files from your own URL, without SRI."""
    page = render_docs_page({"info": {"title": "T"}}, assets=PageAssets.local("/static/aa/"))
    elements = parse(page)
    srcs = [attrs.get("src") for tag, attrs in elements.tags if tag == "script"]
    assert "/static/aa/browser/standalone/index.js" in srcs
    assert 'href="/static/aa/styles/default.min.css"' in page
    assert "integrity" not in page


def test_the_embedded_document_round_trips(build: Build) -> None:
    """The JSON in the page parses back to the document itself."""
    document = build(sample.ROUTES)
    elements = parse(render_docs_page(document))
    embedded = [
        attrs
        for tag, attrs in elements.tags
        if tag == "script" and attrs.get("type") == "application/json"
    ]
    assert [attrs["id"] for attrs in embedded] == ["asyncapi-document", "asyncapi-config"]
    assert json.loads(elements.scripts[0]) == document


def test_a_hostile_docstring_cannot_close_the_script_element(build: Build) -> None:
    """``</script>`` in a docstring stays inside the JSON: no new element, no new script."""
    document = build(hostile_routes())
    assert HOSTILE in json.dumps(document)
    page = render_docs_page(document)
    assert HOSTILE not in page
    assert page.count("</script>") == 4
    elements = parse(page)
    assert [tag for tag, _ in elements.tags].count("script") == 4
    loaded: dict[str, Any] = json.loads(elements.scripts[0])
    assert loaded["channels"]["Hostile"]["description"] == HOSTILE


def test_the_title_is_escaped_and_defaults_to_the_document_title() -> None:
    """``<title>`` shows ``info.title`` as text, markup escaped."""
    page = render_docs_page({"info": {"title": "<b>Rooms</b> & more"}})
    assert "<title>&lt;b&gt;Rooms&lt;/b&gt; &amp; more</title>" in page
    assert "<title>Custom</title>" in render_docs_page({}, title="Custom")
    assert "<title>AsyncAPI</title>" in render_docs_page({})


def test_the_component_configuration_can_be_replaced() -> None:
    """A ``config`` mapping reaches the component as given."""
    elements = parse(render_docs_page({}, config={"show": {"sidebar": False}}))
    assert json.loads(elements.scripts[1]) == {"show": {"sidebar": False}}


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(JSON_VALUES)
def test_script_json_never_holds_markup_and_parses_back(value: Any) -> None:
    """Any JSON value embeds without ``<``, ``>``, ``&`` or line separators, and round-trips."""
    text = script_json(value)
    for character in ("<", ">", "&", "\u2028", "\u2029"):
        assert character not in text
    assert json.loads(text) == value
