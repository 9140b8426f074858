"""The test project's WebSocket routes, written with chanx's routing helpers."""

from __future__ import annotations

from chanx_django_testproject.consumers import (
    BrokenConsumer,
    EchoConsumer,
    RoomConsumer,
    SessionConsumer,
)

from chanx.ext.channels.routing import include, path, re_path

room_patterns = [
    path("<int:pk>/", RoomConsumer.as_asgi()),
]

websocket_urlpatterns = [
    path("echo/", EchoConsumer.as_asgi()),
    path("rooms/", include(room_patterns)),
    re_path(r"^session/$", SessionConsumer.as_asgi()),
    path("broken/", BrokenConsumer.as_asgi()),
]
