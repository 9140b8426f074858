"""The ``CHANX`` settings dict: its keys and defaults, and the live view the consumers read."""

from chanx.ext.channels._conf import (
    DEFAULTS,
    SETTING_NAME,
    SUPPORTED_ACTION_KEY,
    ChanxSettings,
    chanx_settings,
    check_settings,
)

__all__ = [
    "DEFAULTS",
    "SETTING_NAME",
    "SUPPORTED_ACTION_KEY",
    "ChanxSettings",
    "chanx_settings",
    "check_settings",
]
