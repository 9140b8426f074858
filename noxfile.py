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
    docs           the documentation site, built by mkdocs in strict mode
    examples       every example as real processes: the demo's typed client, django_chat's README
                   followed against daphne, shared_messages' services, worker and client on Redis
    newcomer       the README's demo command, started as a newcomer would, used in headless
                   Chromium: two tabs chat, the AsyncAPI docs page shows the chat channel
    demo           the FastAPI chat example served on 127.0.0.1:8000 (not run by default)
    bench          the benchmark suite in bench/, results in bench/results/ (not run by default)
    soak           thousands of connections per server; resources back to baseline (not default)

Run ``nox -l`` for the list and ``nox -s <name>`` for one session.
"""

from __future__ import annotations

import ast
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
    "docs",
    "examples",
    "newcomer",
]

CODE_DISTS = [dist for dist in DISTS if dist.portion is not None]
TEST_REQUIREMENTS = ["pytest>=8.3", "pytest-asyncio>=0.24", "hypothesis>=6.100"]
EXTRA_TEST_REQUIREMENTS: dict[str, list[str]] = {
    # Starlette's TestClient: httpx2 for Starlette 1.x (which warns on plain httpx), httpx for
    # the older Starlette releases FastAPI's floor allows.
    "chanx-fastapi": ["httpx>=0.27", "httpx2>=2"],
    # The Django tests run under pytest-django; they use chanx's own communicator, never
    # channels.testing (which imports daphne), so daphne is not needed.
    "chanx-django": ["pytest-django>=4.9"],
}

DOC_PAGES = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "docs").rglob("*.md"))
"""Every page of the docs site, subfolders included: their Python blocks are type-checked."""

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
    """Install distributions of this workspace from the wheelhouse, third parties from PyPI.

    Every build carries the same version, so a reused session would keep an older wheel of
    ours: ``--reinstall-package`` makes uv take this run's build every time.
    """
    fresh = [arg for dist in DISTS for arg in ("--reinstall-package", dist.name)]
    session.install(*fresh, "--find-links", str(wheelhouse(session)), *requirements)


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
    """Mypy strict over each package's source, tests, typed example files and integration tests."""
    extras = sorted({req for reqs in EXTRA_TEST_REQUIREMENTS.values() for req in reqs})
    # websockets and redis: the benchmarks' load generators and Redis cleanup import them.
    session.install(
        "mypy>=1.13",
        *TEST_REQUIREMENTS,
        *extras,
        "nox",
        "types-PyYAML>=6",
        "websockets>=13",
        "redis>=5",
    )
    install_wheels(session, *pinned(*(dist.name for dist in CODE_DISTS)))
    # Layers and a job queue the docs' and examples' code uses (a worker on fast-channels'
    # Redis layer, the FastAPI example's arq jobs).
    session.install("arq>=0.26", "fast-channels[redis]>=1.1", "channels-redis>=4.2")
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
            # support/ holds modules the tests import by bare name (from MYPYPATH); checking
            # the folder as well would see them twice, once as support.<name>.
            session.run(
                "mypy",
                str(tests_dir),
                "--exclude",
                "/support/",
                # Its own cache: runs with different MYPYPATHs must not share module maps.
                "--cache-dir",
                str(Path(session.create_tmp()) / f"mypy-{dist.name}"),
                env={"MYPYPATH": os.pathsep.join(paths)},
            )
    # An example project is checked on its own: its top-level modules (chat, ...) are its own.
    django_chat = ROOT / "examples" / "django_chat"
    session.run(
        "mypy",
        str(django_chat),
        "--cache-dir",
        str(Path(session.create_tmp()) / "mypy-django_chat"),
        env={"MYPYPATH": os.pathsep.join([*sources, str(django_chat)])},
    )
    # The benchmarks, but the scripts that run inside the released chanx 2.13's virtualenv.
    session.run(
        "mypy",
        "bench",
        "--exclude",
        "_chanx213",
        "--cache-dir",
        str(Path(session.create_tmp()) / "mypy-bench"),
        env={"MYPYPATH": os.pathsep.join(sources)},
    )
    fastapi_chat = ROOT / "examples" / "fastapi_chat"
    session.run(
        "mypy",
        str(fastapi_chat / "fastapi_chat"),
        str(fastapi_chat / "client.py"),
        "--cache-dir",
        str(Path(session.create_tmp()) / "mypy-fastapi_chat"),
        env={"MYPYPATH": os.pathsep.join([*sources, str(fastapi_chat)])},
    )
    # The example's tests; the newcomer ones drive the demo with httpx and a browser with
    # Playwright.
    session.install("playwright>=1.48")
    session.run(
        "mypy",
        str(NEWCOMER_TESTS),
        "--cache-dir",
        str(Path(session.create_tmp()) / "mypy-fastapi_chat-tests"),
        env={"MYPYPATH": os.pathsep.join([*sources, str(DEMO_APP_DIR), str(NEWCOMER_TESTS)])},
    )
    # The cross-package tests, a folder at a time: their test modules share names by design,
    # and each folder's server apps are imported by bare name from MYPYPATH.
    session.install("uvicorn>=0.30", "daphne>=4.1")
    it = ROOT / "integration_tests"
    root_files = [str(p) for p in sorted(it.glob("*.py"))]
    for name, targets, path in (
        ("root", root_files, []),
        ("fastapi", [str(it / "fastapi")], [it / "fastapi", it / "fastapi" / "apps"]),
        ("django", [str(it / "django")], [it / "django", it / "django" / "support"]),
        ("soak", [str(it / "soak")], [it / "soak", it / "soak" / "apps"]),
        ("repo", [str(it / "repo")], [it / "repo"]),
        ("docs", [str(it / "docs")], [it / "docs"]),
        ("packaging", [str(it / "packaging")], [it / "packaging"]),
    ):
        session.run(
            "mypy",
            *targets,
            "--exclude",
            "/(apps|support)/",
            "--cache-dir",
            str(Path(session.create_tmp()) / f"mypy-it-{name}"),
            env={"MYPYPATH": os.pathsep.join([*sources, str(it / "support"), *map(str, path)])},
        )
    session.run(
        "mypy",
        str(it / "support"),
        "--cache-dir",
        str(Path(session.create_tmp()) / "mypy-it-support"),
        env={"MYPYPATH": os.pathsep.join([*sources, str(it / "support")])},
    )


