"""The project's WebSocket routes, read like its ``urls.py``."""

from chanx.ext.channels.routing import include, path

websocket_urlpatterns = [
    path("ws/", include("chat.routing")),
]
