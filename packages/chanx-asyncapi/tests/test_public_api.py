"""Tests that pin the public API and the packaging layout of ``chanx.asyncapi``."""

from __future__ import annotations

import importlib.util
import inspect
import json
import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

import chanx
import chanx.asyncapi

TYPING_DIR = Path(__file__).parent / "typing"
README = Path(__file__).parent.parent / "README.md"

EXPECTED_ALL = [
    "ASYNCAPI_VERSION",
    "Address",
    "CDN_ASSETS",
    "DISCOVERY_ENTRY_POINT_GROUP",
    "DocumentSettings",
    "PageAssets",
    "PathParameter",
    "REACT_COMPONENT_VERSION",
    "RouteDiscovery",
    "RouteDiscoveryError",
    "RouteRecord",
    "build_document",
    "discover_routes",
    "dump_json",
    "dump_yaml",
    "normalize_address",
    "render_docs_page",
]

FORBIDDEN_IMPORTS = [
    "django",
    "channels",
    "rest_framework",
    "fastapi",
    "starlette",
    "fast_channels",
    "uvicorn",
    "daphne",
]


def test_all_is_pinned() -> None:
    """``chanx.asyncapi.__all__`` is exactly the expected names, without duplicates."""
    names: list[str] = chanx.asyncapi.__all__
    assert len(names) == len(set(names))
    assert sorted(names) == sorted(EXPECTED_ALL)


def test_every_name_in_all_is_importable() -> None:
    """``from chanx.asyncapi import <name>`` works for every name in ``__all__``."""
    for name in chanx.asyncapi.__all__:
        namespace: dict[str, object] = {}
        exec(f"from chanx.asyncapi import {name}", namespace)
        assert namespace[name] is getattr(chanx.asyncapi, name)


def test_public_objects_are_defined_in_private_modules() -> None:
    """Every public class and function lives in an ``_``-prefixed module."""
    for name in chanx.asyncapi.__all__:
        obj = getattr(chanx.asyncapi, name)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            assert obj.__module__.rsplit(".", 1)[-1].startswith("_"), name


def test_chanx_is_a_namespace_package() -> None:
    """``chanx`` has no ``__init__.py``: it is a namespace package shared by every portion."""
    assert chanx.__file__ is None
    for entry in chanx.__path__:
        assert not (Path(entry) / "__init__.py").exists()


def test_the_portion_ships_py_typed() -> None:
    """``chanx.asyncapi`` is a regular package with a ``py.typed`` marker."""
    assert chanx.asyncapi.__file__ is not None
    assert (Path(chanx.asyncapi.__file__).parent / "py.typed").is_file()


def test_import_pulls_in_no_web_framework_and_no_adapter(tmp_path: Path) -> None:
    """Importing ``chanx.asyncapi`` (and its command line) loads no framework or adapter."""
    code = (
        "import json, sys\n"
        "import chanx.asyncapi, chanx.asyncapi._cli\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-I", "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    loaded = json.loads(result.stdout)
    top_level = {name.split(".")[0] for name in loaded}
    assert top_level.isdisjoint(FORBIDDEN_IMPORTS), top_level & set(FORBIDDEN_IMPORTS)
    assert not [name for name in loaded if name.startswith("chanx.ext")]


def test_the_module_entry_point_exists() -> None:
    """``python -m chanx.asyncapi`` has a ``__main__`` module."""
    assert importlib.util.find_spec("chanx.asyncapi.__main__") is not None


def test_readme_example_file_is_the_readme_verbatim() -> None:
    """``tests/typing/readme_example.py`` is one of the README's Python blocks, verbatim."""
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
    example = (TYPING_DIR / "readme_example.py").read_text(encoding="utf-8")
    assert example in blocks


def test_readme_starts_with_install_line_and_import_path() -> None:
    """The README opens with the pip install line and the import path."""
    assert README.read_text(encoding="utf-8").startswith(
        "# chanx-asyncapi\n\n"
        "```bash\npip install chanx-asyncapi\n```\n\n"
        "```python\nimport chanx.asyncapi\n```\n"
    )


@pytest.mark.parametrize("path", sorted(TYPING_DIR.glob("*.py")), ids=lambda p: p.name)
def test_typing_example_runs(path: Path) -> None:
    """Each type-checked example also runs without error, so its assertions hold at runtime."""
    runpy.run_path(str(path), run_name="__typing_example__")
