"""One version for every distribution, exact pins between siblings, and a bump tool that works."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from layout import ALL, DISTS, ROOT, version
from packaging.requirements import Requirement

SIBLINGS = {d.name: d for d in ALL}


def _requirements(project: dict[str, object]) -> list[tuple[str, Requirement]]:
    dependencies = project.get("dependencies", [])
    extras = project.get("optional-dependencies", {})
    assert isinstance(dependencies, list)
    assert isinstance(extras, dict)
    found = [("dependencies", Requirement(str(r))) for r in dependencies]
    for extra, requirements in extras.items():
        found += [(f"extra {extra}", Requirement(str(r))) for r in requirements]
    return found


def _all_requirements(dist_name: str) -> list[tuple[str, Requirement]]:
    """Requirements of a distribution, the meta package's hook-written extras included."""
    dist = SIBLINGS[dist_name]
    with dist.pyproject.open("rb") as f:
        data = tomllib.load(f)
    found = _requirements(data["project"])
    hooks = data.get("tool", {}).get("hatch", {}).get("metadata", {}).get("hooks", {})
    for extra, requirements in hooks.get("custom", {}).get("extras", {}).items():
        found += [(f"extra {extra}", Requirement(str(r))) for r in requirements]
    return found


def test_every_distribution_has_the_shared_version() -> None:
    """All distributions carry the same version string."""
    versions = {d.name: d.metadata()["version"] for d in DISTS}
    assert len(set(versions.values())) == 1, versions


@pytest.mark.parametrize("name", [d.name for d in DISTS])
def test_sibling_pins_are_exact_and_point_down(name: str) -> None:
    """Every dependency on a sibling is `==` the shared version and targets a lower layer."""
    dist = SIBLINGS[name]
    for where, requirement in _all_requirements(name):
        target = SIBLINGS.get(requirement.name)
        if target is None:
            continue
        assert str(requirement.specifier) == f"=={version()}", f"{name} {where}: {requirement}"
        assert target.layer < dist.layer, f"{name} {where} depends upward on {target.name}"


def test_workspace_root_knows_every_distribution() -> None:
    """Mypy's path lists every package's src folder, so no package escapes type checking."""
    with (ROOT / "pyproject.toml").open("rb") as f:
        root = tomllib.load(f)
    mypy_path = set(root["tool"]["mypy"]["mypy_path"])
    for dist in DISTS:
        if dist.portion is not None:
            assert f"packages/{dist.name}/src" in mypy_path


def test_no_namespace_init_files_in_the_sources() -> None:
    """No package has src/chanx/__init__.py or src/chanx/ext/__init__.py."""
    offenders = [
        *ROOT.glob("packages/*/src/chanx/__init__.py"),
        *ROOT.glob("packages/*/src/chanx/ext/__init__.py"),
    ]
    assert offenders == []


def test_bump_script_moves_every_version_and_pin_together(tmp_path: Path) -> None:
    """scripts/bump_version.py rewrites every version and sibling pin, and leaves them consistent."""
    copy = tmp_path / "repo"
    shutil.copytree(ROOT / "scripts", copy / "scripts")
    for dist in DISTS:
        (copy / "packages" / dist.name).mkdir(parents=True)
        shutil.copy(dist.pyproject, copy / "packages" / dist.name / "pyproject.toml")
    subprocess.run([sys.executable, str(copy / "scripts" / "bump_version.py"), "9.8.7"], check=True)
    for dist in DISTS:
        with (copy / "packages" / dist.name / "pyproject.toml").open("rb") as f:
            project = tomllib.load(f)["project"]
        assert project["version"] == "9.8.7"
        for _, requirement in _requirements(project):
            if requirement.name in SIBLINGS:
                assert str(requirement.specifier) == "==9.8.7"
