"""DRF authentication of WebSocket connections: a token in the query string, or the session."""

from __future__ import annotations

import asyncio

import pytest
from django_chat_it import (
    USERS,
    ChatServer,
    bounded,
    closed_with,
    http_request,
    login_session,
    open_ws,
    ping,
    receive,
    send,
    signed_in,
)
from websockets.exceptions import InvalidStatus
from websockets.typing import Origin


@bounded
async def test_a_token_in_the_query_string_signs_in(
    chat_server: ChatServer, tokens: dict[str, str]
) -> None:
    """``?token=`` with a DRF token gets the authentication frame 200 and the user's name."""
    async with await open_ws(chat_server, "/ws/chat/auth/", token=tokens["bob"]) as ws:
        frame = await receive(ws)
        assert frame["action"] == "authentication"
        assert frame["payload"]["status_code"] == 200
        await send(ws, "new_message", {"text": "it is me"})
        assert (await receive(ws))["payload"]["username"] == "bob"


@pytest.mark.parametrize(
    "query", [{}, {"token": "not-a-real-token"}, {"token": ""}], ids=["none", "invalid", "empty"]
)
@bounded
async def test_a_missing_or_invalid_token_is_refused_with_4401(
    chat_server: ChatServer, query: dict[str, str]
) -> None:
    """Without valid credentials the client hears 401 in the authentication frame, then 4401."""
    async with await open_ws(chat_server, "/ws/chat/auth/", query=query) as ws:
        frame = await receive(ws)
        assert frame["action"] == "authentication"
        assert frame["payload"]["status_code"] == 401
        assert await closed_with(ws) == 4401


@bounded
async def test_a_session_cookie_from_the_login_page_signs_in(chat_server: ChatServer) -> None:
    """Signing in on the login page gives a session cookie that authenticates the WebSocket."""
    cookie = await asyncio.to_thread(login_session, chat_server, "alice", USERS["alice"])
    async with await open_ws(chat_server, "/ws/notifications/", cookie=cookie) as ws:
        await signed_in(ws)
    async with await open_ws(chat_server, "/ws/chat/session/", cookie=cookie) as ws:
        await signed_in(ws)
        await send(ws, "new_message", {"text": "from the browser"})
        assert (await receive(ws))["payload"]["username"] == "alice"


@bounded
async def test_a_forged_session_cookie_is_refused(chat_server: ChatServer) -> None:
    """A session cookie the server never issued counts as no credentials."""
    async with await open_ws(chat_server, "/ws/chat/auth/", cookie="sessionid=forged") as ws:
        frame = await receive(ws)
        assert frame["payload"]["status_code"] == 401
        assert await closed_with(ws) == 4401


@bounded
async def test_a_foreign_origin_is_refused_before_the_handshake(chat_server: ChatServer) -> None:
    """The origin validator turns away a page of another site, whatever its credentials."""
    with pytest.raises(InvalidStatus) as refused:
        await open_ws(chat_server, "/ws/echo/", origin=Origin("http://evil.example"))
    assert refused.value.response.status_code == 403
    async with await open_ws(chat_server, "/ws/echo/") as ws:
        await ping(ws)


@bounded
async def test_the_room_page_is_for_signed_in_users(chat_server: ChatServer) -> None:
    """The room page needs a session: anonymous visitors are sent to the login page."""
    url = f"{chat_server.http}/chat/lobby/"
    status, page = await asyncio.to_thread(http_request, url)
    assert status == 200
    assert 'name="csrfmiddlewaretoken"' in page  # redirected to the login form
    assert "/ws/chat/" not in page
    cookie = await asyncio.to_thread(login_session, chat_server, "bob", USERS["bob"])
    status, page = await asyncio.to_thread(http_request, url, headers={"Cookie": cookie})
    assert status == 200
    assert '"/ws/chat/"' in page
    assert '<script id="room-name" type="application/json">"lobby"</script>' in page
