"""The project's AsyncAPI document: its application, its settings, and the document itself."""

from __future__ import annotations

from typing import Any

from channels.routing import get_default_application
from django.core.exceptions import ImproperlyConfigured

from chanx.asyncapi import DocumentSettings, build_document
from chanx.ext.channels._conf import chanx_settings
from chanx.ext.channels._discovery import discover_routes


def load_application() -> object:
    """Return the project's ASGI application, from ``settings.ASGI_APPLICATION``.

    Raises:
        ImproperlyConfigured: When the setting is missing or does not import.
    """
    application: object = get_default_application()
    return application


def document_settings(request: Any = None) -> DocumentSettings:
    """Return the document settings from ``CHANX``'s ``ASYNCAPI_*`` keys.

    Args:
        request: The HTTP request being served, if any. When ``ASYNCAPI_SERVERS`` is not set,
            it supplies the one server: ``ws://`` or ``wss://`` and its host and port.
    """
    conf = chanx_settings()
    servers = conf.value("ASYNCAPI_SERVERS")
    if servers is None:
        servers = {}
        if request is not None:
            scheme = "wss" if request.is_secure() else "ws"
            servers = {"default": f"{scheme}://{request.get_host()}"}
    return DocumentSettings(
        title=str(conf.value("ASYNCAPI_TITLE")),
        version=str(conf.value("ASYNCAPI_VERSION")),
        description=conf.value("ASYNCAPI_DESCRIPTION"),
        servers=dict(servers),
    )


def project_document(request: Any = None, application: object = None) -> dict[str, Any]:
    """Return the AsyncAPI document of the project's routed Chanx consumers.

    Args:
        request: The HTTP request being served, for the default server.
        application: The ASGI application; ``settings.ASGI_APPLICATION`` when None.

    Raises:
        ImproperlyConfigured: When the application is not a Channels application.
    """
    app = load_application() if application is None else application
    routes = discover_routes(app)
    if routes is None:
        msg = (
            f"{type(app).__module__}.{type(app).__qualname__} is not a Channels application "
            f"(a ProtocolTypeRouter or URLRouter, possibly inside middleware); check "
            f"settings.ASGI_APPLICATION"
        )
        raise ImproperlyConfigured(msg)
    return build_document(routes, document_settings(request))