@nox.session
def packaging(session: nox.Session) -> None:
    """Build wheels and sdists, check their contents and metadata, install them outside."""
    out = Path(tempfile.mkdtemp(prefix="chanx-dist-"))
    # Wheels and sdists each from the source tree, as a release uploads them. (A wheel built
    # from the meta package's sdist would lose the `fast_channels` alias: hatchling re-reads
    # dynamic extras from PKG-INFO with a packaging that normalises extra names.)
    session.run(
        "uv",
        "build",
        "--all-packages",
        "--sdist",
        "--wheel",
        "--out-dir",
        str(out),
        "--quiet",
        external=True,
    )
    session.install(*TEST_REQUIREMENTS, "packaging>=24")
    session.run(
        "pytest",
        "integration_tests/packaging",
        "-p",
        "no:cacheprovider",
        *session.posargs,
        env={"CHANX_DIST_DIR": str(out), "CHANX_VERSION": version()},
    )


# Servers, clients and layers of the integration tests, beyond the workspace's wheels.
INTEGRATION_REQUIREMENTS = [
    f"chanx-django[redis]=={version()}",  # Django, Channels, DRF and channels_redis
    "daphne>=4.1",
    "uvicorn>=0.30",
    "websockets>=13",
    f"chanx-fastapi[redis]=={version()}",  # fast-channels' Redis layers
    "httpx>=0.27",  # the FastAPI tests' HTTP client
    "arq>=0.26",  # the FastAPI example's job worker
]


@nox.session
def integration(session: nox.Session) -> None:
    """Cross-package tests in integration_tests/, against the built wheels of every package.

    The tests write the AsyncAPI documents the example servers serve into a folder
    (``CHANX_ASYNCAPI_DUMP_DIR``), which the official parser then validates.
    """
    install_wheels(
        session,
        *pinned(*(dist.name for dist in CODE_DISTS)),
        *TEST_REQUIREMENTS,
        *INTEGRATION_REQUIREMENTS,
    )
    documents = Path(tempfile.mkdtemp(prefix="chanx-integration-documents-"))
    session.run(
        "pytest",
        "integration_tests",
        "--ignore=integration_tests/packaging",
        "--ignore=integration_tests/soak",
        "-p",
        "no:cacheprovider",
        *session.posargs,
        env={"CHANX_ASYNCAPI_DUMP_DIR": str(documents)},
    )
    if session.posargs and not any(documents.iterdir()):
        session.log("the selected tests wrote no AsyncAPI documents; nothing to validate")
        return
    validate_asyncapi(session, documents)


ASYNCAPI_TESTS = ROOT / "packages" / "chanx-asyncapi" / "tests"


