"""Run nox from a fresh machine that has nothing but Python 3.11+.

Usage: ``python3 scripts/run_nox.py [nox arguments]``

It keeps nox and uv in ``.tools/`` (a virtualenv of their own, created on first use and
reused after), puts them on ``PATH`` and hands every argument to nox. With no argument nox runs
its default sessions: the whole test suite.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / ".tools"
REQUIREMENTS = ("nox>=2025.2.9", "uv>=0.6")
STAMP = TOOLS / "requirements.txt"


def ensure_tools() -> Path:
    """Create or refresh the tool environment and return its bin folder."""
    bindir = TOOLS / ("Scripts" if os.name == "nt" else "bin")
    wanted = "\n".join(REQUIREMENTS)
    if not (STAMP.is_file() and STAMP.read_text() == wanted and (bindir / "nox").exists()):
        if sys.version_info < (3, 11):  # noqa: UP036 - the whole point is a clear message
            raise SystemExit("Chanx needs Python 3.11 or newer")
        print(f"run_nox: installing {', '.join(REQUIREMENTS)} into {TOOLS}", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(TOOLS)
        subprocess.run(
            [str(bindir / "python"), "-m", "pip", "install", "--quiet", *REQUIREMENTS],
            check=True,
        )
        STAMP.write_text(wanted)
    return bindir


def main() -> None:
    bindir = ensure_tools()
    env = dict(os.environ, PATH=f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}")
    os.chdir(ROOT)
    nox = str(bindir / "nox")
    os.execve(nox, [nox, *sys.argv[1:]], env)


if __name__ == "__main__":
    main()
