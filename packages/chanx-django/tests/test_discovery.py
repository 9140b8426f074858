"""AsyncAPI route discovery through ProtocolTypeRouter, middleware and nested URLRouters."""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Any

from channels.auth import AuthMiddlewareStack
from channels.generic.websocket import AsyncJsonWebsocketConsumer as PlainConsumer
from channels.middleware import BaseMiddleware
from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import OriginValidator
from chanx_django_testproject.consumers import (
    BrokenConsumer,
    EchoConsumer,
    RoomConsumer,
    SessionConsumer,
)

import chanx.asyncapi
from chanx.asyncapi import PathParameter, RouteRecord
from chanx.ext.channels.discovery import discover_routes, unwrap
from chanx.ext.channels.routing import include, path, re_path


def test_the_test_project_is_discovered_through_its_middleware(application: Any) -> None:
    """Origin validator, AuthMiddlewareStack and the ws/ include are all seen through."""
    assert discover_routes(application) == [
        RouteRecord("/ws/echo/", EchoConsumer),
        RouteRecord("/ws/rooms/{pk}/", RoomConsumer, (PathParameter("pk", kind="int"),)),
        RouteRecord("/ws/session/", SessionConsumer),
        RouteRecord("/ws/broken/", BrokenConsumer),
    ]


def test_the_asyncapi_entry_point_finds_this_discovery(application: Any) -> None:
    """chanx.asyncapi.discover_routes reaches this adapter through its entry point."""
    [entry] = [e for e in entry_points(group="chanx.asyncapi.discovery") if e.name == "channels"]
    assert entry.value == "chanx.ext.channels.discovery:discover_routes"
    assert chanx.asyncapi.discover_routes(application) == discover_routes(application)


class Custom(BaseMiddleware):  # type: ignore[misc]  # Channels is untyped
    """Any middleware with an ``inner``."""


def test_regex_prefixes_and_nested_routers_join_into_one_address() -> None:
    r"""``^v(?P<version>\d+)/`` + ``rooms/`` + ``<int:pk>/`` is ``/v{version}/rooms/{pk}/``."""
    rooms = [path("<int:pk>/", RoomConsumer.as_asgi())]
    router = URLRouter(
        [re_path(r"^v(?P<version>\d+)/", Custom(include([path("rooms/", include(rooms))])))]
    )
    assert discover_routes(OriginValidator(router, ["*"])) == [
        RouteRecord(
            "/v{version}/rooms/{pk}/",
            RoomConsumer,
            (PathParameter("version", kind="int"), PathParameter("pk", kind="int")),
        )
    ]


def test_a_regex_endpoint_is_unanchored_and_unescaped() -> None:
    """``^chat/(?P<room>[^/]+)/$`` becomes ``/chat/{room}/`` with a str parameter."""
    router = URLRouter([re_path(r"^chat/(?P<room>[^/]+)/$", EchoConsumer.as_asgi())])
    assert discover_routes(router) == [
        RouteRecord("/chat/{room}/", EchoConsumer, (PathParameter("room", kind="str"),))
    ]


class Plain(PlainConsumer):  # type: ignore[misc]  # Channels is untyped
    """A Channels consumer that is not a Chanx consumer."""


def test_consumers_that_are_not_chanx_consumers_are_left_out() -> None:
    """Plain Channels consumers have nothing to document."""
    router = URLRouter([path("plain/", Plain.as_asgi()), path("echo/", EchoConsumer.as_asgi())])
    assert discover_routes(router) == [RouteRecord("/echo/", EchoConsumer)]


def test_a_single_consumer_behind_the_protocol_router_serves_every_path() -> None:
    """A websocket application that is one consumer is documented at ``/``."""
    app = ProtocolTypeRouter({"websocket": AuthMiddlewareStack(EchoConsumer.as_asgi())})
    assert discover_routes(app) == [RouteRecord("/", EchoConsumer)]
    assert discover_routes(EchoConsumer.as_asgi()) == [RouteRecord("/", EchoConsumer)]
    assert discover_routes(Plain.as_asgi()) == []


def test_a_protocol_router_without_websockets_has_no_routes() -> None:
    """An HTTP-only Channels application is recognised, with no routes."""
    assert discover_routes(ProtocolTypeRouter({"http": object()})) == []


class Starlette:
    """Something of another framework: it wraps an ``app``, not an ``inner``."""

    def __init__(self) -> None:
        self.app = object()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """Serve nothing."""


def test_other_objects_are_not_recognised() -> None:
    """Anything that is not a Channels application is None, so other adapters get a turn."""
    assert discover_routes(object()) is None
    assert discover_routes(Starlette()) is None
    assert discover_routes(Custom(Starlette())) is None


def test_unwrap_stops_at_routers_and_survives_cycles() -> None:
    """Unwrapping returns the router inside middleware and never loops forever."""
    router = URLRouter([])
    assert unwrap(AuthMiddlewareStack(OriginValidator(router, ["*"]))) is router
    loop = Custom(None)
    loop.inner = loop
    assert unwrap(loop) is loop
