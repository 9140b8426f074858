"""Typed ``path``, ``re_path`` and ``include`` for Channels' ``URLRouter``.

They build the same Django URL patterns Channels routes with, so a project's ``routing.py``
reads like its ``urls.py``; ``include`` nests another module's routes under a prefix as a
``URLRouter`` (Django's own ``include`` is not supported inside ``URLRouter``).
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Iterable, Mapping
from typing import Any, Protocol, runtime_checkable

from channels.routing import URLRouter
from django.core.exceptions import ImproperlyConfigured
from django.urls import path as django_path
from django.urls import re_path as django_re_path


class ASGIApplication(Protocol):
    """An ASGI application: ``Consumer.as_asgi()``, a ``URLRouter``, a middleware stack."""

    def __call__(self, scope: Any, receive: Any, send: Any, /) -> Awaitable[None]:
        """Serve one connection."""


@runtime_checkable
class WebsocketRoute(Protocol):
    """One route of a ``URLRouter``: a Django ``URLPattern``."""

    pattern: Any
    """Django's ``RoutePattern`` (``path``) or ``RegexPattern`` (``re_path``)."""
    callback: Any
    """The application it routes to."""
    default_args: dict[str, Any]
    """Extra kwargs added to ``scope["url_route"]["kwargs"]``."""
    name: str | None
    """The route's name."""


def path(
    route: str,
    app: ASGIApplication,
    kwargs: Mapping[str, Any] | None = None,
    name: str | None = None,
) -> WebsocketRoute:
    """Route ``route`` (Django ``path`` syntax, converters like ``<int:pk>``) to ``app``.

    Args:
        route: The path, without a leading slash (``"chat/<str:room>/"``).
        app: ``Consumer.as_asgi()``, or a ``URLRouter`` (from :func:`include`) for a prefix.
        kwargs: Extra kwargs for ``scope["url_route"]["kwargs"]``.
        name: The route's name.

    Returns:
        The route, for a ``URLRouter`` list.
    """
    pattern: WebsocketRoute = django_path(route, app, dict(kwargs or {}), name)
    return pattern


def re_path(
    route: str,
    app: ASGIApplication,
    kwargs: Mapping[str, Any] | None = None,
    name: str | None = None,
) -> WebsocketRoute:
    r"""Route a regular expression (named groups ``(?P<pk>\d+)`` become kwargs) to ``app``.

    Args:
        route: The expression, such as ``r"^chat/(?P<room>\w+)/$"``.
        app: ``Consumer.as_asgi()``, or a ``URLRouter`` (from :func:`include`) for a prefix.
        kwargs: Extra kwargs for ``scope["url_route"]["kwargs"]``.
        name: The route's name.

    Returns:
        The route, for a ``URLRouter`` list.
    """
    pattern: WebsocketRoute = django_re_path(route, app, dict(kwargs or {}), name)
    return pattern


def include(target: str | Iterable[WebsocketRoute]) -> Any:
    """Return a ``URLRouter`` of another module's routes, to nest under a prefix.

    ``path("chat/", include("chat.routing"))`` serves ``chat.routing``'s routes under
    ``chat/``. Kwargs captured by the prefix and by the nested route are merged.

    Args:
        target: A module path whose ``router`` (a ``URLRouter``) or ``websocket_urlpatterns``
            (a list of routes) attribute holds the routes, or the list of routes itself.

    Returns:
        The ``channels.routing.URLRouter``.

    Raises:
        ImproperlyConfigured: When the module has neither attribute, or its ``router`` is not
            a ``URLRouter``.
    """
    if not isinstance(target, str):
        return URLRouter(list(target))
    module = importlib.import_module(target)
    router = getattr(module, "router", None)
    if router is not None:
        if not isinstance(router, URLRouter):
            msg = (
                f"{target}.router must be a channels.routing.URLRouter to be included, got "
                f"{type(router).__name__}; wrap middleware around the outer router instead"
            )
            raise ImproperlyConfigured(msg)
        return router
    patterns = getattr(module, "websocket_urlpatterns", None)
    if patterns is None:
        msg = f"{target} has neither `router` nor `websocket_urlpatterns` to include"
        raise ImproperlyConfigured(msg)
    return URLRouter(list(patterns))
