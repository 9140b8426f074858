"""Consumer settings: their defaults, the resolved form and the cache reset."""

from chanx.core._config import DEFAULTS, ConsumerConfig, invalidate_settings, settings_generation

__all__ = ["DEFAULTS", "ConsumerConfig", "invalidate_settings", "settings_generation"]
