"""HTTP routes: the AsyncAPI document (``/asyncapi/schema/``) and docs page (``/asyncapi/docs/``)."""

from django.urls import include, path

urlpatterns = [
    path("asyncapi/", include("chanx.ext.channels.urls")),
]
