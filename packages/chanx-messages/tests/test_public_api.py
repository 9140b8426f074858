"""Tests that pin the public API and the packaging layout of ``chanx.messages``."""

import importlib
import json
import re
import runpy
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import chanx
import chanx.messages
import chanx.messages.actions
import chanx.messages.base
import chanx.messages.incoming
import chanx.messages.outgoing

TYPING_DIR = Path(__file__).parent / "typing"
README = Path(__file__).parent.parent / "README.md"

EXPECTED_ALL: dict[str, list[str]] = {
    "chanx.messages": [
        "ACTION_AUTHENTICATION",
        "ACTION_COMPLETE",
        "ACTION_ERROR",
        "ACTION_EVENT_COMPLETE",
        "ACTION_GROUP_COMPLETE",
        "ACTION_PING",
        "ACTION_PONG",
        "AuthenticationMessage",
        "AuthenticationPayload",
        "BaseMessage",
        "CompleteMessage",
        "DuplicateActionError",
        "ErrorDetail",
        "ErrorMessage",
        "EventCompleteMessage",
        "GroupCompleteMessage",
        "MessageUnion",
        "PingMessage",
        "PongMessage",
        "RESERVED_ACTIONS",
        "ValidationErrorItem",
        "message_actions",
    ],
    "chanx.messages.base": ["BaseMessage", "message_actions"],
    "chanx.messages.incoming": ["PingMessage"],
    "chanx.messages.outgoing": [
        "AuthenticationMessage",
        "AuthenticationPayload",
        "CompleteMessage",
        "ErrorDetail",
        "ErrorMessage",
        "EventCompleteMessage",
        "GroupCompleteMessage",
        "PongMessage",
        "ValidationErrorItem",
    ],
    "chanx.messages.actions": [
        "ACTION_AUTHENTICATION",
        "ACTION_COMPLETE",
        "ACTION_ERROR",
        "ACTION_EVENT_COMPLETE",
        "ACTION_GROUP_COMPLETE",
        "ACTION_PING",
        "ACTION_PONG",
        "RESERVED_ACTIONS",
    ],
}

PUBLIC_MODULES: list[ModuleType] = [
    chanx.messages,
    chanx.messages.base,
    chanx.messages.incoming,
    chanx.messages.outgoing,
    chanx.messages.actions,
]

WEB_FRAMEWORKS = [
    "django",
    "channels",
    "rest_framework",
    "fastapi",
    "starlette",
    "fast_channels",
    "uvicorn",
    "daphne",
]


@pytest.mark.parametrize("module_name", sorted(EXPECTED_ALL))
def test_all_is_pinned(module_name: str) -> None:
    """Each public module's ``__all__`` is exactly the expected names, without duplicates."""
    module = importlib.import_module(module_name)
    names: list[str] = module.__all__
    assert len(names) == len(set(names))
    assert sorted(names) == EXPECTED_ALL[module_name]


@pytest.mark.parametrize("module", PUBLIC_MODULES, ids=lambda m: m.__name__)
def test_every_name_in_all_is_importable(module: ModuleType) -> None:
    """``from <module> import <name>`` works for every name in ``__all__``."""
    for name in module.__all__:
        namespace: dict[str, object] = {}
        exec(f"from {module.__name__} import {name}", namespace)
        assert namespace[name] is getattr(module, name)


@pytest.mark.parametrize(
    "module",
    [chanx.messages.base, chanx.messages.incoming, chanx.messages.outgoing, chanx.messages.actions],
    ids=lambda m: m.__name__,
)
def test_submodule_names_are_the_package_objects(module: ModuleType) -> None:
    """The documented submodules re-export the very objects ``chanx.messages`` exports."""
    for name in module.__all__:
        assert getattr(module, name) is getattr(chanx.messages, name)


def test_public_classes_are_defined_in_private_modules() -> None:
    """Every public class lives in an ``_``-prefixed module and is only re-exported."""
    for name in chanx.messages.__all__:
        obj = getattr(chanx.messages, name)
        if isinstance(obj, type):
            assert obj.__module__.rsplit(".", 1)[-1].startswith("_"), name


def test_chanx_is_a_namespace_package() -> None:
    """``chanx`` has no ``__init__.py``: it is a namespace package shared by every portion."""
    assert chanx.__file__ is None
    assert type(chanx.__path__).__name__ == "_NamespacePath"
    for entry in chanx.__path__:
        assert not (Path(entry) / "__init__.py").exists()


def test_messages_portion_is_a_regular_package_with_py_typed() -> None:
    """``chanx.messages`` is a regular package that ships a ``py.typed`` marker."""
    assert chanx.messages.__file__ is not None
    package_dir = Path(chanx.messages.__file__).parent
    assert (package_dir / "py.typed").is_file()


def test_import_pulls_in_no_web_framework(tmp_path: Path) -> None:
    """Importing ``chanx.messages`` in a fresh isolated interpreter loads no web framework."""
    code = (
        "import json, sys\n"
        "import chanx.messages\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    result = subprocess.run(
        [sys.executable, "-I", "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    top_level = set(json.loads(result.stdout))
    assert {"chanx", "pydantic"} <= top_level
    assert top_level.isdisjoint(WEB_FRAMEWORKS), top_level & set(WEB_FRAMEWORKS)


def test_readme_example_file_is_the_readme_verbatim() -> None:
    """``tests/typing/readme_example.py`` is the README's last Python block, character for character."""
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
    example = (TYPING_DIR / "readme_example.py").read_text(encoding="utf-8")
    assert blocks[-1] == example


def test_readme_starts_with_install_line_and_import_path() -> None:
    """The README opens with the pip install line and the import path."""
    assert README.read_text(encoding="utf-8").startswith(
        "# chanx-messages\n\n"
        "```bash\npip install chanx-messages\n```\n\n"
        "```python\nimport chanx.messages\n```\n"
    )


@pytest.mark.parametrize("path", sorted(TYPING_DIR.glob("*.py")), ids=lambda p: p.name)
def test_typing_example_runs(path: Path) -> None:
    """Each type-checked example also runs without error, so its assertions hold at runtime."""
    runpy.run_path(str(path), run_name="__typing_example__")
