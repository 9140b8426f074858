"""DRF authentication of a connection: every outcome, token in the query, session cookies."""

from __future__ import annotations

import json
from typing import Any, ClassVar

import pytest
import structlog
from chanx_django_testproject.consumers import (
    BrokenConsumer,
    RoomAuthenticator,
    RoomConsumer,
    SessionAuthenticator,
    SessionConsumer,
)
from chanx_django_testproject.models import Room
from django.contrib.auth.models import User
from django.test import Client
from rest_framework import exceptions
from rest_framework.authentication import BasicAuthentication, TokenAuthentication
from rest_framework.authtoken.models import Token

from chanx.ext.channels._authenticator import detail_text, failure_result
from chanx.ext.channels.authenticator import (
    DjangoAuthenticator,
    QueryTokenAuthentication,
    build_http_request,
    security_scheme_for,
)
from chanx.ext.channels.routing import path
from chanx.ext.channels.testing import WebsocketCommunicator
from chanx.ext.channels.websocket import AsyncJsonWebsocketConsumer

pytestmark = pytest.mark.django_db(transaction=True)

WHOAMI = {"action": "whoami"}


@pytest.fixture
def alice() -> User:
    return User.objects.create_user("alice", password="secret")


@pytest.fixture
def token(alice: User) -> str:
    return str(Token.objects.create(user=alice).key)


@pytest.fixture
def room(alice: User) -> Room:
    lobby: Room = Room.objects.create(name="lobby", owner=alice)
    return lobby


@pytest.fixture
def private_room() -> Room:
    bob = User.objects.create_user("bob", password="secret")
    den: Room = Room.objects.create(name="bob's den", private=True, owner=bob)
    return den


@pytest.fixture
def session_cookie(alice: User) -> str:
    """The Cookie header of a browser in which alice logged in."""
    client = Client()
    client.force_login(alice)
    return f"sessionid={client.cookies['sessionid'].value}"


def authentication(status_code: int, status_text: str) -> dict[str, Any]:
    payload = {"status_code": status_code, "status_text": status_text, "data": None}
    return {"action": "authentication", "payload": payload}


async def test_a_token_in_the_query_string_authenticates_and_loads_the_room(
    application: Any, token: str, room: Room
) -> None:
    """200: handlers see the token's user as self.user and the URL's room as self.obj."""
    async with WebsocketCommunicator(application, f"/ws/rooms/{room.pk}/?token={token}") as ws:
        assert await ws.receive_json() == authentication(200, "OK")
        await ws.send_json(WHOAMI)
        assert await ws.receive_all_messages() == [
            {"action": "identity", "payload": {"username": "alice", "room": "lobby"}}
        ]


async def test_the_token_header_works_for_clients_that_can_set_headers(
    application: Any, token: str, room: Room
) -> None:
    """QueryTokenAuthentication falls back to DRF's ``Authorization: Token`` header."""
    headers = {"Authorization": f"Token {token}"}
    async with WebsocketCommunicator(application, f"/ws/rooms/{room.pk}/", headers) as ws:
        await ws.assert_authenticated_status_ok()


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        ("", "Authentication credentials were not provided."),
        ("?token=not-a-token", "Invalid token."),
    ],
    ids=["missing", "invalid"],
)
async def test_no_or_a_bad_token_is_401_and_closes_with_4401(
    application: Any, room: Room, query: str, detail: str
) -> None:
    """NotAuthenticated and AuthenticationFailed are 401 with DRF's detail."""
    async with WebsocketCommunicator(application, f"/ws/rooms/{room.pk}/{query}") as ws:
        assert await ws.receive_json() == authentication(401, detail)
        await ws.assert_closed(code=4401)


async def test_an_object_permission_refusal_is_403_and_closes_with_4403(
    application: Any, token: str, private_room: Room
) -> None:
    """PermissionDenied (here from has_object_permission) is 403 with the permission's message."""
    async with WebsocketCommunicator(
        application, f"/ws/rooms/{private_room.pk}/?token={token}"
    ) as ws:
        assert await ws.receive_json() == authentication(403, "This room is private.")
        await ws.assert_closed(code=4403)


async def test_a_missing_object_is_404_and_closes_with_4404(application: Any, token: str) -> None:
    """Http404 from the lookup is 404, with Django's message as DRF would send it."""
    async with WebsocketCommunicator(application, f"/ws/rooms/999/?token={token}") as ws:
        assert await ws.receive_json() == authentication(404, "No Room matches the given query.")
        await ws.assert_closed(code=4404)


async def test_an_unexpected_error_is_a_logged_500_that_reveals_nothing(
    application: Any,
) -> None:
    """A crash in a permission class is 500; its text is logged with the traceback, never sent."""
    ws = WebsocketCommunicator(application, "/ws/broken/", consumer=BrokenConsumer)
    with structlog.testing.capture_logs() as logs:
        await ws.connect()
        frame = await ws.receive_frame()
    assert "hunter2" not in frame["text"]
    assert json.loads(frame["text"]) == authentication(500, "Internal Server Error")
    await ws.assert_closed(code=4500)
    [entry] = [log for log in logs if log["event"] == "chanx.authentication.error"]
    assert entry["exc_info"] is True
    await ws.disconnect()


async def test_a_session_cookie_authenticates_through_auth_middleware_stack(
    application: Any, session_cookie: str
) -> None:
    """With AuthMiddlewareStack, SessionAuthentication finds scope["user"] as request.user."""
    cookie = session_cookie
    async with WebsocketCommunicator(application, "/ws/session/", {"Cookie": cookie}) as ws:
        await ws.assert_authenticated_status_ok()
        await ws.send_json(WHOAMI)
        assert await ws.receive_all_messages() == [
            {"action": "identity", "payload": {"username": "alice", "room": None}}
        ]


