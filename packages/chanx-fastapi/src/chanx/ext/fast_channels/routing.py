"""Mounting consumers on FastAPI, Starlette and their routers."""

from chanx.ext.fast_channels._routing import websocket_route

__all__ = ["websocket_route"]
