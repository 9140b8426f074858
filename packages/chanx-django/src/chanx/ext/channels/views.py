"""Views that serve the AsyncAPI document (JSON or YAML) and its docs page."""

from chanx.ext.channels._asyncapi import document_settings, project_document
from chanx.ext.channels._views import asyncapi_docs, asyncapi_schema

__all__ = ["asyncapi_docs", "asyncapi_schema", "document_settings", "project_document"]
