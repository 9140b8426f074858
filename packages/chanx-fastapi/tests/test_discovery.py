"""Route discovery: which routes of a FastAPI or Starlette app are Chanx consumers, and where."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from chanx_fastapi_sample import ChatConsumer, RoomConsumer, SecureConsumer, app, starlette_app
from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.convertors import Convertor, register_url_convertor
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import Host, Mount, Router, WebSocketRoute

import chanx.asyncapi
from chanx.asyncapi import PathParameter, RouteRecord, build_document
from chanx.ext.fast_channels.discovery import consumer_for_path, discover_routes
from chanx.ext.fast_channels.routing import websocket_route


class HexConvertor(Convertor[int]):
    regex = "[0-9a-f]+"

    def convert(self, value: str) -> int:
        return int(value, 16)

    def to_string(self, value: int) -> str:
        return f"{value:x}"


register_url_convertor("chanx_hex", HexConvertor())


def paths(records: list[RouteRecord] | None) -> list[tuple[str, type[Any]]]:
    assert records is not None
    return [(record.path, record.consumer) for record in records]


def test_the_sample_app_consumers_mounts_included_plain_websocket_skipped() -> None:
    """Consumer routes are found (through mounts); the plain @app.websocket route is not."""
    assert paths(discover_routes(app)) == [
        ("/ws/chat", ChatConsumer),
        ("/ws/secure", SecureConsumer),
        ("/sub/ws/room/{room_id:int}", RoomConsumer),
    ]


def test_converters_become_parameter_kinds() -> None:
    """Starlette converters, built-in and registered, become the parameters' kinds."""
    api = FastAPI()
    api.router.routes.append(
        websocket_route(
            "/ws/{org}/{item:uuid}/{ratio:float}/{n:int}/{code:chanx_hex}/{rest:path}",
            RoomConsumer,
        )
    )
    (record,) = discover_routes(api) or []
    assert record.parameters == (
        PathParameter("org", kind="str"),
        PathParameter("item", kind="uuid"),
        PathParameter("ratio", kind="float"),
        PathParameter("n", kind="int"),
        PathParameter("code", kind="[0-9a-f]+"),
        PathParameter("rest", kind="path"),
    )
    document = build_document([record])
    (channel,) = document["channels"].values()
    assert channel["address"] == "/ws/{org}/{item}/{ratio}/{n}/{code}/{rest}"
    assert channel["parameters"]["n"]["description"] == "The n path parameter: an integer."


def test_mount_parameters_are_kept() -> None:
    """A parameter in a mount's path is documented with the route's own."""
    inner = Router(routes=[websocket_route("/ws/{room_id:int}", RoomConsumer)])
    outer = Starlette(routes=[Mount("/org/{org_id:int}", app=inner)])
    (record,) = discover_routes(outer) or []
    assert record.path == "/org/{org_id:int}/ws/{room_id:int}"
    assert [p.name for p in record.parameters] == ["org_id", "room_id"]


def test_hosts_middleware_and_direct_mounts() -> None:
    """Host routes, middleware around apps and a consumer mounted directly are walked."""
    wrapped = CORSMiddleware(Starlette(routes=[websocket_route("/ws", ChatConsumer)]), ["*"])
    outer = Starlette(
        routes=[
            Host("api.example.com", app=Router(routes=[websocket_route("/h", ChatConsumer)])),
            Mount("/wrapped", app=wrapped),
            Mount("/direct", app=RoomConsumer.as_asgi()),
        ]
    )
    assert paths(discover_routes(outer)) == [
        ("/h", ChatConsumer),
        ("/wrapped/ws", ChatConsumer),
        ("/direct", RoomConsumer),
    ]
    assert paths(discover_routes(CORSMiddleware(outer, ["*"]))) == paths(discover_routes(outer))


def test_plain_websocket_routes_are_skipped() -> None:
    """WebSocket routes serving functions or non-Chanx ASGI apps are not consumers."""

    async def endpoint(websocket: Any) -> None:
        raise AssertionError("never called")

    class OtherApp:
        async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
            raise AssertionError("never called")

    router = Router(routes=[WebSocketRoute("/a", endpoint), WebSocketRoute("/b", OtherApp())])
    assert discover_routes(router) == []


@pytest.mark.parametrize("value", [object(), "app", ChatConsumer, ChatConsumer.as_asgi()])
def test_non_applications_are_not_recognised(value: object) -> None:
    """Anything that is not a Starlette app or router gets None, so other adapters can try."""
    assert discover_routes(value) is None


def test_the_asyncapi_entry_point_finds_this_discovery() -> None:
    """chanx.asyncapi.discover_routes reaches this adapter through its entry point."""
    assert chanx.asyncapi.discover_routes(starlette_app) == discover_routes(starlette_app)
    with pytest.raises(chanx.asyncapi.RouteDiscoveryError):
        chanx.asyncapi.discover_routes(uuid.uuid4())


def test_consumer_for_path_matches_like_the_router() -> None:
    """consumer_for_path finds the consumer a path is routed to, converters included."""
    assert consumer_for_path(app, "/sub/ws/room/3") is RoomConsumer
    assert consumer_for_path(app, "/sub/ws/room/three") is None
    assert consumer_for_path(app, "/ws/plain") is None
    assert consumer_for_path(object(), "/ws/chat") is None
