"""Publish each extra under the spelling users type and under its normalised name."""

from __future__ import annotations

import re
from typing import Any

from hatchling.metadata.plugin.interface import MetadataHookInterface


class ExtrasAliasHook(MetadataHookInterface):
    """Write ``optional-dependencies`` from the hook's ``extras`` table, with aliases.

    pip 23.2 looks an extra up by the exact spelling in the install command, while the
    metadata of current build backends spells it normalised (``fast-channels``); publishing both
    names makes ``pip install "chanx[fast_channels]"`` work for old and new installers alike.
    """

    def update(self, metadata: dict[str, Any]) -> None:
        """Fill in the extras."""
        extras: dict[str, list[str]] = {}
        for name, requirements in self.config.get("extras", {}).items():
            extras[name] = list(requirements)
            extras.setdefault(re.sub(r"[-_.]+", "-", name).lower(), list(requirements))
        metadata["optional-dependencies"] = extras
