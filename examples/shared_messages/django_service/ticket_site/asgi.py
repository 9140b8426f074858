"""The ASGI application: Django for HTTP (the AsyncAPI docs), the ticket consumer for WebSockets.

Serve it from ``examples/shared_messages/django_service`` with
``daphne -p 8001 ticket_site.asgi:application`` (or uvicorn).
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ticket_site.settings")
# Set Django up before the routes import the consumers.
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from ticket_desk.consumers import TicketConsumer  # noqa: E402

from chanx.ext.channels.routing import path  # noqa: E402

websocket_urlpatterns = [
    path("ws/tickets/", TicketConsumer.as_asgi()),
]

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # Browsers send an Origin; scripts such as client.py send one that ALLOWED_HOSTS allows.
        "websocket": AllowedHostsOriginValidator(URLRouter(websocket_urlpatterns)),
    }
)
