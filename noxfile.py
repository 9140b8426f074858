"""The one entry point for every check: ``nox`` runs the default sessions, i.e. the test suite.

Sessions:
    tests-<dist>   unit tests of one distribution, installed alone from its built wheel
    lint           ruff (check and format) and the import-linter layering contracts
    typecheck      mypy strict over every package, its tests and the typed example files
    packaging      build every wheel and sdist, install them outside the workspace, check them
    integration    the cross-package tests in integration_tests/, against the built wheels
    asyncapi_validate  every AsyncAPI document the chanx-asyncapi tests write, checked by the
                   official @asyncapi/parser (node and npm)
    asyncapi_browser   the AsyncAPI docs page rendered in headless Chromium

Run ``nox -l`` for the list and ``nox -s <name>`` for one session.
"""

from __future__ import annotations

import os
import shutil
import sys
import tarfile
import tempfile
from pathlib import Path

import nox

sys.path.insert(0, str(Path(__file__).parent / "scripts"))

from layout import DISTS, ROOT, version

nox.options.default_venv_backend = "uv"
nox.options.reuse_existing_virtualenvs = True
nox.options.error_on_missing_interpreters = True
nox.options.sessions = [
    "lint",
    "typecheck",
    "tests",
    "packaging",
    "integration",
    "asyncapi_validate",
    "asyncapi_browser",
]

CODE_DISTS = [dist for dist in DISTS if dist.portion is not None]
TEST_REQUIREMENTS = ["pytest>=8.3", "pytest-asyncio>=0.24", "hypothesis>=6.100"]
EXTRA_TEST_REQUIREMENTS: dict[str, list[str]] = {}

DOC_PAGES = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "docs").glob("*.md"))

_WHEELHOUSE: Path | None = None


def wheelhouse(session: nox.Session) -> Path:
    """Build every distribution's wheel once per nox run and return the folder."""
    global _WHEELHOUSE
    if _WHEELHOUSE is None:
        target = Path(tempfile.mkdtemp(prefix="chanx-wheels-"))
        session.run(
            "uv",
            "build",
            "--all-packages",
            "--wheel",
            "--out-dir",
            str(target),
            "--quiet",
            external=True,
        )
        _WHEELHOUSE = target
    return _WHEELHOUSE


def install_wheels(session: nox.Session, *requirements: str) -> None:
    """Install distributions of this workspace from the wheelhouse, third parties from PyPI."""
    session.install("--find-links", str(wheelhouse(session)), *requirements)


def pinned(*names: str) -> list[str]:
    return [f"{name}=={version()}" for name in names]


