"""Write the Python code blocks of Markdown files out as modules, to type-check or run them.

Usage: ``python scripts/extract_code_blocks.py OUT_DIR FILE.md [FILE.md ...]``

The blocks of one Markdown file are concatenated, in order, into one module named after the
file's path (``README.md`` -> ``readme_md.py``, ``docs/guide/events.md`` ->
``docs_guide_events_md.py``), since later blocks build on earlier ones.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

_BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


def module_name(path: Path) -> str:
    """Return the module name a Markdown file's code is written to, unique per path."""
    return re.sub(r"\W", "_", path.as_posix().lower())


def extract(markdown: Path) -> str:
    """Return the concatenated Python blocks of one Markdown file."""
    blocks = _BLOCK.findall(markdown.read_text())
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
