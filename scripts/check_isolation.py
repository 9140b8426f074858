"""Prove that an environment holds one distribution's world and nothing above it.

Usage: ``python -I scripts/check_isolation.py <distribution>``

Every distribution it depends on (lower layers) must import; no higher or sibling layer and, below
the adapters, no web framework may even be findable.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from layout import ALL, BY_NAME, WEB_FRAMEWORKS


def main() -> None:
    dist = BY_NAME[sys.argv[1]]
    problems = []
    for other in ALL:
        if other.portion is None or other is dist:
            continue
        found = importlib.util.find_spec(other.portion.rsplit(".", 1)[0]) is not None and (
            importlib.util.find_spec(other.portion) is not None
        )
        if other.layer >= dist.layer and found:
            problems.append(f"{other.portion} ({other.name}) is importable next to {dist.name}")
    if dist.portion is not None:
        importlib.import_module(dist.portion)
    if dist.layer < 3:
        for framework in WEB_FRAMEWORKS:
            if importlib.util.find_spec(framework) is not None:
                problems.append(f"web framework {framework!r} is importable next to {dist.name}")
    if problems:
        raise SystemExit("\n".join(problems))
    print(f"check_isolation: {dist.name} stands alone")


if __name__ == "__main__":
    main()
