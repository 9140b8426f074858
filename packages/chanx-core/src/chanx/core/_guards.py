"""What runs between a parsed frame and its handler: permissions, a rate limit, a timeout."""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from chanx.core._limits import RateLimit

PermissionCheck = Callable[[Any, Any], "bool | Awaitable[bool]"]
"""A permission: called as ``check(consumer, message)``, returns (or awaits to) True to allow."""

Permission = PermissionCheck | type[Any]
"""What ``@ws_handler(permissions=[...])`` takes: checks, or classes an adapter understands
(Django REST framework permission classes with ``chanx-django``)."""

PermissionAdapter = Callable[[Permission], PermissionCheck]
"""Turns one declared permission into a check; each consumer class supplies its own."""


def plain_permission(permission: Permission) -> PermissionCheck:
    """Accept a permission that is a plain check: a function of ``(consumer, message)``.

    Args:
        permission: What the handler declared.

    Returns:
        The check itself.

    Raises:
        TypeError: For a class (a framework's permission class needs that framework's adapter)
            or anything that is not callable.
    """
    if isinstance(permission, type) or not callable(permission):
        msg = (
            f"permission {permission!r} is not a check: pass a function of (consumer, message) "
            "returning a bool (Django REST framework permission classes work on chanx-django's "
            "consumer)"
        )
        raise TypeError(msg)
    return permission


@dataclasses.dataclass(frozen=True, slots=True)
class Guard:
    """A handler's checks, resolved once per consumer class."""

    handler: str
    """The handler's name, for log entries."""
    permissions: tuple[PermissionCheck, ...]
    """Every check must allow the frame."""
    rate_limit: RateLimit | None
    """The handler's own limit, on top of the connection's."""
    timeout: float | None
    """The handler's own timeout, replacing the consumer's ``handler_timeout``."""

    async def allows(self, consumer: Any, message: Any) -> bool:
        """Return True when every permission check allows ``message`` on ``consumer``."""
        for check in self.permissions:
            verdict = check(consumer, message)
            if inspect.isawaitable(verdict):
                verdict = await verdict
            if not verdict:
                return False
        return True


def build_guard(
    handler: str,
    permissions: Sequence[Permission],
    rate_limit: RateLimit | None,
    timeout: float | None,
    adapt: PermissionAdapter,
) -> Guard | None:
    """Return a handler's guard, or None when it declares nothing to check.

    Args:
        handler: The handler's name.
        permissions: The declared permissions.
        rate_limit: The handler's rate limit.
        timeout: The handler's timeout.
        adapt: The consumer class's permission adapter.

    Returns:
        The guard, or None for a handler that declares none of the three.
    """
    if not permissions and rate_limit is None and timeout is None:
        return None
    return Guard(handler, tuple(adapt(p) for p in permissions), rate_limit, timeout)
