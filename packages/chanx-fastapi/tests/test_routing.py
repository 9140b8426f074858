"""Mounting consumers: FastAPI routes, mounted sub-apps, routers, plain Starlette, middleware."""

from __future__ import annotations

from typing import Any

import pytest
from chanx_fastapi_sample import ChatConsumer, RoomConsumer, app
from fast_channels.layers import InMemoryChannelLayer
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount, Router, WebSocketRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from chanx.core.decorators import ws_handler
from chanx.ext.fast_channels.routing import websocket_route
from chanx.ext.fast_channels.testing import WebsocketCommunicator
from chanx.ext.fast_channels.websocket import AsyncJsonWebsocketConsumer, ConsumerApp
from chanx.messages import PingMessage, PongMessage

Layers = dict[str, InMemoryChannelLayer]


class TagScope:
    """ASGI middleware that puts a value in the scope, as an auth middleware would."""

    def __init__(self, app: ASGIApp, value: str = "tagged") -> None:
        self.app = app
        self.value = value

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app({**scope, "tag": self.value}, receive, send)


class Echo(AsyncJsonWebsocketConsumer):
    """Answers a ping with a pong; reports its init kwargs and the scope's tag on connect."""

    channel_layer_alias = None

    def __init__(self, greeting: str = "none", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.greeting = greeting

    async def post_authentication(self) -> None:
        await self.send_json({"greeting": self.greeting, "tag": self.scope.get("tag")})

    @ws_handler
    async def handle_ping(self, message: PingMessage) -> PongMessage:
        return PongMessage()


def test_websocket_route_serves_the_consumer_as_asgi() -> None:
    """websocket_route returns a Starlette route named after the class, serving as_asgi()."""
    route = websocket_route("/ws/{room}", Echo)
    assert isinstance(route, WebSocketRoute)
    assert route.name == "Echo"
    assert isinstance(route.endpoint, ConsumerApp)
    assert route.endpoint.consumer_class is Echo
    assert repr(route.endpoint) == f"<ConsumerApp {__name__}.Echo>"
    assert websocket_route("/ws", Echo, name="echo").name == "echo"


async def test_init_kwargs_and_middleware_reach_the_consumer() -> None:
    """Extra keywords reach the consumer's __init__; route middleware wraps the consumer."""
    route = websocket_route("/ws", Echo, middleware=[Middleware(TagScope)], greeting="hello")
    async with WebsocketCommunicator(Starlette(routes=[route]), "/ws") as comm:
        assert comm.consumer is Echo
        assert await comm.receive_json() == {"greeting": "hello", "tag": "tagged"}


async def test_consumer_without_a_layer_alias_needs_none() -> None:
    """channel_layer_alias = None runs without any layer when nothing needs one."""
    async with WebsocketCommunicator(Echo, "/") as comm:
        await comm.receive_json()
        await comm.send_message(PingMessage())
        assert (await comm.receive_json())["action"] == "pong"


async def test_fastapi_router_add_websocket_route(chanx_fast_channels_layers: Layers) -> None:
    """Starlette's own add_websocket_route on FastAPI's router works with as_asgi()."""
    api = FastAPI()
    # FastAPI types this endpoint as a function of a WebSocket; Starlette serves any ASGI app.
    api.router.add_websocket_route("/ws/{room_id}", RoomConsumer.as_asgi())  # type: ignore[arg-type]
    async with WebsocketCommunicator(api, "/ws/lobby") as comm:
        assert comm.consumer is RoomConsumer
        await comm.send_json({"action": "where"})
        assert await comm.receive_json() == {"action": "room", "payload": {"room_id": "lobby"}}


async def test_api_router_included_with_a_prefix(chanx_fast_channels_layers: Layers) -> None:
    """A route on an APIRouter keeps working once included under a prefix."""
    router = APIRouter(routes=[websocket_route("/room/{room_id:int}", RoomConsumer)])
    api = FastAPI()
    api.include_router(router, prefix="/ws")
    async with WebsocketCommunicator(api, "/ws/room/7") as comm:
        await comm.send_json({"action": "where"})
        assert await comm.receive_json() == {"action": "room", "payload": {"room_id": 7}}


@pytest.mark.parametrize(
    "application",
    [
        Starlette(
            routes=[Mount("/outer", routes=[websocket_route("/ws/{room_id}", RoomConsumer)])]
        ),
        Router(
            routes=[
                Mount(
                    "/outer", app=Starlette(routes=[websocket_route("/ws/{room_id}", RoomConsumer)])
                )
            ]
        ),
    ],
    ids=["starlette-mount-routes", "router-mounting-an-app"],
)
async def test_nested_mounts_on_plain_starlette(
    chanx_fast_channels_layers: Layers, application: Any
) -> None:
    """Plain Starlette apps and routers route consumers through mounts too."""
    async with WebsocketCommunicator(application, "/outer/ws/abc") as comm:
        assert comm.consumer is RoomConsumer
        await comm.send_json({"action": "where"})
        assert await comm.receive_json() == {"action": "room", "payload": {"room_id": "abc"}}


async def test_an_unrouted_path_is_refused() -> None:
    """A path no route matches is closed before it is accepted, as Starlette does."""
    comm = WebsocketCommunicator(app, "/ws/nowhere")
    assert comm.consumer is None
    accepted, _ = await comm.connect()
    assert not accepted


def test_through_starlettes_test_client(chanx_fast_channels_layers: Layers) -> None:
    """A real server-like run: Starlette's TestClient, a ping, a broadcast, a clean close."""
    with TestClient(app) as client, client.websocket_connect("/ws/chat") as ws:
        ws.send_json({"action": "ping"})
        assert ws.receive_json() == {"action": "pong", "payload": None}
        assert ws.receive_json() == {"action": "complete", "payload": None}
        ws.send_json({"action": "chat", "payload": {"text": "hello"}})
        frames = [ws.receive_json() for _ in range(3)]
        assert sorted(frame["action"] for frame in frames) == [
            "chat_notification",
            "complete",
            "group_complete",
        ]
    assert not chanx_fast_channels_layers["default"].groups.get("chat_room")


def test_the_sample_app_routes_the_chat_consumer() -> None:
    """url_path_for finds consumer routes by the name websocket_route gave them."""
    assert app.url_path_for("ChatConsumer") == "/ws/chat"
    assert ChatConsumer.chanx_routes().ws_union is not None
