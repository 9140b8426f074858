"""Limits, permissions and the close codes Chanx sends: what protects a connection."""

from chanx.core._codes import (
    AUTH_CLOSE_CODE_BASE,
    CLOSE_CODES,
    IDLE_CLOSE_CODE,
    LAYER_MISSING_CLOSE_CODE,
    RATE_LIMIT_CLOSE_CODE,
    SETUP_FAILED_CLOSE_CODE,
    SLOW_CLIENT_CLOSE_CODE,
)
from chanx.core._guards import Permission, PermissionCheck
from chanx.core._limits import RateLimit

__all__ = [
    "AUTH_CLOSE_CODE_BASE",
    "CLOSE_CODES",
    "IDLE_CLOSE_CODE",
    "LAYER_MISSING_CLOSE_CODE",
    "RATE_LIMIT_CLOSE_CODE",
    "SETUP_FAILED_CLOSE_CODE",
    "SLOW_CLIENT_CLOSE_CODE",
    "Permission",
    "PermissionCheck",
    "RateLimit",
]
