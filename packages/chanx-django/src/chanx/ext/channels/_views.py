"""Views serving the project's AsyncAPI document and docs page (see ``chanx.ext.channels.urls``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpResponse, HttpResponseBadRequest
from django.views.decorators.http import require_safe

from chanx.asyncapi import dump_json, dump_yaml, render_docs_page
from chanx.ext.channels._asyncapi import project_document

JSON_CONTENT_TYPE = "application/json"
YAML_CONTENT_TYPE = "application/yaml; charset=utf-8"
HTML_CONTENT_TYPE = "text/html; charset=utf-8"

View = Callable[[Any], Any]
# Django is untyped here (see the mypy overrides): give its decorator the type it has.
_require_safe: Callable[[View], View] = require_safe


@_require_safe
def asyncapi_schema(request: Any) -> Any:
    """Return the AsyncAPI document: JSON, or YAML with ``?format=yaml``.

    Args:
        request: The HTTP request.

    Returns:
        The document, or a 400 response for another ``format``.
    """
    output_format = request.GET.get("format", "json")
    if output_format not in ("json", "yaml"):
        return HttpResponseBadRequest("format must be json or yaml", content_type="text/plain")
    document = project_document(request)
    if output_format == "yaml":
        return HttpResponse(dump_yaml(document), content_type=YAML_CONTENT_TYPE)
    return HttpResponse(dump_json(document), content_type=JSON_CONTENT_TYPE)


@_require_safe
def asyncapi_docs(request: Any) -> Any:
    """Return an HTML page that renders the AsyncAPI document.

    Args:
        request: The HTTP request.

    Returns:
        The page.
    """
    return HttpResponse(render_docs_page(project_document(request)), content_type=HTML_CONTENT_TYPE)
