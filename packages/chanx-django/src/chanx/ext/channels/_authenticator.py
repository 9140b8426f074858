"""Authenticating a connection with Django REST framework's authentication and permissions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from channels.db import database_sync_to_async
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from rest_framework import exceptions
from rest_framework.authentication import (
    BasicAuthentication,
    SessionAuthentication,
    TokenAuthentication,
)
from rest_framework.request import Request
from rest_framework.settings import api_settings

from chanx.core.authenticators import AuthResult, BaseAuthenticator, Handshake
from chanx.ext.channels._request import build_http_request


class QueryTokenAuthentication(TokenAuthentication):
    """DRF token authentication that also reads the token from the query string.

    Browsers cannot set headers on a WebSocket, so clients connect to
    ``wss://host/ws/chat/?token=<key>``; the ``Authorization: Token <key>`` header still works
    for other clients. URLs end up in access logs: prefer short-lived tokens.
    """

    query_param: ClassVar[str] = "token"
    """The query-string parameter that carries the token."""

    def authenticate(self, request: Any) -> tuple[Any, Any] | None:
        """Authenticate with the query-string token, else with the ``Authorization`` header."""
        token = request.query_params.get(self.query_param)
        if token:
            result: tuple[Any, Any] = self.authenticate_credentials(token)
            return result
        header: tuple[Any, Any] | None = super().authenticate(request)
        return header


class DjangoAuthenticator(BaseAuthenticator):
    """Authenticate a connection the way a DRF view authenticates a request.

    The handshake becomes a DRF ``Request`` for ``GET <path>`` (headers, cookies, query
    string, and the session and user of Channels' ``AuthMiddlewareStack`` when it ran). The
    :attr:`authentication_classes` and :attr:`permission_classes` run in a worker thread,
    as a view would run them, and when :attr:`queryset` is set the object named by the URL is
    loaded (``self.obj`` in handlers) and its object permissions checked.

    Outcomes: success is 200 with the user and object; ``NotAuthenticated`` and
    ``AuthenticationFailed`` 401; ``PermissionDenied`` 403; ``Http404`` / ``NotFound`` 404; any
    other DRF ``APIException`` its own status; any other exception 500 (logged, never sent).
    The ``authentication`` frame's ``status_text`` carries DRF's detail.

    The authenticator is also the "view" the permission classes receive: ``view.kwargs`` are
    the URL route's kwargs and ``view.get_queryset()`` works, as DRF permissions expect.
    """

    authentication_classes: ClassVar[Sequence[type[Any]] | None] = None
    """DRF authentication classes; None uses ``DEFAULT_AUTHENTICATION_CLASSES``."""
    permission_classes: ClassVar[Sequence[type[Any]] | None] = None
    """DRF permission classes; None uses ``DEFAULT_PERMISSION_CLASSES``."""
    queryset: ClassVar[Any] = None
    """A queryset to load the connection's object from, or None for no object."""
    lookup_field: ClassVar[str] = "pk"
    """The model field the URL value is matched against."""
    lookup_url_kwarg: ClassVar[str | None] = None
    """The URL route kwarg that holds the value; :attr:`lookup_field` when None."""

    def __init__(self, handshake: Handshake) -> None:
        super().__init__(handshake)
        self.args: tuple[Any, ...] = ()
        self.kwargs: dict[str, Any] = dict(handshake.path_params)
        self.request: Any = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "security_scheme" not in cls.__dict__:
            cls.security_scheme = security_scheme_for(cls.authentication_classes or ())

    # ------------------------------------------------------------------ DRF view API
    def get_authenticators(self) -> list[Any]:
        """Return instances of the authentication classes."""
        classes = self.authentication_classes
        if classes is None:
            classes = api_settings.DEFAULT_AUTHENTICATION_CLASSES
        return [auth() for auth in classes]

    def get_permissions(self) -> list[Any]:
        """Return instances of the permission classes."""
        classes = self.permission_classes
        if classes is None:
            classes = api_settings.DEFAULT_PERMISSION_CLASSES
        return [permission() for permission in classes]

    def get_queryset(self) -> Any:
        """Return :attr:`queryset`, re-evaluated for this connection."""
        queryset = self.queryset
        return queryset.all() if isinstance(queryset, QuerySet) else queryset

    def initialize_request(self) -> Any:
        """Return the DRF ``Request`` for the handshake."""
        http_request = build_http_request(self.handshake.scope)
        return Request(http_request, authenticators=self.get_authenticators())

    def permission_denied(
        self, request: Any, message: str | None = None, code: str | None = None
    ) -> None:
        """Raise ``NotAuthenticated`` when nobody authenticated, else ``PermissionDenied``."""
        if request.authenticators and not request.successful_authenticator:
            raise exceptions.NotAuthenticated
        raise exceptions.PermissionDenied(detail=message, code=code)

    def check_permissions(self, request: Any) -> None:
        """Run ``has_permission`` of every permission class, as ``APIView`` does."""
        for permission in self.get_permissions():
            if not permission.has_permission(request, self):
                self.permission_denied(
                    request, getattr(permission, "message", None), getattr(permission, "code", None)
                )

    def check_object_permissions(self, request: Any, obj: Any) -> None:
        """Run ``has_object_permission`` of every permission class, as ``APIView`` does."""
        for permission in self.get_permissions():
            if not permission.has_object_permission(request, self, obj):
                self.permission_denied(
                    request, getattr(permission, "message", None), getattr(permission, "code", None)
                )

    def get_object(self, request: Any) -> Any:
        """Load the object the URL names and check its object permissions.

        Raises:
            Http404: When it does not exist (or the URL value has the wrong type).
            ImproperlyConfigured: When the route has no kwarg to look it up by.
        """
        url_kwarg = self.lookup_url_kwarg or self.lookup_field
        if url_kwarg not in self.kwargs:
            msg = (
                f"{type(self).__qualname__} looks objects up by the URL kwarg {url_kwarg!r}, "
                f"but the route only captures {sorted(self.kwargs)}; set lookup_url_kwarg"
            )
            raise ImproperlyConfigured(msg)
        lookup = {self.lookup_field: self.kwargs[url_kwarg]}
        try:
            obj = get_object_or_404(self.get_queryset(), **lookup)
        except (TypeError, ValueError, ValidationError):
            # A value of the wrong type for the field (as DRF's get_object_or_404 treats it).
            raise Http404 from None
        self.check_object_permissions(request, obj)
        return obj

    # ------------------------------------------------------------------ the decision
    def authenticate_sync(self) -> AuthResult:
        """Authenticate, check permissions and load the object (blocking; runs in a thread).

        Returns:
            The decision; unexpected exceptions propagate and become a logged 500.
        """
        request = self.request = self.initialize_request()
        try:
            user = request.user
            self.check_permissions(request)
            obj = self.get_object(request) if self.queryset is not None else None
        except (Http404, DjangoPermissionDenied, exceptions.APIException) as exc:
            return failure_result(exc)
        return AuthResult(user=user, obj=obj)

    async def authenticate(self) -> AuthResult:
        """Run :meth:`authenticate_sync` through ``database_sync_to_async``."""
        result: AuthResult = await database_sync_to_async(self.authenticate_sync)()
        return result


def failure_result(exc: Exception) -> AuthResult:
    """Return the refusal for a DRF or Django exception, with DRF's status and detail.

    Args:
        exc: ``Http404``, Django's ``PermissionDenied`` or a DRF ``APIException``.
    """
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(*exc.args)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    assert isinstance(exc, exceptions.APIException)
    return AuthResult(status_code=int(exc.status_code), status_text=detail_text(exc.detail))


def detail_text(detail: Any) -> str:
    """Flatten a DRF ``detail`` (a string, a list or a dict of them) into one line."""
    if isinstance(detail, dict):
        return "; ".join(f"{key}: {detail_text(value)}" for key, value in detail.items())
    if isinstance(detail, list | tuple):
        return "; ".join(detail_text(item) for item in detail)
    return str(detail)


def security_scheme_for(classes: Sequence[type[Any]]) -> dict[str, Any] | None:
    """Return the AsyncAPI security scheme of the first authentication class Chanx knows.

    Args:
        classes: DRF authentication classes.

    Returns:
        The scheme, or None when none of them is a query token, token, session or basic one.
    """
    for cls in classes:
        if not isinstance(cls, type):
            continue
        if issubclass(cls, QueryTokenAuthentication):
            return {"type": "httpApiKey", "name": cls.query_param, "in": "query"}
        if issubclass(cls, TokenAuthentication):
            return {
                "type": "httpApiKey",
                "name": "Authorization",
                "in": "header",
                "description": f"The header value is '{cls.keyword} <token>'.",
            }
        if issubclass(cls, SessionAuthentication):
            return {"type": "httpApiKey", "name": "sessionid", "in": "cookie"}
        if issubclass(cls, BasicAuthentication):
            return {"type": "http", "scheme": "basic"}
    return None
