"""The test project's HTTP routes: the AsyncAPI endpoints."""

from __future__ import annotations

from django.urls import include, path

urlpatterns = [
    path("asyncapi/", include("chanx.ext.channels.urls")),
]