def unavailable(session: nox.Session, reason: str) -> None:
    """Skip loudly, or fail under ``CI=true``, where every check must really run."""
    if os.environ.get("CI", "").lower() == "true":
        session.error(f"{reason}; CI=true, so this check may not be skipped")
    banner = "!" * 78
    session.warn(f"{banner}\nSKIPPING {session.name}: {reason}\n{banner}")
    session.skip(reason)


def validate_asyncapi(session: nox.Session, *paths: Path) -> None:
    """Validate AsyncAPI documents (files or folders) with the official @asyncapi/parser."""
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
    session.run("node", str(validator / "validate.mjs"), *map(str, paths), external=True)


@nox.session
def asyncapi_validate(session: nox.Session) -> None:
    """Validate every AsyncAPI document the chanx-asyncapi tests write with @asyncapi/parser."""
    if not (shutil.which("node") and shutil.which("npm")):
        unavailable(session, "node and npm are needed to run the official AsyncAPI parser")
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
    validate_asyncapi(session, documents, ASYNCAPI_TESTS / "golden")


def find_chromium(session: nox.Session) -> str | None:
    """Return Debian's chromium, installing it with apt-get (as root) when it is missing."""
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
    return chromium


def unpack_react_component(session: nox.Session, react_version: str) -> Path | None:
    """Fetch ``@asyncapi/react-component`` with ``npm pack``; return its unpacked folder.

    Returns None when npm is missing or cannot fetch that version.
    """
    if not shutil.which("npm"):
        return None
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
        return None
    with tarfile.open(tarballs[0]) as archive:
        archive.extractall(work, filter="data")
    return work / "package"


@nox.session
def asyncapi_browser(session: nox.Session) -> None:
    """Render the AsyncAPI docs page in headless Chromium, its npm assets served on loopback."""
    chromium = find_chromium(session)
    if chromium is None:
        unavailable(session, "Debian's chromium is missing and apt-get (as root) cannot add it")
    if not shutil.which("npm"):
        unavailable(session, "npm is needed to fetch @asyncapi/react-component")
    install_wheels(session, *pinned("chanx-asyncapi"), *TEST_REQUIREMENTS)
    pin = "from chanx.asyncapi import REACT_COMPONENT_VERSION; print(REACT_COMPONENT_VERSION)"
    react_version = str(session.run("python", "-c", pin, silent=True)).strip()
    react_dir = unpack_react_component(session, react_version)
    if react_dir is None:
        unavailable(session, f"npm could not fetch @asyncapi/react-component@{react_version}")
    session.run(
        "pytest",
        str(ASYNCAPI_TESTS / "test_browser.py"),
        "-p",
        "no:cacheprovider",
        *session.posargs,
        env={
            "CHANX_ASYNCAPI_REACT_DIR": str(react_dir),
            "CHANX_ASYNCAPI_REQUIRE_BROWSER": "1",
            "CHANX_CHROMIUM": str(chromium),
        },
    )


SHARED_MESSAGES = ROOT / "examples" / "shared_messages"
# The examples' servers, clients, HTTP calls and Redis cleanup, beyond the workspace's wheels.
EXAMPLE_REQUIREMENTS = [
    "uvicorn>=0.30",
    "daphne>=4.1",
    "websockets>=13",
    "redis>=5",
    "httpx>=0.27",
    "arq>=0.26",
]


@nox.session
def examples(session: nox.Session) -> None:
    """Every example on the built wheels, as real processes, then mypy strict on shared_messages.

    - fastapi_chat: its typed ``client.py`` against the app under uvicorn (the browser path is
      the ``newcomer`` session's);
    - django_chat: its README followed step by step against daphne, client script included;
    - shared_messages: its message package installed from its folder as a user would (built,
      not editable); both services, the worker and the client on Redis.
    """
    install_wheels(
        session,
        *pinned("chanx-fastapi[redis]", "chanx-django[redis]"),
        *TEST_REQUIREMENTS,
        *EXAMPLE_REQUIREMENTS,
        # A reused session would keep an older build of the example's package.
        "--reinstall-package",
        "ticket-messages",
        str(SHARED_MESSAGES / "ticket-messages"),
    )
    session.run(
        "pytest",
        str(DEMO_APP_DIR / "tests" / "test_client.py"),
        str(ROOT / "examples" / "django_chat" / "tests"),
        str(SHARED_MESSAGES / "tests"),
        "-p",
        "no:cacheprovider",
        *session.posargs,
    )
    session.install("mypy>=1.13")
    roots = [
        SHARED_MESSAGES / "ticket-messages" / "src",
        SHARED_MESSAGES / "fastapi_service",
        SHARED_MESSAGES / "django_service",
        SHARED_MESSAGES,
        SHARED_MESSAGES / "tests",
        SHARED_MESSAGES / "tests" / "support",
    ]
    session.run(
        "mypy",
        str(SHARED_MESSAGES / "ticket-messages" / "src"),
        str(SHARED_MESSAGES / "fastapi_service"),
        str(SHARED_MESSAGES / "django_service"),
        str(SHARED_MESSAGES / "client.py"),
        str(SHARED_MESSAGES / "worker.py"),
        str(SHARED_MESSAGES / "tests"),
        # support/ is imported by bare name (MYPYPATH) and checked that way, not twice.
        "--exclude",
        "/support/",
        "--cache-dir",
        str(Path(session.create_tmp()) / "mypy-shared_messages"),
        env={"MYPYPATH": os.pathsep.join(map(str, roots))},
    )


