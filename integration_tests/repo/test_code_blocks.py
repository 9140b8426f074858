"""Every code block a reader can copy is checked somewhere, so none can drift unseen.

The README's and the docs' blocks are checked by kind:

- ```` ```python ```` blocks are joined per page and type-checked by the ``typecheck`` session
  (``scripts/extract_code_blocks.py``); this test runs the same extraction and checks that each
  page's module compiles, which catches a block cut short before mypy ever runs.
- ```` ```python title="path" ```` blocks are files a reader writes; the extraction skips them,
  so they may only appear on the pages whose files a test writes out and runs (the quick starts,
  run by ``integration_tests/docs``).
- ```` ```py ```` blocks hold the old releases' code on the migration page, which
  ``test_migration_page.py`` compiles; nowhere else.
- ```` ```json ```` blocks parse as JSON: one value, or one per line for frames in order.

A fence the checks would not see (an indented Python fence, another spelling of Python, an
unlabelled fence) fails here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from extract_code_blocks import Fence, extract, fences, module_name
from layout import ROOT

PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
EXECUTED_PAGES = {"docs/quickstart/fastapi.md", "docs/quickstart/django.md"}
"""Pages whose titled blocks ``integration_tests/docs/test_quickstarts.py`` writes and runs."""
OLD_CODE_PAGES = {"docs/migration.md"}
"""Pages with ```` ```py ```` blocks of the old releases."""
KNOWN_LANGUAGES = {"python", "py", "json", "bash", "text", "toml", "yaml", "ini", "nginx"}
KNOWN_LANGUAGES |= {"javascript", "html", "console", "dockerfile", "systemd"}


def relative(page: Path) -> str:
    return page.relative_to(ROOT).as_posix()


def page_fences(page: Path) -> list[Fence]:
    return fences(page.read_text(encoding="utf-8"))


@pytest.mark.parametrize("page", PAGES, ids=relative)
def test_every_fence_is_one_the_checks_know(page: Path) -> None:
    """Each block is labelled with a known language, and Python blocks are never indented."""
    for fence in page_fences(page):
        where = f"{relative(page)}: ```{fence.language} {fence.attributes} ({fence.body[:60]!r})"
        assert fence.language in KNOWN_LANGUAGES, where
        if fence.language in ("python", "py"):
            assert not fence.indent, f"indented Python block, {where}"


@pytest.mark.parametrize("page", PAGES, ids=relative)
def test_titled_and_old_blocks_only_where_a_test_runs_them(page: Path) -> None:
    """Titled Python blocks only on executed pages; ```` ```py ```` only on the migration page."""
    for fence in page_fences(page):
        if fence.language == "python" and fence.attributes:
            assert relative(page) in EXECUTED_PAGES, (
                f"{relative(page)}: a titled block ({fence.attributes}) is neither type-checked "
                "nor run"
            )
        if fence.language == "py":
            assert relative(page) in OLD_CODE_PAGES, f"{relative(page)}: ```py is for old code"


@pytest.mark.parametrize("page", PAGES, ids=relative)
def test_the_python_blocks_of_a_page_compile_as_one_module(page: Path) -> None:
    """The module the typecheck session hands to mypy is valid Python."""
    source = extract(page)
    compile(source, f"{module_name(page.relative_to(ROOT))}.py", "exec")


@pytest.mark.parametrize("page", PAGES, ids=relative)
def test_json_blocks_parse(page: Path) -> None:
    """Every ```` ```json ```` block is one JSON value, or one per line (frames in order)."""
    for fence in page_fences(page):
        if fence.language == "json":
            try:
                json.loads(fence.body)
            except json.JSONDecodeError:
                for line in filter(None, map(str.strip, fence.body.splitlines())):
                    json.loads(line)


def test_the_executed_pages_are_the_ones_the_quick_start_test_runs() -> None:
    """The quick-start test names each page this file lets carry titled blocks."""
    runner = (ROOT / "integration_tests" / "docs" / "test_quickstarts.py").read_text()
    for page in EXECUTED_PAGES:
        assert (ROOT / page).is_file(), page
        assert f'"{Path(page).name}"' in runner, f"{page} is not named in {runner}"
