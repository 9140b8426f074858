"""Per-handler permissions with Django REST framework classes, checked on every frame."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

import pytest
from chanx_django_testproject.models import Room
from django.contrib.auth.models import User
from rest_framework.authentication import SessionAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, BasePermission, IsAdminUser, IsAuthenticated

from chanx.core.decorators import ws_handler
from chanx.ext.channels.authenticator import DjangoAuthenticator, QueryTokenAuthentication
from chanx.ext.channels.testing import WebsocketCommunicator
from chanx.ext.channels.websocket import AsyncJsonWebsocketConsumer
from chanx.messages import BaseMessage

pytestmark = pytest.mark.django_db(transaction=True)


class Post(BaseMessage):
    action: Literal["post"] = "post"
    payload: str


class Rename(BaseMessage):
    action: Literal["rename"] = "rename"
    payload: str


class Done(BaseMessage):
    action: Literal["done"] = "done"
    payload: str


class ActionIsPost(BasePermission):
    """Sees the frame's action as ``view.action``, as a viewset permission sees its action."""

    def has_permission(self, request: Any, view: Any) -> bool:
        return bool(view.action == "post" and view.message.payload != "spam")


class OwnsTheRoom(BasePermission):
    """Only the room's owner: an object permission, checked against ``self.obj``."""

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        return bool(obj.owner_id == request.user.pk)


class OpenDoor(DjangoAuthenticator):
    """Anyone may connect (a token names the user); the handlers decide what they may do."""

    authentication_classes = [QueryTokenAuthentication, SessionAuthentication]
    permission_classes: ClassVar[list[type[Any]]] = [AllowAny]
    queryset = Room.objects.all()


class RoomConsumer(AsyncJsonWebsocketConsumer):
    authenticator_class = OpenDoor
    ran: ClassVar[list[str]] = []

    @ws_handler(permissions=[IsAuthenticated, IsAdminUser | ActionIsPost])
    async def post(self, message: Post) -> Done:
        type(self).ran.append(f"post:{message.payload}")
        return Done(payload="posted")

    @ws_handler(permissions=[IsAuthenticated, OwnsTheRoom])
    async def rename(self, message: Rename) -> Done:
        type(self).ran.append(f"rename:{message.payload}")
        return Done(payload="renamed")


DENIED = {
    "action": "error",
    "payload": {"detail": "Permission denied for post", "status_code": 403},
}


@pytest.fixture
def users() -> dict[str, str]:
    alice = User.objects.create_user("alice", password="x")
    bob = User.objects.create_user("bob", password="x")
    Room.objects.create(pk=7, name="lobby", owner=alice)
    return {
        "alice": str(Token.objects.create(user=alice).key),
        "bob": str(Token.objects.create(user=bob).key),
    }


def connect(query: str) -> WebsocketCommunicator:
    return WebsocketCommunicator(
        RoomConsumer.as_asgi(),
        f"/rooms/7/{query}",
        scope={"url_route": {"kwargs": {"pk": 7}}},
    )


async def test_an_anonymous_frame_is_denied_and_its_handler_never_runs(
    users: dict[str, str],
) -> None:
    """IsAuthenticated refuses an anonymous connection's frame with a 403 error frame."""
    RoomConsumer.ran = []
    async with connect("") as ws:
        await ws.assert_authenticated_status_ok()
        await ws.send_json({"action": "post", "payload": "hello"})
        assert await ws.receive_all_messages() == [DENIED]
    assert RoomConsumer.ran == []


async def test_compositions_and_view_action_decide_per_frame(users: dict[str, str]) -> None:
    """``IsAdminUser | ActionIsPost`` sees each frame's action and message, frame by frame."""
    RoomConsumer.ran = []
    async with connect(f"?token={users['bob']}") as ws:
        await ws.assert_authenticated_status_ok()
        await ws.send_json({"action": "post", "payload": "hello"})
        assert await ws.receive_all_messages() == [{"action": "done", "payload": "posted"}]
        await ws.send_json({"action": "post", "payload": "spam"})
        assert await ws.receive_all_messages() == [DENIED]
    assert RoomConsumer.ran == ["post:hello"]


async def test_object_permissions_use_the_connection_s_object(users: dict[str, str]) -> None:
    """has_object_permission runs against self.obj: the owner may rename, others may not."""
    RoomConsumer.ran = []
    async with connect(f"?token={users['bob']}") as ws:
        await ws.assert_authenticated_status_ok()
        await ws.send_json({"action": "rename", "payload": "den"})
        assert await ws.receive_all_messages() == [
            {
                "action": "error",
                "payload": {"detail": "Permission denied for rename", "status_code": 403},
            }
        ]
    async with connect(f"?token={users['alice']}") as ws:
        await ws.assert_authenticated_status_ok()
        await ws.send_json({"action": "rename", "payload": "hall"})
        assert await ws.receive_all_messages() == [{"action": "done", "payload": "renamed"}]
    assert RoomConsumer.ran == ["rename:hall"]


async def test_without_an_authenticator_the_scope_user_is_checked() -> None:
    """A consumer with no authenticator checks the handshake's user (anonymous here)."""

    class Bare(AsyncJsonWebsocketConsumer):
        @ws_handler(permissions=[IsAuthenticated])
        async def post(self, message: Post) -> Done:
            return Done(payload="posted")

    async with WebsocketCommunicator(Bare.as_asgi(), "/bare/") as ws:
        await ws.send_json({"action": "post", "payload": "x"})
        assert await ws.receive_all_messages() == [DENIED]
