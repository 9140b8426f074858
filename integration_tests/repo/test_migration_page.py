"""docs/migration.md stays true: every Chanx 3 name it maps to exists, and its code compiles.

The page follows these conventions, which are what this test reads:

- A Markdown table whose last header cell is ``Chanx 3`` maps old names to new ones. In its
  last column, a backticked ``module.path:Attribute`` names a Chanx 3 object (``from
  module.path import Attribute``; the attribute may be dotted, as in
  ``chanx.core:ChanxWebsocketMixin.send_message``) and a backticked ``chanx.some.module``
  names a module. Each must import. Every row names at least one of them, or starts its last
  cell with "removed". Old names in the other columns are plain dotted paths, never checked
  here (the old package cannot be installed next to Chanx 3).
- The table whose first header cell is ```CHANX` key`` lists the Django settings keys of 1.x
  and 2.x. A key whose last cell starts with "removed" must be gone from
  ``chanx.ext.channels.conf.DEFAULTS``; any other key must still be there, with the default
  the cell's first backticked Python literal states.
- The table whose header starts ``attribute | default`` lists limits: each default, a Python
  literal, must be ``chanx.core.settings.DEFAULTS``'s.
- The table whose first header cell is ``close code`` lists exactly the codes
  ``chanx.core.limits.CLOSE_CODES`` documents.
- ```` ```python ```` blocks are Chanx 3 code: each must compile, so must all of them joined
  the way the typecheck session joins them (which then runs mypy over the result), and every
  ``from chanx... import`` in them must resolve. Old code sits in ```` ```py ```` blocks,
  which nothing runs or checks.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import re
from typing import Any

import pytest
from extract_code_blocks import extract, python_blocks
from layout import ROOT

from chanx.core.limits import CLOSE_CODES
from chanx.core.settings import DEFAULTS as CONSUMER_DEFAULTS
from chanx.ext.channels.conf import DEFAULTS as CHANX_KEY_DEFAULTS

PAGE = ROOT / "docs" / "migration.md"

MAPPING_HEADER = "Chanx 3"
SETTINGS_HEADER = "`CHANX` key"
LIMITS_HEADER = ("attribute", "default")
CLOSE_CODES_HEADER = "close code"
REMOVED = "removed"

_CODE_SPAN = re.compile(r"`([^`]+)`")
_NAME = r"[A-Za-z_]\w*"
_OBJECT_PATH = re.compile(rf"^{_NAME}(\.{_NAME})*:{_NAME}(\.{_NAME})*$")
_MODULE_PATH = re.compile(rf"^chanx(\.{_NAME})+$")
_FENCED = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)


@dataclasses.dataclass(frozen=True)
class Table:
    """One Markdown table of the page: its header cells and its body rows."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def _cells(line: str) -> tuple[str, ...]:
    return tuple(cell.strip() for cell in line.strip().strip("|").split("|"))


def _tables(text: str) -> list[Table]:
    text = _FENCED.sub("", text)
    tables: list[Table] = []
    block: list[tuple[str, ...]] = []
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            block.append(_cells(line))
        elif block:
            header, _separator, *rows = block
            tables.append(Table(header, tuple(rows)))
            block = []
    return tables


def _spans(cell: str) -> list[str]:
    return _CODE_SPAN.findall(cell)


def _targets(cell: str) -> list[str]:
    """The Chanx 3 objects and modules a mapping cell names."""
    return [s for s in _spans(cell) if _OBJECT_PATH.match(s) or _MODULE_PATH.match(s)]


def _declares(cls: type, name: str) -> bool:
    """Whether a class declares an attribute that only its instances carry."""
    annotated = any(name in vars(klass).get("__annotations__", {}) for klass in cls.__mro__)
    fields: dict[str, Any] = getattr(cls, "__dataclass_fields__", None) or {}
    model_fields: dict[str, Any] = getattr(cls, "model_fields", None) or {}
    return annotated or name in fields or name in model_fields


def _lookup(path: str) -> object:
    """Import ``module`` or ``module:attribute.chain`` and return what it names."""
    module_name, _, dotted = path.partition(":")
    found: object = importlib.import_module(module_name)
    names = dotted.split(".") if dotted else []
    for index, name in enumerate(names):
        if hasattr(found, name):
            found = getattr(found, name)
        elif index == len(names) - 1 and isinstance(found, type) and _declares(found, name):
            return found
        else:
            msg = f"{path}: {found!r} has no attribute {name!r}"
            raise AttributeError(msg)
    return found


