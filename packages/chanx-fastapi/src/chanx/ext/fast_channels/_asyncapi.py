"""AsyncAPI endpoints: the document as JSON and YAML, the docs page, and a router with all three."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from chanx.asyncapi import (
    CDN_ASSETS,
    DocumentSettings,
    PageAssets,
    build_document,
    dump_json,
    dump_yaml,
    render_docs_page,
)
from chanx.ext.fast_channels._discovery import discover_routes

YAML_MEDIA_TYPE = "application/yaml"
"""The media type of the YAML document (RFC 9512)."""


@dataclasses.dataclass(frozen=True)
class AsyncAPIConfig:
    """What the AsyncAPI endpoints put in the document and the docs page.

    Every field left at None is taken from the application or the request: the title,
    version and description from a FastAPI app's ``title``, ``version`` and ``description``,
    and one server named ``default`` at the host and port the request came to, ``wss`` when
    it came over HTTPS and ``ws`` otherwise, with the request's ``root_path`` as its path.
    """

    title: str | None = None
    """``info.title``; the app's ``title`` when None."""
    version: str | None = None
    """``info.version`` (your API's version); the app's ``version`` when None."""
    description: str | None = None
    """``info.description``; the app's ``description`` when None (omitted when empty)."""
    servers: Mapping[str, str | Mapping[str, Any]] | None = None
    """Servers by name (URL or AsyncAPI Server Object); the requested host when None."""
    security_schemes: Mapping[str, Mapping[str, Any]] = dataclasses.field(default_factory=dict)
    """Extra ``components.securitySchemes``, as :class:`chanx.asyncapi.DocumentSettings` has."""
    camelize: bool | None = None
    """Force camelCase names on (True) or off (False); None follows each consumer."""
    assets: PageAssets = CDN_ASSETS
    """Where the docs page loads the AsyncAPI React component from (the pinned CDN)."""
    page_title: str | None = None
    """The docs page's ``<title>``; the document's title when None."""
    page_config: Mapping[str, Any] | None = None
    """The React component's configuration; Chanx's default when None."""


def _application(app: object) -> object:
    """Return the FastAPI/Starlette app inside middleware, for its title and version."""
    current: object | None = app
    for _ in range(16):
        if current is None:
            break
        if getattr(current, "router", None) is not None:
            return current
        current = getattr(current, "app", None)
    return app


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def request_server(request: Request) -> str:
    """Return the WebSocket URL of the server a request reached.

    Args:
        request: The HTTP request.

    Returns:
        ``ws://host[:port][root_path]``, ``wss://`` when the request came over HTTPS.
    """
    scheme = "wss" if request.url.scheme in ("https", "wss") else "ws"
    root = str(request.scope.get("root_path", "")).rstrip("/")
    return f"{scheme}://{request.url.netloc}{root}"


def document_settings(
    request: Request, app: object, config: AsyncAPIConfig | None = None
) -> DocumentSettings:
    """Return the document settings for a request: the config over the app's own metadata.

    Args:
        request: The request for the document (its host becomes the default server).
        app: The FastAPI or Starlette application.
        config: Overrides; None takes everything from the app and the request.

    Returns:
        The settings.
    """
    config = config or AsyncAPIConfig()
    target = _application(app)
    values: dict[str, Any] = {
        "servers": dict(config.servers)
        if config.servers is not None
        else {"default": request_server(request)},
        "security_schemes": dict(config.security_schemes),
        "camelize": config.camelize,
    }
    title = config.title or _text(getattr(target, "title", None))
    if title:
        values["title"] = title
    version = config.version or _text(getattr(target, "version", None))
    if version:
        values["version"] = version
    description = (
        config.description
        if config.description is not None
        else _text(getattr(target, "description", None))
    )
    if description:
        values["description"] = description
    return DocumentSettings(**values)


def asyncapi_document(
    request: Request, app: object, config: AsyncAPIConfig | None = None
) -> dict[str, Any]:
    """Build the AsyncAPI document of the Chanx consumers ``app`` routes.

    Args:
        request: The request for the document.
        app: The FastAPI or Starlette application.
        config: Overrides of the document's settings.

    Returns:
        The document.

    Raises:
        TypeError: When ``app`` is not a Starlette or FastAPI application or router.
    """
    routes = discover_routes(app)
    if routes is None:
        msg = f"expected a FastAPI or Starlette application, got {type(app).__qualname__}"
        raise TypeError(msg)
    return build_document(routes, document_settings(request, app, config))


def asyncapi_spec_json(
    request: Request, app: object, config: AsyncAPIConfig | None = None
) -> Response:
    """Return the AsyncAPI document as an ``application/json`` response.

    Args:
        request: The request.
        app: The FastAPI or Starlette application whose consumers it documents.
        config: Overrides of the document's settings.

    Returns:
        The response.
    """
    text = dump_json(asyncapi_document(request, app, config))
    return Response(text, media_type="application/json")


def asyncapi_spec_yaml(
    request: Request, app: object, config: AsyncAPIConfig | None = None
) -> Response:
    """Return the AsyncAPI document as an ``application/yaml`` response.

    Args:
        request: The request.
        app: The FastAPI or Starlette application whose consumers it documents.
        config: Overrides of the document's settings.

    Returns:
        The response.
    """
    text = dump_yaml(asyncapi_document(request, app, config))
    return Response(text, media_type=YAML_MEDIA_TYPE)


def asyncapi_docs(
    request: Request, app: object, config: AsyncAPIConfig | None = None
) -> HTMLResponse:
    """Return the HTML docs page that renders the AsyncAPI document.

    Args:
        request: The request.
        app: The FastAPI or Starlette application whose consumers it documents.
        config: Overrides of the document's settings, the page's assets and title.

    Returns:
        The response.
    """
    config = config or AsyncAPIConfig()
    page = render_docs_page(
        asyncapi_document(request, app, config),
        title=config.page_title,
        assets=config.assets,
        config=dict(config.page_config) if config.page_config is not None else None,
    )
    return HTMLResponse(page)


def asyncapi_router(
    app: object,
    config: AsyncAPIConfig | None = None,
    prefix: str = "/asyncapi",
    *,
    include_in_schema: bool = False,
    tags: Sequence[str] = ("asyncapi",),
) -> APIRouter:
    """Return a router serving ``{prefix}/schema.json``, ``/schema.yaml`` and ``/docs``.

    Include it with ``app.include_router(asyncapi_router(app))``. The document is built on
    each request (in FastAPI's thread pool, off the event loop), so it always matches the
    routes the app has.

    Args:
        app: The FastAPI or Starlette application whose consumers the endpoints document.
        config: Overrides of the document's settings, the page's assets and title.
        prefix: The path the three endpoints live under.
        include_in_schema: List the endpoints in the app's OpenAPI schema.
        tags: OpenAPI tags of the endpoints, when they are listed.

    Returns:
        The router.
    """
    router = APIRouter(prefix=prefix, include_in_schema=include_in_schema, tags=list(tags))

    @router.get("/schema.json", name="asyncapi_schema_json", response_class=Response)
    def schema_json(request: Request) -> Response:
        return asyncapi_spec_json(request, app, config)

    @router.get("/schema.yaml", name="asyncapi_schema_yaml", response_class=Response)
    def schema_yaml(request: Request) -> Response:
        return asyncapi_spec_yaml(request, app, config)

    @router.get("/docs", name="asyncapi_docs", response_class=HTMLResponse)
    def docs(request: Request) -> HTMLResponse:
        return asyncapi_docs(request, app, config)

    return router