@nox.session
@nox.parametrize("dist", [dist.name for dist in CODE_DISTS], ids=[d.name for d in CODE_DISTS])
def tests(session: nox.Session, dist: str) -> None:
    """Unit tests of one distribution with only it and its declared dependencies installed."""
    install_wheels(
        session, *pinned(dist), *TEST_REQUIREMENTS, *EXTRA_TEST_REQUIREMENTS.get(dist, [])
    )
    session.run("python", "-I", "scripts/check_isolation.py", dist)
    session.run("pytest", f"packages/{dist}/tests", "-p", "no:cacheprovider", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """Ruff's linter and formatter, and the import-linter contracts that keep layers apart."""
    session.install("ruff>=0.8", "import-linter>=2.1")
    # Editable installs: import-linter must analyse the working tree, not built copies.
    session.install(*(arg for dist in CODE_DISTS for arg in ("-e", str(dist.folder))))
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("lint-imports", "--no-cache")


@nox.session
def typecheck(session: nox.Session) -> None:
    """Mypy strict over each package's source, tests and typed example files."""
    session.install("mypy>=1.13", *TEST_REQUIREMENTS, "nox", "types-PyYAML>=6")
    install_wheels(session, *pinned(*(dist.name for dist in CODE_DISTS)))
    sources = [str(dist.folder / "src") for dist in CODE_DISTS]
    session.run("mypy", *sources, "scripts", "noxfile.py")
    # The README's and the docs' code blocks are type-checked like any module.
    blocks = Path(session.create_tmp()) / "code_blocks"
    shutil.rmtree(blocks, ignore_errors=True)
    session.run("python", "scripts/extract_code_blocks.py", str(blocks), "README.md", *DOC_PAGES)
    session.run("mypy", str(blocks), env={"MYPYPATH": os.pathsep.join(sources)})
    for dist in CODE_DISTS:
        tests_dir = dist.folder / "tests"
        if tests_dir.is_dir():
            # Each package's tests are checked on their own: test modules of different
            # packages share names (conftest, test_public_api) by design.
            paths = [*sources, str(tests_dir), str(tests_dir / "support")]
            session.run("mypy", str(tests_dir), env={"MYPYPATH": os.pathsep.join(paths)})


@nox.session
def packaging(session: nox.Session) -> None:
    """Build wheels and sdists, check their contents and metadata, install them outside."""
    out = Path(tempfile.mkdtemp(prefix="chanx-dist-"))
    session.run("uv", "build", "--all-packages", "--out-dir", str(out), "--quiet", external=True)
    session.install(*TEST_REQUIREMENTS, "packaging>=24")
    session.run(
        "pytest",
        "integration_tests/packaging",
        "-p",
        "no:cacheprovider",
        *session.posargs,
        env={"CHANX_DIST_DIR": str(out), "CHANX_VERSION": version()},
    )


@nox.session
def integration(session: nox.Session) -> None:
    """Cross-package tests in integration_tests/, against the built wheels of every package."""
    install_wheels(session, *pinned(*(dist.name for dist in CODE_DISTS)), *TEST_REQUIREMENTS)
    session.run(
        "pytest",
        "integration_tests",
        "--ignore=integration_tests/packaging",
        "-p",
        "no:cacheprovider",
        *session.posargs,
    )


ASYNCAPI_TESTS = ROOT / "packages" / "chanx-asyncapi" / "tests"


def unavailable(session: nox.Session, reason: str) -> None:
    """Skip loudly, or fail under ``CI=true``, where every check must really run."""
    if os.environ.get("CI", "").lower() == "true":
        session.error(f"{reason}; CI=true, so this check may not be skipped")
    banner = "!" * 78
    session.warn(f"{banner}\nSKIPPING {session.name}: {reason}\n{banner}")
    session.skip(reason)


@nox.session
def asyncapi_validate(session: nox.Session) -> None:
    """Validate every AsyncAPI document the chanx-asyncapi tests write with @asyncapi/parser."""
    if not (shutil.which("node") and shutil.which("npm")):
        unavailable(session, "node and npm are needed to run the official AsyncAPI parser")
    validator = ASYNCAPI_TESTS / "validator"
    session.run(
        "npm",
        "ci",
        "--prefix",
        str(validator),
        "--ignore-scripts",
        "--no-audit",
        "--no-fund",
        external=True,
    )
    install_wheels(session, *pinned("chanx-asyncapi"), *TEST_REQUIREMENTS)
    documents = Path(tempfile.mkdtemp(prefix="chanx-asyncapi-documents-"))
    session.run(
        "pytest",
        str(ASYNCAPI_TESTS),
        "-p",
        "no:cacheprovider",
        "-m",
        "not browser",
        env={"CHANX_ASYNCAPI_DUMP_DIR": str(documents)},
    )
    session.run(
        "node",
        str(validator / "validate.mjs"),
        str(documents),
        str(ASYNCAPI_TESTS / "golden"),
        external=True,
    )


@nox.session
def asyncapi_browser(session: nox.Session) -> None:
    """Render the AsyncAPI docs page in headless Chromium, its npm assets served on loopback."""
    chromium = shutil.which("chromium")
    if chromium is None and shutil.which("apt-get") and os.geteuid() == 0:
        apt_env = {"DEBIAN_FRONTEND": "noninteractive"}
        session.run("apt-get", "update", "-qq", external=True, env=apt_env, success_codes=[0, 100])
        session.run(
            "apt-get",
            "install",
            "-y",
            "-qq",
            "chromium",
            external=True,
            env=apt_env,
            success_codes=[0, 100],
        )
        chromium = shutil.which("chromium")
    if chromium is None:
        unavailable(session, "Debian's chromium is missing and apt-get (as root) cannot add it")
    if not shutil.which("npm"):
        unavailable(session, "npm is needed to fetch @asyncapi/react-component")
    install_wheels(session, *pinned("chanx-asyncapi"), *TEST_REQUIREMENTS)
    pin = "from chanx.asyncapi import REACT_COMPONENT_VERSION; print(REACT_COMPONENT_VERSION)"
    react_version = str(session.run("python", "-c", pin, silent=True)).strip()
    work = Path(tempfile.mkdtemp(prefix="chanx-asyncapi-react-"))
    session.run(
        "npm",
        "pack",
        f"@asyncapi/react-component@{react_version}",
        "--pack-destination",
        str(work),
        "--silent",
        external=True,
        success_codes=range(256),
    )
    tarballs = sorted(work.glob("*.tgz"))
    if not tarballs:
        unavailable(session, f"npm could not fetch @asyncapi/react-component@{react_version}")
    with tarfile.open(tarballs[0]) as archive:
        archive.extractall(work, filter="data")
    session.run(
        "pytest",
        str(ASYNCAPI_TESTS / "test_browser.py"),
        "-p",
        "no:cacheprovider",
        *session.posargs,
        env={
            "CHANX_ASYNCAPI_REACT_DIR": str(work / "package"),
            "CHANX_ASYNCAPI_REQUIRE_BROWSER": "1",
            "CHANX_CHROMIUM": str(chromium),
        },
    )


@nox.session(default=False)
def clean(session: nox.Session) -> None:
    """Remove build and cache folders."""
    for name in ("dist", "build", ".mypy_cache", ".ruff_cache", ".pytest_cache"):
        shutil.rmtree(ROOT / name, ignore_errors=True)