TEXT = PAGE.read_text(encoding="utf-8")
TABLES = _tables(TEXT)
MAPPINGS = [
    table
    for table in TABLES
    if table.header[-1] == MAPPING_HEADER and table.header[0] != SETTINGS_HEADER
]
MAPPING_ROWS = [row for table in MAPPINGS for row in table.rows]
TARGETS = sorted({target for row in MAPPING_ROWS for target in _targets(row[-1])})
PYTHON_BLOCKS = python_blocks(TEXT)


def _only_table(predicate: str, tables: list[Table]) -> Table:
    assert len(tables) == 1, f"expected one {predicate} table, found {len(tables)}"
    return tables[0]


def test_the_page_maps_enough_names_to_be_parsed_right() -> None:
    """The mapping tables are found and name many targets, so a format change cannot hide them."""
    assert len(MAPPINGS) >= 8
    assert len(MAPPING_ROWS) >= 100
    assert len(TARGETS) >= 100


@pytest.mark.parametrize("row", MAPPING_ROWS, ids=lambda row: row[0][:60])
def test_every_mapping_row_names_a_target_or_says_removed(row: tuple[str, ...]) -> None:
    """Each old name leads to a Chanx 3 path, or the page says it was removed."""
    cell = row[-1]
    assert _targets(cell) or cell.startswith(REMOVED), f"no Chanx 3 path in {cell!r}"


@pytest.mark.parametrize("path", TARGETS)
def test_every_chanx3_path_in_the_tables_imports(path: str) -> None:
    """A name the page sends users to exists, so renaming it breaks this test."""
    _lookup(path)


def test_the_chanx_settings_table_matches_the_django_adapter() -> None:
    """Removed CHANX keys are refused, kept ones exist with the default the page states."""
    table = _only_table(
        "CHANX key", [table for table in TABLES if table.header[0] == SETTINGS_HEADER]
    )
    assert len(table.rows) >= 15
    for row in table.rows:
        key = _spans(row[0])[0]
        cell = row[-1]
        if cell.startswith(REMOVED):
            assert key not in CHANX_KEY_DEFAULTS, f"{key} is documented as removed"
            continue
        assert key in CHANX_KEY_DEFAULTS, f"{key} is documented as kept"
        stated = ast.literal_eval(_spans(cell)[0])
        assert stated == CHANX_KEY_DEFAULTS[key], f"{key}: the page says {stated!r}"


def test_the_limits_table_states_the_defaults_chanx_ships() -> None:
    """Each limit's documented default is the one consumers resolve to."""
    table = _only_table("limits", [table for table in TABLES if table.header[:2] == LIMITS_HEADER])
    assert len(table.rows) >= 9
    for row in table.rows:
        attribute = _spans(row[0])[0]
        stated = ast.literal_eval(_spans(row[1])[0])
        assert stated == CONSUMER_DEFAULTS[attribute], f"{attribute}: the page says {stated!r}"


def test_the_close_codes_table_lists_exactly_the_codes_chanx_sends() -> None:
    """The page documents every close code Chanx sends and no other."""
    table = _only_table(
        "close code", [table for table in TABLES if table.header[0] == CLOSE_CODES_HEADER]
    )
    assert {int(row[0]) for row in table.rows} == set(CLOSE_CODES)


def test_the_page_has_code_to_check() -> None:
    """The after snippets are found, so a changed fence cannot silently skip them."""
    assert len(PYTHON_BLOCKS) >= 10
    assert TEXT.count("```py\n") >= 10  # the before snippets


@pytest.mark.parametrize("index", range(len(PYTHON_BLOCKS)))
def test_every_after_snippet_compiles(index: int) -> None:
    """Each Chanx 3 snippet is valid Python on its own."""
    compile(PYTHON_BLOCKS[index], f"{PAGE.name} python block {index + 1}", "exec")


def test_the_after_snippets_compile_as_one_module() -> None:
    """All snippets together compile, as the typecheck session joins them for mypy."""
    compile(extract(PAGE), str(PAGE), "exec")


def test_the_after_snippets_import_only_what_chanx_3_has() -> None:
    """Every ``from chanx... import name`` in the snippets resolves, so none uses an old path."""
    tree = ast.parse(extract(PAGE))
    imported = [
        f"{node.module}:{alias.name}"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("chanx")
        for alias in node.names
    ]
    assert len(imported) >= 10
    for path in imported:
        _lookup(path)
