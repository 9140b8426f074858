"""Django REST framework permission classes as per-handler permissions.

``@ws_handler(permissions=[IsAuthenticated, IsAdminUser | IsOwner])`` takes the same classes
(and ``&`` / ``|`` / ``~`` compositions) a DRF view's ``permission_classes`` does. Each frame
for the handler runs ``has_permission(request, view)`` and, when the connection loaded an
object (``self.obj``), ``has_object_permission(request, view, obj)``, in a worker thread as a
view would, since permissions may query the database.

The ``request`` is the DRF request the connection authenticated with (``DjangoAuthenticator``),
or one built from the handshake carrying the connection's user. The ``view`` is a
:class:`HandlerView`: ``view.action`` is the frame's action, ``view.message`` the validated
message, and every other attribute (``kwargs``, ``get_queryset()``...) comes from the
connection's authenticator, or from the consumer without one.
"""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from rest_framework.permissions import OperandHolder, SingleOperandHolder
from rest_framework.request import Request

from chanx.core.limits import Permission, PermissionCheck
from chanx.ext.channels._authenticator import DjangoAuthenticator
from chanx.ext.channels._request import build_http_request


class HandlerView:
    """What a DRF permission sees as the view while it checks one frame.

    Args:
        source: The connection's ``DjangoAuthenticator``, or the consumer without one.
        message: The validated message.
    """

    def __init__(self, source: Any, message: Any) -> None:
        self._source = source
        self.message = message
        self.action: str = message.action
        self.kwargs: dict[str, Any] = dict(getattr(source, "kwargs", None) or {})

    def __getattr__(self, name: str) -> Any:
        return getattr(self._source, name)


def is_drf_permission(permission: object) -> bool:
    """Return True for a DRF permission class or a composition of them."""
    if isinstance(permission, OperandHolder | SingleOperandHolder):
        return True
    return isinstance(permission, type) and hasattr(permission, "has_permission")


def drf_permission_check(permission: Permission) -> PermissionCheck:
    """Return the check that runs a DRF permission class against a frame.

    Args:
        permission: A DRF permission class or composition.

    Returns:
        An async check of ``(consumer, message)``.
    """
    factory: Any = permission  # DRF is untyped: calling a class or composition makes one

    def decide(consumer: Any, message: Any) -> bool:
        authenticator = getattr(consumer, "authenticator", None)
        if isinstance(authenticator, DjangoAuthenticator) and authenticator.request is not None:
            request, source = authenticator.request, authenticator
        else:
            from django.contrib.auth.models import AnonymousUser  # needs the app registry

            request = Request(build_http_request(consumer.scope))
            user = consumer.user if consumer.user is not None else consumer.scope.get("user")
            request.user = user if user is not None else AnonymousUser()
            source = consumer
        view = HandlerView(source, message)
        instance = factory()
        if not instance.has_permission(request, view):
            return False
        obj = getattr(consumer, "obj", None)
        return obj is None or bool(instance.has_object_permission(request, view, obj))

    async def check(consumer: Any, message: Any) -> bool:
        allowed: bool = await database_sync_to_async(decide)(consumer, message)
        return allowed

    return check