@nox.session(default=False)
def soak(session: nox.Session) -> None:
    """Thousands of connections against uvicorn and daphne, in-memory and on Redis (not default).

    Each server must return to its baseline of asyncio tasks, group memberships (hub, layer,
    Redis ZCARD), live consumers and resident memory. About 1.5 minutes; ``CHANX_SOAK_CYCLES``
    sets the measured cycles per server (3000), and the figures are printed.
    """
    install_wheels(
        session,
        *pinned(*(dist.name for dist in CODE_DISTS)),
        *TEST_REQUIREMENTS,
        *INTEGRATION_REQUIREMENTS,
    )
    session.run(
        "pytest", "integration_tests/soak", "-p", "no:cacheprovider", "-s", *session.posargs
    )


@nox.session(default=False)
def clean(session: nox.Session) -> None:
    """Remove build and cache folders."""
    for name in ("dist", "build", ".mypy_cache", ".ruff_cache", ".pytest_cache"):
        shutil.rmtree(ROOT / name, ignore_errors=True)


@nox.session
def docs(session: nox.Session) -> None:
    """Build the documentation site with mkdocs; any warning fails the build."""
    session.install("mkdocs>=1.6", "mkdocs-material>=9.5", "mkdocstrings[python]>=0.27")
    session.run("mkdocs", "build", "--strict", env={"NO_MKDOCS_2_WARNING": "1"})


DEMO_APP_DIR = ROOT / "examples" / "fastapi_chat"
DEMO_APP = "fastapi_chat.app:app"
# The example's own needs beyond chanx-fastapi: a server with WebSockets, and its job queue.
DEMO_REQUIREMENTS = ["uvicorn>=0.30", "websockets>=13", "arq>=0.26"]


@nox.session(default=False)
def demo(session: nox.Session) -> None:
    """Serve the FastAPI chat example on 127.0.0.1:8000 until Ctrl+C.

    The port is the first argument (``nox -s demo -- 8080``) or ``CHANX_DEMO_PORT``. With
    ``REDIS_URL`` set the app uses a Redis channel layer and queues jobs for an arq worker
    (see examples/fastapi_chat/README.md); without it everything runs in this one process.
    """
    install_wheels(session, *pinned("chanx-fastapi[redis]"), *DEMO_REQUIREMENTS)
    port = session.posargs[0] if session.posargs else os.environ.get("CHANX_DEMO_PORT", "8000")
    if not port.isdigit():
        session.error(f"the port must be a number, got {port!r}")
    base = f"http://127.0.0.1:{port}"
    session.log(f"chat page:     {base}/")
    session.log(f"AsyncAPI docs: {base}/asyncapi/docs")
    session.log("stop it with Ctrl+C")
    session.run(
        "python",
        "-m",
        "uvicorn",
        DEMO_APP,
        "--app-dir",
        str(DEMO_APP_DIR),
        "--host",
        "127.0.0.1",
        "--port",
        port,
    )


NEWCOMER_TESTS = DEMO_APP_DIR / "tests"
"""The example's tests; the newcomer session runs only its own module in there."""
NEWCOMER_REQUIREMENTS = [
    "pytest>=8.3",
    # The workspace's pytest settings name pytest-asyncio's options: --strict-config rejects
    # them unless the plugin is installed.
    "pytest-asyncio>=0.24",
    "httpx>=0.27",
    # Only the Python API and its driver: the browser is Debian's chromium, never a download.
    "playwright>=1.48",
]
REACT_COMPONENT_PIN = (
    ROOT / "packages" / "chanx-asyncapi" / "src" / "chanx" / "asyncapi" / "_page.py"
)


def react_component_version() -> str:
    """Read ``REACT_COMPONENT_VERSION`` from chanx-asyncapi's source, without importing it."""
    for node in ast.parse(REACT_COMPONENT_PIN.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "REACT_COMPONENT_VERSION"
            for target in node.targets
        ):
            return str(ast.literal_eval(node.value))
    raise LookupError(f"no REACT_COMPONENT_VERSION = ... in {REACT_COMPONENT_PIN}")


