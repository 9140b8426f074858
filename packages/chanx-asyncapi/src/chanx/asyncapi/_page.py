"""A self-contained HTML docs page that renders a document with the AsyncAPI React component."""

from __future__ import annotations

import dataclasses
import html
import json
from typing import Any

REACT_COMPONENT_VERSION = "3.2.1"
"""The version of ``@asyncapi/react-component`` whose files :data:`CDN_ASSETS` point at."""

SCRIPT_PATH = "browser/standalone/index.js"
"""The standalone bundle's path inside the npm package."""
STYLESHEET_PATH = "styles/default.min.css"
"""The default stylesheet's path inside the npm package."""


@dataclasses.dataclass(frozen=True)
class PageAssets:
    """Where the docs page loads the AsyncAPI React component from.

    Use :data:`CDN_ASSETS` (the default), or :meth:`local` for files you serve yourself, so the
    page works offline.
    """

    script: str
    """The URL of ``browser/standalone/index.js``."""
    stylesheet: str
    """The URL of ``styles/default.min.css``."""
    script_integrity: str | None = None
    """The script's subresource-integrity hash (``sha384-...``), or None to skip the check."""
    stylesheet_integrity: str | None = None
    """The stylesheet's subresource-integrity hash, or None to skip the check."""

    @classmethod
    def local(cls, base_url: str) -> PageAssets:
        """Return assets served from a copy of the npm package's folder.

        Args:
            base_url: The URL (absolute, or relative to the page) of a folder that holds the
                package's ``browser/`` and ``styles/`` folders, such as ``/static/asyncapi``.

        Returns:
            The assets, without integrity hashes (you control the files).
        """
        base = base_url.rstrip("/")
        return cls(script=f"{base}/{SCRIPT_PATH}", stylesheet=f"{base}/{STYLESHEET_PATH}")


_CDN = f"https://cdn.jsdelivr.net/npm/@asyncapi/react-component@{REACT_COMPONENT_VERSION}"

CDN_ASSETS = PageAssets(
    script=f"{_CDN}/{SCRIPT_PATH}",
    stylesheet=f"{_CDN}/{STYLESHEET_PATH}",
    script_integrity="sha384-wy5bSOazlkSKMGH7XMW6+pK8ho8+rCPr7mTqKdAb/dvfwXAPWCFivgr3C7wJMFAh",
    stylesheet_integrity="sha384-oo9RoQcacP++XdMX6CjTucTvASEORHX3chFik0/V2kHcsHiVboGyWZztGeq/0bum",
)
"""The pinned component on jsDelivr, with the SHA-384 of the npm package's exact files."""

DEFAULT_CONFIG: dict[str, Any] = {
    "show": {"sidebar": True, "errors": True},
}
"""The component configuration the page uses unless told otherwise."""

# Characters that could end a <script> element or start markup inside one, and the two line
# separators some engines treat as line breaks, are written as JSON \u escapes: the text still
# parses to the same value, and no docstring can close the element that holds it.
_SCRIPT_ESCAPES = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def script_json(value: Any) -> str:
    """Return ``value`` as JSON that is safe inside an HTML ``<script>`` element.

    Args:
        value: JSON-compatible data.

    Returns:
        Compact JSON with ``<``, ``>``, ``&``, U+2028 and U+2029 escaped.
    """
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_ESCAPES)


def _attributes(url: str, integrity: str | None) -> str:
    text = f'"{html.escape(url)}"'
    if integrity:
        text += f' integrity="{html.escape(integrity)}" crossorigin="anonymous"'
    return text


def render_docs_page(
    document: dict[str, Any],
    *,
    title: str | None = None,
    assets: PageAssets = CDN_ASSETS,
    config: dict[str, Any] | None = None,
) -> str:
    """Return an HTML page that shows ``document`` with the AsyncAPI React component.

    The document is embedded in the page (no second request), as JSON in a
    ``<script type="application/json">`` element with markup characters escaped, so text from
    docstrings can never inject HTML or script.

    Args:
        document: A document from :func:`build_document`.
        title: The page title; the document's ``info.title`` when not given.
        assets: Where the component's script and stylesheet come from.
        config: The component's configuration; :data:`DEFAULT_CONFIG` when not given.

    Returns:
        The page, a complete HTML document.
    """
    if title is None:
        info = document.get("info")
        title = str(info.get("title", "AsyncAPI")) if isinstance(info, dict) else "AsyncAPI"
    settings = DEFAULT_CONFIG if config is None else config
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<link rel="stylesheet" href={_attributes(assets.stylesheet, assets.stylesheet_integrity)}>
</head>
<body>
<div id="asyncapi"></div>
<script type="application/json" id="asyncapi-document">{script_json(document)}</script>
<script type="application/json" id="asyncapi-config">{script_json(settings)}</script>
<script src={_attributes(assets.script, assets.script_integrity)}></script>
<script>
(function () {{
  var read = function (id) {{ return JSON.parse(document.getElementById(id).textContent); }};
  AsyncApiStandalone.render(
    {{ schema: read("asyncapi-document"), config: read("asyncapi-config") }},
    document.getElementById("asyncapi")
  );
}})();
</script>
</body>
</html>
"""
