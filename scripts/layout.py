"""The one description of the distributions: their order, import paths and folders.

``noxfile.py``, the version tools and the packaging checks all read this table, so adding a
distribution means adding one line here.
"""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES_DIR = ROOT / "packages"


@dataclasses.dataclass(frozen=True)
class Dist:
    """One distribution of the monorepo."""

    name: str
    portion: str | None
    """The import path it ships, or None for the meta distribution."""
    layer: int
    """Lower layers may not import or depend on higher ones; equal layers are independent."""

    @property
    def folder(self) -> Path:
        """The distribution's folder under packages/."""
        return PACKAGES_DIR / self.name

    @property
    def pyproject(self) -> Path:
        """Its pyproject.toml."""
        return self.folder / "pyproject.toml"

    def exists(self) -> bool:
        """Whether the distribution exists in this checkout yet."""
        return self.pyproject.is_file()

    def metadata(self) -> dict[str, object]:
        """Its [project] table."""
        with self.pyproject.open("rb") as f:
            project: dict[str, object] = tomllib.load(f)["project"]
        return project


ALL = (
    Dist("chanx-messages", "chanx.messages", 0),
    Dist("chanx-core", "chanx.core", 1),
    Dist("chanx-asyncapi", "chanx.asyncapi", 2),
    Dist("chanx-django", "chanx.ext.channels", 3),
    Dist("chanx-fastapi", "chanx.ext.fast_channels", 3),
    Dist("chanx", None, 4),
)

DISTS = tuple(dist for dist in ALL if dist.exists())
"""The distributions that exist in this checkout, lowest layer first."""

BY_NAME = {dist.name: dist for dist in DISTS}

WEB_FRAMEWORKS = (
    "django",
    "channels",
    "rest_framework",
    "fastapi",
    "starlette",
    "fast_channels",
)


def version() -> str:
    """Return the shared version, read from the lowest distribution."""
    return str(DISTS[0].metadata()["version"])
