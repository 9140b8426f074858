"""The configuration page lists every setting Chanx has, with its real default and both names.

``chanx.core.settings.DEFAULTS`` is the source of truth: a setting added there and not
documented, a default changed on one side only, or a row for a setting that no longer exists
fails here.
"""

from __future__ import annotations

import ast
import re

from layout import ROOT

from chanx.core.settings import DEFAULTS

PAGE = ROOT / "docs" / "guide" / "configuration.md"
_ROW = re.compile(r"^\| `(?P<name>\w+)` \| `(?P<key>\w+)` \| `(?P<default>[^`]*)` \|", re.M)


def rows() -> dict[str, tuple[str, str]]:
    """The "Every setting" table: attribute -> (``CHANX`` key, default as written)."""
    text = PAGE.read_text(encoding="utf-8")
    section = text[text.index("## Every setting") : text.index("\n## ", text.index("## Every"))]
    return {m["name"]: (m["key"], m["default"]) for m in _ROW.finditer(section)}


def test_every_setting_has_a_row_and_every_row_a_setting() -> None:
    assert sorted(rows()) == sorted(DEFAULTS)


def test_each_row_names_the_upper_case_key_and_the_real_default() -> None:
    for name, (key, default) in rows().items():
        assert key == name.upper(), name
        written = ast.literal_eval(default)
        expected = DEFAULTS[name]
        if isinstance(expected, frozenset | tuple | list):
            assert list(written) == list(expected), name
        else:
            assert written == expected, name
            assert type(written) is type(expected), name
