"""The ``chanx`` structlog logger, the one every Chanx component writes to."""

from __future__ import annotations

from typing import Any

import structlog

logger: Any = structlog.get_logger("chanx")
"""The ``chanx`` logger."""
