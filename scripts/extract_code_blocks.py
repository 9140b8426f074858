"""Write the Python code blocks of Markdown files out as modules, to type-check or run them.

Usage: ``python scripts/extract_code_blocks.py OUT_DIR FILE.md [FILE.md ...]``

The blocks of one Markdown file are concatenated, in order, into one module named after the
file's path (``README.md`` -> ``readme_md.py``, ``docs/guide/events.md`` ->
``docs_guide_events_md.py``), since later blocks build on earlier ones.
"""

from __future__ import annotations

import dataclasses
import re
import sys
from pathlib import Path

_FENCE = re.compile(
    r"^(?P<indent>[ \t]*)```(?P<info>[^\n`]*)\n(?P<body>.*?)^(?P=indent)```[ \t]*$",
    re.MULTILINE | re.DOTALL,
)


@dataclasses.dataclass(frozen=True)
class Fence:
    """One fenced code block of a Markdown text."""

    indent: str
    """What precedes the opening backticks: blocks inside lists and admonitions are indented."""
    language: str
    """The info string's first word (``python``, ``bash``); empty for an unlabelled fence."""
    attributes: str
    """The rest of the info string, such as ``title="main.py"``."""
    body: str
    """The block's text, up to and including its last newline."""


def fences(text: str) -> list[Fence]:
    """Return the fenced code blocks of a Markdown text, in order."""
    found = []
    for match in _FENCE.finditer(text):
        language, _, attributes = match["info"].strip().partition(" ")
        found.append(Fence(match["indent"], language, attributes.strip(), match["body"]))
    return found


def module_name(path: Path) -> str:
    """Return the module name a Markdown file's code is written to, unique per path."""
    return re.sub(r"\W", "_", path.as_posix().lower())


def python_blocks(text: str) -> list[str]:
    """Return the Python blocks a Markdown text's module is made of, in order.

    Only plain ```` ```python ```` blocks at the start of a line: a titled block is a file a
    reader writes (the quick starts' tests run those), and an indented one would not be seen
    (``integration_tests/repo/test_code_blocks.py`` forbids them).
    """
    return [
        fence.body
        for fence in fences(text)
        if fence.language == "python" and not fence.attributes and not fence.indent
    ]


def extract(markdown: Path) -> str:
    """Return the concatenated Python blocks of one Markdown file."""
    blocks = python_blocks(markdown.read_text())
    header = f"# Code blocks of {markdown.name}, extracted for checking.\n"
    return header + "\n\n".join(blocks)


def main() -> None:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for name in sys.argv[2:]:
        path = Path(name)
        (out / f"{module_name(path)}.py").write_text(extract(path))


if __name__ == "__main__":
    main()
