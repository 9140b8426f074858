"""Route discovery for AsyncAPI: a FastAPI or Starlette app's Chanx consumer routes.

:func:`discover_routes` is registered in the ``chanx.asyncapi.discovery`` entry-point group,
so ``chanx.asyncapi.discover_routes(app)`` and ``chanx asyncapi myapp.main:app`` find it.
"""

from chanx.ext.fast_channels._discovery import consumer_for_path, discover_routes

__all__ = ["consumer_for_path", "discover_routes"]
