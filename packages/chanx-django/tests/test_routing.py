"""Routing helpers: path, re_path and include build URLRouter routes that nest like urls.py."""

from __future__ import annotations

import types
from typing import Any, Literal

import pytest
from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter
from django.core.exceptions import ImproperlyConfigured

from chanx.core.decorators import ws_handler
from chanx.ext.channels.routing import WebsocketRoute, include, path, re_path
from chanx.ext.channels.testing import WebsocketCommunicator
from chanx.ext.channels.websocket import AsyncJsonWebsocketConsumer
from chanx.messages import BaseMessage


class WhereMessage(BaseMessage):
    action: Literal["where"] = "where"


class HereMessage(BaseMessage):
    action: Literal["here"] = "here"
    payload: dict[str, Any]


class ParamsConsumer(AsyncJsonWebsocketConsumer):
    """Tells the client the kwargs its route captured."""

    send_completion = False

    @ws_handler
    async def handle_where(self, message: WhereMessage) -> HereMessage:
        return HereMessage(payload=dict(self.handshake.path_params))


async def kwargs_at(router: Any, url: str) -> dict[str, Any]:
    async with WebsocketCommunicator(router, url) as ws:
        await ws.send_json({"action": "where"})
        frame = await ws.receive_json()
    payload: dict[str, Any] = frame["payload"]
    return payload


def test_path_and_re_path_return_django_url_patterns() -> None:
    """The helpers return the URLPattern objects URLRouter expects, name and kwargs included."""
    app = ParamsConsumer.as_asgi()
    route = path("room/<int:pk>/", app, kwargs={"kind": "room"}, name="room")
    assert isinstance(route, WebsocketRoute)
    assert (str(route.pattern), route.callback, route.name) == ("room/<int:pk>/", app, "room")
    assert route.default_args == {"kind": "room"}
    regex = re_path(r"^room/(?P<pk>\d+)/$", app)
    assert str(regex.pattern) == r"^room/(?P<pk>\d+)/$"


async def test_path_converters_reach_the_consumer() -> None:
    """``<int:pk>`` arrives converted, extra kwargs merged in."""
    router = URLRouter([path("room/<int:pk>/", ParamsConsumer.as_asgi(), {"kind": "room"})])
    assert await kwargs_at(router, "/room/7/") == {"pk": 7, "kind": "room"}


async def test_re_path_named_groups_reach_the_consumer() -> None:
    """Named groups of a regular expression become kwargs (as strings)."""
    router = URLRouter([re_path(r"^room/(?P<slug>[-\w]+)/$", ParamsConsumer.as_asgi())])
    assert await kwargs_at(router, "/room/the-lobby/") == {"slug": "the-lobby"}


async def test_include_nests_a_list_under_a_prefix_and_merges_kwargs() -> None:
    """A prefix's kwargs and the nested route's kwargs are both captured."""
    rooms = [path("<int:pk>/", ParamsConsumer.as_asgi())]
    router = URLRouter([path("org/<slug:org>/rooms/", include(rooms))])
    assert await kwargs_at(router, "/org/acme/rooms/3/") == {"org": "acme", "pk": 3}


async def test_include_nests_two_levels_with_re_path_prefixes() -> None:
    """Includes nest: a regex prefix around a path prefix around the consumer."""
    inner = [path("<int:pk>/", ParamsConsumer.as_asgi())]
    middle = [path("rooms/", include(inner))]
    router = URLRouter([re_path(r"^v(?P<version>\d+)/", include(middle))])
    assert await kwargs_at(router, "/v2/rooms/5/") == {"version": "2", "pk": 5}


async def test_include_reads_websocket_urlpatterns_from_a_module(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A module path string is imported and its websocket_urlpatterns routed."""
    module = types.ModuleType("chanx_test_patterns")
    module.websocket_urlpatterns = [path("<int:pk>/", ParamsConsumer.as_asgi())]  # type: ignore[attr-defined]
    monkeypatch.setitem(__import__("sys").modules, module.__name__, module)
    router = URLRouter([path("chat/", include("chanx_test_patterns"))])
    assert await kwargs_at(router, "/chat/9/") == {"pk": 9}


async def test_include_prefers_a_module_router(monkeypatch: pytest.MonkeyPatch) -> None:
    """A module's ``router`` (a URLRouter) is used as it is."""
    module = types.ModuleType("chanx_test_router")
    own = URLRouter([path("<str:name>/", ParamsConsumer.as_asgi())])
    module.router = own  # type: ignore[attr-defined]
    module.websocket_urlpatterns = []  # type: ignore[attr-defined]
    monkeypatch.setitem(__import__("sys").modules, module.__name__, module)
    assert include("chanx_test_router") is own
    router = URLRouter([path("x/", include("chanx_test_router"))])
    assert await kwargs_at(router, "/x/bob/") == {"name": "bob"}


def test_include_refuses_a_router_wrapped_in_middleware(monkeypatch: pytest.MonkeyPatch) -> None:
    """Middleware belongs around the outer router: a wrapped ``router`` cannot nest."""
    module = types.ModuleType("chanx_test_wrapped")
    module.router = AuthMiddlewareStack(URLRouter([]))  # type: ignore[attr-defined]
    monkeypatch.setitem(__import__("sys").modules, module.__name__, module)
    with pytest.raises(ImproperlyConfigured, match=r"must be a channels\.routing\.URLRouter"):
        include("chanx_test_wrapped")


def test_include_refuses_a_module_without_routes() -> None:
    """A module with neither attribute is a clear configuration error."""
    with pytest.raises(ImproperlyConfigured, match="neither `router` nor `websocket_urlpatterns`"):
        include("chanx_django_testproject.urls")


async def test_the_test_projects_routing_serves_nested_routes(application: Any) -> None:
    """The test project's asgi.py nests its routing module under ws/ with include()."""
    async with WebsocketCommunicator(application, "/ws/echo/") as ws:
        await ws.send_json({"action": "ping"})
        assert (await ws.receive_json())["action"] == "pong"
