"""The chat app's WebSocket routes, included under ``ws/`` by ``django_chat.routing``."""

from chanx.ext.channels.routing import path
from chat.consumers import ChatConsumer, EchoConsumer, NotificationsConsumer

websocket_urlpatterns = [
    path("chat/<str:room_name>/", ChatConsumer.as_asgi()),
    path("notifications/", NotificationsConsumer.as_asgi()),
    path("echo/", EchoConsumer.as_asgi()),
]
