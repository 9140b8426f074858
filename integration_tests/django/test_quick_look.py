"""The example's everyday flows over real servers: ping, a room's chat, notifications."""

from __future__ import annotations

import asyncio

from django_chat_it import (
    ChatServer,
    amanage,
    bounded,
    http_request,
    open_ws,
    ping,
    receive,
    send,
    signed_in,
)


@bounded
async def test_ping_is_answered_with_pong(chat_server: ChatServer, tokens: dict[str, str]) -> None:
    """A signed-in client's ping gets a pong, again and again on one connection."""
    async with await open_ws(chat_server, "/ws/chat/lobby/", token=tokens["alice"]) as ws:
        await signed_in(ws)
        await ping(ws)
        await ping(ws)


@bounded
async def test_a_chat_line_reaches_everyone_in_the_room_and_no_one_else(
    chat_server: ChatServer, tokens: dict[str, str]
) -> None:
    """A line posted in a room reaches every connection in it, the sender's too, named by user."""
    room = "/ws/chat/quick-look/"
    async with (
        await open_ws(chat_server, room, token=tokens["alice"]) as alice,
        await open_ws(chat_server, room, token=tokens["bob"]) as bob,
        await open_ws(chat_server, room, token=tokens["bob"]) as bob_again,
        await open_ws(chat_server, "/ws/chat/elsewhere/", token=tokens["alice"]) as outsider,
    ):
        for ws in (alice, bob, bob_again, outsider):
            await signed_in(ws)
        await send(alice, "new_message", {"text": "hello, room"})
        expected = {
            "action": "room_message",
            "payload": {"room": "quick-look", "username": "alice", "text": "hello, room"},
        }
        for ws in (alice, bob, bob_again):
            assert await receive(ws) == expected
        await send(bob, "new_message", {"text": "hi alice"})
        for ws in (alice, bob, bob_again):
            frame = await receive(ws)
            assert frame["payload"]["username"] == "bob"
            assert frame["payload"]["text"] == "hi alice"
        # The other room heard nothing: its next frame answers its own ping.
        await ping(outsider)


@bounded
async def test_the_notify_view_reaches_every_notifications_client(
    chat_server: ChatServer, tokens: dict[str, str]
) -> None:
    """POST /api/notifications/ with a DRF token broadcasts a notification event to clients."""
    async with (
        await open_ws(chat_server, "/ws/notifications/", token=tokens["alice"]) as alice,
        await open_ws(chat_server, "/ws/notifications/", token=tokens["bob"]) as bob,
    ):
        await signed_in(alice)
        await signed_in(bob)
        status, body = await asyncio.to_thread(
            http_request,
            f"{chat_server.http}/api/notifications/",
            data={"title": "Deploy done", "body": "version 2 is live"},
            headers={"Authorization": f"Token {tokens['alice']}"},
        )
        assert status == 202, body
        expected = {
            "action": "notification",
            "payload": {"title": "Deploy done", "body": "version 2 is live"},
        }
        assert await receive(alice) == expected
        assert await receive(bob) == expected


@bounded
async def test_the_notify_view_refuses_bad_input_and_anonymous_callers(
    chat_server: ChatServer, tokens: dict[str, str]
) -> None:
    """The view answers 400 for an invalid notification and 401 without credentials."""
    url = f"{chat_server.http}/api/notifications/"
    auth = {"Authorization": f"Token {tokens['alice']}"}
    status, _ = await asyncio.to_thread(http_request, url, data={"title": ""}, headers=auth)
    assert status == 400
    status, _ = await asyncio.to_thread(http_request, url, data={"title": "x"})
    assert status == 401


@bounded
async def test_the_notify_command_reaches_clients_through_redis(
    chat_server: ChatServer, tokens: dict[str, str]
) -> None:
    """``manage.py notify`` in its own process reaches the server's clients over channels_redis."""
    async with await open_ws(chat_server, "/ws/notifications/", token=tokens["bob"]) as bob:
        await signed_in(bob)
        output = await amanage(chat_server.env, "notify", "From the shell", "--body", "cron")
        assert "Sent: From the shell" in output
        assert await receive(bob) == {
            "action": "notification",
            "payload": {"title": "From the shell", "body": "cron"},
        }
