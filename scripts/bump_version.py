"""Set one version on every distribution and every sibling pin, in one go.

Usage: ``python scripts/bump_version.py 0.2.0``

Only this script should change versions: the consistency tests in ``integration_tests/``
fail as soon as one distribution or one ``chanx-*==`` pin differs from the others.
"""

from __future__ import annotations

import re
import sys

from layout import DISTS, version

_VERSION = re.compile(r"^\d+\.\d+\.\d+(?:(?:a|b|rc)\d+)?(?:\.post\d+)?(?:\.dev\d+)?$")


def bump(new: str) -> list[str]:
    """Rewrite every pyproject.toml of the workspace and return the files changed."""
    if not _VERSION.match(new):
        msg = f"not a release version: {new!r}"
        raise SystemExit(msg)
    names = "|".join(re.escape(dist.name) for dist in DISTS)
    pin = re.compile(rf'"({names})(\[[^\]]*\])?==[^";\s]+')
    changed = []
    for dist in DISTS:
        text = dist.pyproject.read_text()
        updated = re.sub(r'(?m)^version = "[^"]*"$', f'version = "{new}"', text, count=1)
        updated = pin.sub(lambda m: f'"{m.group(1)}{m.group(2) or ""}=={new}', updated)
        if updated != text:
            dist.pyproject.write_text(updated)
            changed.append(str(dist.pyproject))
    return changed


def main() -> None:
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    old = version()
    for path in bump(sys.argv[1]):
        print(f"{old} -> {sys.argv[1]}: {path}")


if __name__ == "__main__":
    main()
