"""The wheels and sdists we ship: contents, metadata and a clean install outside the workspace."""

from __future__ import annotations

import email.parser
import json
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest
from layout import ALL, BY_NAME, DISTS
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name


def _wheel(dist_dir: Path, name: str) -> Path:
    stem = name.replace("-", "_")
    wheels = sorted(dist_dir.glob(f"{stem}-*.whl"))
    assert len(wheels) == 1, f"expected one wheel of {name}, found {wheels}"
    return wheels[0]


def _metadata(wheel: Path) -> email.message.Message:
    with zipfile.ZipFile(wheel) as zf:
        (meta,) = [n for n in zf.namelist() if n.endswith(".dist-info/METADATA")]
        return email.parser.Parser().parsestr(zf.read(meta).decode())


@pytest.mark.parametrize("name", [d.name for d in DISTS])
def test_every_distribution_has_a_wheel_and_an_sdist(dist_dir: Path, name: str) -> None:
    """Each distribution of the workspace was built as exactly one wheel and one sdist."""
    _wheel(dist_dir, name)
    assert len(list(dist_dir.glob(f"{name.replace('-', '_')}-*.tar.gz"))) == 1


@pytest.mark.parametrize("name", [d.name for d in DISTS])
def test_wheel_holds_exactly_its_own_portion(dist_dir: Path, name: str) -> None:
    """A wheel ships only its own portion, with py.typed, and never a namespace __init__.py."""
    dist = BY_NAME[name]
    with zipfile.ZipFile(_wheel(dist_dir, name)) as zf:
        files = [n for n in zf.namelist() if ".dist-info/" not in n]
    assert "chanx/__init__.py" not in files
    assert "chanx/ext/__init__.py" not in files
    if dist.portion is None:
        assert files == [], f"the meta distribution must ship no code, found {files}"
        return
    prefix = dist.portion.replace(".", "/") + "/"
    strays = [n for n in files if not n.startswith(prefix)]
    assert strays == [], f"{name} ships files outside {prefix}: {strays}"
    assert f"{prefix}__init__.py" in files
    assert f"{prefix}py.typed" in files


@pytest.mark.parametrize("name", [d.name for d in DISTS])
def test_sibling_requirements_point_down_at_the_shared_version(
    dist_dir: Path, name: str, shared_version: str
) -> None:
    """Every Requires-Dist on a sibling is an exact pin to the shared version of a lower layer."""
    dist = BY_NAME[name]
    meta = _metadata(_wheel(dist_dir, name))
    assert meta["Version"] == shared_version
    siblings = {canonicalize_name(d.name): d for d in ALL}
    for line in meta.get_all("Requires-Dist") or []:
        requirement = Requirement(line)
        target = siblings.get(canonicalize_name(requirement.name))
        if target is None:
            continue
        assert str(requirement.specifier) == f"=={shared_version}", line
        assert target.layer < dist.layer, f"{name} depends on {target.name}, a layer not below it"


def test_wheels_install_and_import_outside_the_workspace(dist_dir: Path, tmp_path: Path) -> None:
    """All wheels install into a fresh virtualenv outside the repo and import under python -I."""
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    wheels = [str(_wheel(dist_dir, d.name)) for d in DISTS if d.portion is not None]
    subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--find-links", str(dist_dir), *wheels],
        check=True,
        cwd=tmp_path,
    )
    portions = [d.portion for d in DISTS if d.portion is not None]
    code = "import importlib, chanx\n"
    code += "assert getattr(chanx, '__file__', None) is None, 'chanx must be a namespace'\n"
    code += "".join(f"importlib.import_module({p!r})\n" for p in portions)
    subprocess.run([python, "-I", "-c", code], check=True, cwd=tmp_path)


@pytest.mark.parametrize("source", ["wheel", "source tree"])
def test_messages_installs_without_the_web_stack(
    dist_dir: Path, tmp_path: Path, source: str
) -> None:
    """`pip install ./packages/chanx-messages` (or its wheel) brings Pydantic and no web stack."""
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    target = (
        str(_wheel(dist_dir, "chanx-messages"))
        if source == "wheel"
        else str(BY_NAME["chanx-messages"].folder)
    )
    subprocess.run([python, "-m", "pip", "install", "--quiet", target], check=True, cwd=tmp_path)
    listed = subprocess.run(
        [python, "-m", "pip", "list", "--format=freeze"],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    ).stdout
    installed = {canonicalize_name(line.split("==")[0]) for line in listed.splitlines()}
    assert "pydantic" in installed
    forbidden = {"django", "channels", "fastapi", "starlette", "fast-channels", "structlog"}
    assert installed.isdisjoint(forbidden), installed & forbidden
    assert not any(name.startswith("chanx-") and name != "chanx-messages" for name in installed)
    subprocess.run(
        [
            python,
            "-I",
            "-c",
            "from chanx.messages.outgoing import PongMessage as P; "
            "assert P().model_dump() == {'action': 'pong', 'payload': None}",
        ],
        check=True,
        cwd=tmp_path,
    )


def test_this_interpreter_is_supported() -> None:
    """The packaging checks run on a Python the distributions declare support for."""
    assert sys.version_info >= (3, 11)


EXTRA_TARGETS = {"channels": "chanx-django", "fast_channels": "chanx-fastapi"}
"""Each extra of the meta distribution and the adapter it must pull in once that exists."""


@pytest.fixture(scope="module", params=["23.2.1", "current"])
def pip_python(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv with pip 23.2.1 (what these machines ship) or the current pip."""
    env_dir = tmp_path_factory.mktemp(f"pip-{request.param}")
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    spec = "pip==23.2.1" if request.param == "23.2.1" else "pip"
    subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--upgrade", spec], check=True, cwd=env_dir
    )
    return python


@pytest.mark.parametrize("spelling", ["channels", "fast_channels", "fast-channels"])
def test_meta_extras_resolve_with_old_and_new_pip(
    dist_dir: Path, pip_python: Path, spelling: str, shared_version: str
) -> None:
    """`pip install "chanx[<extra>]"` is understood by pip 23.2 and current pip alike."""
    result = subprocess.run(
        [
            pip_python,
            "-m",
            "pip",
            "install",
            "--dry-run",
            "--ignore-installed",
            "--quiet",
            "--report",
            "-",
            "--find-links",
            str(dist_dir),
            f"chanx[{spelling}]=={shared_version}",
        ],
        check=True,
        capture_output=True,
        text=True,
        cwd=dist_dir,
    )
    assert "does not provide the extra" not in result.stderr, result.stderr
    report = json.loads(result.stdout)
    names = {canonicalize_name(item["metadata"]["name"]) for item in report["install"]}
    for item in report["install"]:
        # PyPI hosts the original chanx 0.x-2.x: ours must come from this build, never from there.
        if canonicalize_name(item["metadata"]["name"]).startswith("chanx"):
            assert item["download_info"]["url"].startswith(dist_dir.as_uri()), item["download_info"]
    assert {"chanx", "chanx-core"} <= names
    target = EXTRA_TARGETS[spelling.replace("-", "_")]
    if target in BY_NAME:
        assert target in names, f"chanx[{spelling}] did not pull in {target}: {sorted(names)}"


def test_meta_wheel_publishes_each_extra_in_both_spellings(dist_dir: Path) -> None:
    """The meta wheel lists every extra as typed and normalised, each with the same pins."""
    meta = _metadata(_wheel(dist_dir, "chanx"))
    extras = set(meta.get_all("Provides-Extra") or [])
    assert {"channels", "fast_channels", "fast-channels"} <= extras
