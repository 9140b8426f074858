"""Shared setup for the chanx-fastapi tests: the support folder on the import path.

Channel layers come from the package's own pytest plugin (``chanx_fast_channels_layers``), which is
exactly what users get; tests that need a layer ask for it, others run without one.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "support"))

pytest_plugins = ["pytester"]