@nox.session
def newcomer(session: nox.Session) -> None:
    """The README's demo command, started as a newcomer would, then used in headless Chromium.

    The tests take ``python3 scripts/run_nox.py -s demo`` from README.md and run it from the
    repository root on a free port, with this session's virtualenv off ``PATH`` (so the nested
    nox builds the demo's environment as in a user's shell); they check that it answers, chat
    between two tabs and find the chat channel on the AsyncAPI docs page. Chromium is Debian's
    (apt-get adds it when run as root) and the docs page's CDN files come from ``npm pack``;
    without them the browser test skips loudly, and under ``CI=true`` it fails. No wheel of
    ours is installed here: the tests import nothing from chanx, the nested demo session
    installs its own.
    """
    session.install(*NEWCOMER_REQUIREMENTS)
    ci = os.environ.get("CI", "").lower() == "true"
    env = {"CHANX_REQUIRE_BROWSER": "1"} if ci else {}
    required = ci or os.environ.get("CHANX_REQUIRE_BROWSER", "") not in ("", "0")
    chromium = find_chromium(session)
    if chromium is not None:
        env["CHANX_CHROMIUM"] = chromium
    react_version = react_component_version()
    react_dir = unpack_react_component(session, react_version)
    if react_dir is not None:
        env["CHANX_ASYNCAPI_REACT_DIR"] = str(react_dir)
    if chromium is None or react_dir is None:
        banner = "!" * 78
        session.warn(
            f"{banner}\nno chromium (apt-get install chromium) or no npm to fetch "
            f"@asyncapi/react-component@{react_version}: the browser test will "
            f"{'fail (it is required)' if required else 'skip'}\n{banner}"
        )
    session.run(
        "pytest",
        str(NEWCOMER_TESTS / "test_newcomer.py"),
        "-p",
        "no:cacheprovider",
        *session.posargs,
        env=env,
    )


BENCH_CHANX_213 = ROOT / ".nox" / "bench-chanx213"
"""A virtualenv of its own for the released chanx 2.13.0, the benchmarks' "before" contender."""
BENCH_SERVERS = ("uvicorn>=0.30", "daphne>=4.1", "websockets>=13", "fast-channels[redis]>=1.1")
"""The servers of the server scenarios, the client their load generator uses, Redis layers."""
BENCH_SERVER_NAMES = ("uvicorn", "daphne", "websockets", "fastapi", "redis")


@nox.session(default=False)
def bench(session: nox.Session) -> None:
    """Benchmarks in bench/ against the built wheels; results in bench/results/latest.md, .json.

    Figures are reported, never asserted. Arguments go to bench/run.py, e.g.
    ``nox -s bench -- --scenario dispatch --rounds 9``. chanx 2.13.0 comes from PyPI into
    .nox/bench-chanx213 (``python -m venv`` and pip: it is a regular ``chanx`` package that must
    not meet the workspace's portions), with the same uvicorn, daphne and websockets as this
    session, so both Chanx versions are served alike; when it cannot be installed its
    contenders are left out, and when only its servers cannot, the server contenders are.
    """
    install_wheels(session, *pinned("chanx-fastapi", "chanx-django"), *BENCH_SERVERS)
    old = BENCH_CHANX_213 / ("Scripts" if os.name == "nt" else "bin") / "python"
    try:
        if not old.exists():
            session.run("python", "-m", "venv", str(BENCH_CHANX_213))
        session.run(
            str(old),
            "-m",
            "pip",
            "install",
            "--quiet",
            "chanx[fast-channels]==2.13.0",
            external=True,
        )
        released = ["--chanx213-python", str(old)]
    except nox.command.CommandFailed:
        session.warn("chanx 2.13.0 could not be installed; the benchmarks run without it")
        released = []
    if released:
        servers = session.run(
            "python",
            "-c",
            "import importlib.metadata as m, sys; "
            "print(' '.join(f'{n}=={m.version(n)}' for n in sys.argv[1:]))",
            *BENCH_SERVER_NAMES,
            silent=True,
        )
        try:
            session.run(
                str(old),
                "-m",
                "pip",
                "install",
                "--quiet",
                "chanx[fast-channels,channels]==2.13.0",
                *str(servers or "").split(),
                external=True,
            )
        except nox.command.CommandFailed:
            session.warn("no servers for chanx 2.13.0; its server contenders are left out")
    session.run("python", "bench/run.py", *released, *session.posargs)
