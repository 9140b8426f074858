"""camelCase on the wire, snake_case in Python: key translation with memoised names.

Each distinct key is converted once (by pyhumps) and then looked up in a dictionary, so a frame
costs one walk over its containers and one dict lookup per key: no regular expression runs per
message. Values are never touched.
"""

from __future__ import annotations

from typing import Any

import humps

_TO_CAMEL: dict[str, str] = {}
_TO_SNAKE: dict[str, str] = {}
_CACHE_LIMIT = 65536


def _camel_key(key: str) -> str:
    converted = _TO_CAMEL.get(key)
    if converted is None:
        converted = humps.camelize(key)
        if len(_TO_CAMEL) < _CACHE_LIMIT:
            _TO_CAMEL[key] = converted
    return converted


def _snake_key(key: str) -> str:
    converted = _TO_SNAKE.get(key)
    if converted is None:
        converted = humps.decamelize(key)
        if len(_TO_SNAKE) < _CACHE_LIMIT:
            _TO_SNAKE[key] = converted
    return converted


def camelize_keys(data: Any) -> Any:
    """Return ``data`` with every dict key turned to camelCase, recursively; values untouched.

    Args:
        data: JSON-compatible data.

    Returns:
        The same structure with camelCase keys.
    """
    if isinstance(data, dict):
        return {
            _camel_key(k) if isinstance(k, str) else k: camelize_keys(v) for k, v in data.items()
        }
    if isinstance(data, list):
        return [camelize_keys(item) for item in data]
    return data


def snake_keys(data: Any) -> Any:
    """Return ``data`` with every dict key turned to snake_case, recursively; values untouched.

    Args:
        data: JSON-compatible data.

    Returns:
        The same structure with snake_case keys.
    """
    if isinstance(data, dict):
        return {_snake_key(k) if isinstance(k, str) else k: snake_keys(v) for k, v in data.items()}
    if isinstance(data, list):
        return [snake_keys(item) for item in data]
    return data


def camel_name(name: str) -> str:
    """Return one field name in camelCase, as it appears on the wire."""
    return _camel_key(name)