async def test_a_session_cookie_authenticates_without_any_middleware(session_cookie: str) -> None:
    """Without Channels' middleware the session is resolved from the cookie itself."""
    cookie = session_cookie
    app = SessionConsumer.as_asgi()
    async with WebsocketCommunicator(app, "/ws/session/", {"Cookie": cookie}) as ws:
        await ws.assert_authenticated_status_ok()
        await ws.send_json(WHOAMI)
        [identity] = await ws.receive_all_messages()
        assert identity["payload"]["username"] == "alice"


@pytest.mark.parametrize("cookie", [None, "sessionid=unknown"], ids=["none", "stale"])
async def test_no_session_is_401(application: Any, cookie: str | None) -> None:
    """An anonymous visitor (no cookie, or an unknown session) is refused with 401."""
    headers = {"Cookie": cookie} if cookie else None
    async with WebsocketCommunicator(application, "/ws/session/", headers) as ws:
        message = await ws.wait_for_auth()
        assert message.payload.status_code == 401
        await ws.assert_closed(code=4401)


class MissingKwargAuthenticator(DjangoAuthenticator):
    """Looks rooms up by a URL kwarg the route does not capture."""

    permission_classes: ClassVar[list[type[Any]]] = []
    queryset = Room.objects.all()
    lookup_url_kwarg = "room_id"


class MissingKwargConsumer(AsyncJsonWebsocketConsumer):
    authenticator_class = MissingKwargAuthenticator


async def test_a_route_without_the_lookup_kwarg_is_a_500() -> None:
    """A misconfigured lookup is a developer error: 500, logged."""
    app = MissingKwargConsumer.as_asgi()
    with structlog.testing.capture_logs() as logs:
        async with WebsocketCommunicator(app, "/x/", scope={"url_route": {"kwargs": {}}}) as ws:
            assert (await ws.wait_for_auth()).payload.status_code == 500
    [entry] = [log for log in logs if log["event"] == "chanx.authentication.error"]
    assert entry["exc_info"] is True


@pytest.mark.parametrize(
    ("exc", "status", "text"),
    [
        (exceptions.NotAuthenticated(), 401, "Authentication credentials were not provided."),
        (exceptions.AuthenticationFailed("Expired."), 401, "Expired."),
        (exceptions.PermissionDenied(), 403, "You do not have permission to perform this action."),
        (exceptions.NotFound(), 404, "Not found."),
        (
            exceptions.Throttled(wait=3),
            429,
            "Request was throttled. Expected available in 3 seconds.",
        ),
    ],
    ids=["not-authenticated", "failed", "denied", "not-found", "throttled"],
)
def test_drf_exceptions_map_to_their_status_and_detail(
    exc: exceptions.APIException, status: int, text: str
) -> None:
    """Each DRF exception becomes a refusal with its status code and detail."""
    result = failure_result(exc)
    assert (result.status_code, result.status_text, result.ok) == (status, text, False)


def test_details_of_every_shape_flatten_to_one_line() -> None:
    """List and dict details (a ValidationError's) become one readable line."""
    assert detail_text(["a", "b"]) == "a; b"
    assert detail_text({"token": ["Expired."]}) == "token: Expired."


def test_the_handshake_becomes_a_get_request() -> None:
    """Path, headers, query string, cookies and the scheme reach the Django request."""
    scope = {
        "type": "websocket",
        "scheme": "wss",
        "path": "/ws/rooms/1/",
        "query_string": b"token=abc&x=1",
        "headers": [(b"host", b"api.example.com"), (b"x-trace", b"t1"), (b"cookie", b"a=b")],
        "client": ("10.0.0.1", 5000),
        "server": ("api.example.com", 443),
    }
    request = build_http_request(scope)
    assert (request.method, request.path, request.is_secure()) == ("GET", "/ws/rooms/1/", True)
    assert request.GET["token"] == "abc"
    assert request.META["HTTP_X_TRACE"] == "t1"
    assert request.META["REMOTE_ADDR"] == "10.0.0.1"
    assert request.COOKIES == {"a": "b"}
    assert request.get_host() == "api.example.com"
    assert not hasattr(request, "user")


def test_security_schemes_follow_the_authentication_classes() -> None:
    """The AsyncAPI security scheme is derived from the first authentication class known."""
    assert RoomAuthenticator.security_scheme == {
        "type": "httpApiKey",
        "name": "token",
        "in": "query",
    }
    assert SessionAuthenticator.security_scheme is None  # DRF's defaults: unknown at import
    assert security_scheme_for([TokenAuthentication])["in"] == "header"  # type: ignore[index]
    assert security_scheme_for([BasicAuthentication]) == {"type": "http", "scheme": "basic"}

    class Explicit(DjangoAuthenticator):
        authentication_classes: ClassVar[list[type[Any]]] = [QueryTokenAuthentication]
        security_scheme: ClassVar[dict[str, Any] | None] = {
            "type": "httpApiKey",
            "name": "k",
            "in": "query",
        }

    assert Explicit.security_scheme == {"type": "httpApiKey", "name": "k", "in": "query"}


def test_the_room_route_uses_the_room_consumer() -> None:
    """Sanity: the helper-built route holds the consumer application."""
    route = path("<int:pk>/", RoomConsumer.as_asgi())
    assert route.callback.consumer_class is RoomConsumer
