"""``path("asyncapi/", include("chanx.ext.channels.urls"))``: ``schema/`` and ``docs/``.

The URL names are ``chanx_asyncapi:schema`` and ``chanx_asyncapi:docs``.
"""

from django.urls import path

from chanx.ext.channels._views import asyncapi_docs, asyncapi_schema

app_name = "chanx_asyncapi"

urlpatterns = [
    path("schema/", asyncapi_schema, name="schema"),
    path("docs/", asyncapi_docs, name="docs"),
]
