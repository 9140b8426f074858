"""The example app on one uvicorn process with its in-memory layer: rooms, auth, events, jobs."""

from __future__ import annotations

import uuid

import httpx
from fastapi_it import (
    TIMEOUT,
    Serve,
    assert_quiet,
    close_code,
    open_ws,
    ping_pong,
    recv,
    recv_action,
    send,
)
from websockets.asyncio.client import ClientConnection

JOIN = ("member_joined",)


async def joined(ws: ClientConnection, room: str) -> None:
    """Wait for the connection's own join notice: from then on it is in the room's group."""
    frame = await recv_action(ws, "member_joined", skip=())
    assert frame == {"action": "member_joined", "payload": {"room": room}}


async def test_chat_line_reaches_every_member_of_the_room_and_no_one_else(serve: Serve) -> None:
    """A chat line is relayed to all three members of its room, not to another room."""
    server = serve()
    async with (
        open_ws(server.ws("/ws/chat/elsewhere")) as outsider,
        open_ws(server.ws("/ws/chat/lobby")) as alice,
        open_ws(server.ws("/ws/chat/lobby")) as bob,
        open_ws(server.ws("/ws/chat/lobby")) as carol,
    ):
        for ws, room in (
            (outsider, "elsewhere"),
            (alice, "lobby"),
            (bob, "lobby"),
            (carol, "lobby"),
        ):
            await joined(ws, room)
        await send(alice, "chat", {"name": "alice", "text": "hello, room"})
        expected = {
            "action": "chat_notification",
            "payload": {"room": "lobby", "name": "alice", "text": "hello, room"},
        }
        for member in (alice, bob, carol):
            assert await recv_action(member, "chat_notification", skip=JOIN) == expected
        await ping_pong(outsider)
        for member in (alice, bob, carol):
            await ping_pong(member, skip=JOIN)
    assert_quiet(server.process)


async def test_an_invalid_chat_line_is_refused_with_field_errors(serve: Serve) -> None:
    """An empty chat line gets a validation error naming the field; the room hears nothing."""
    server = serve()
    async with open_ws(server.ws("/ws/chat/lobby")) as ws:
        await joined(ws, "lobby")
        await send(ws, "chat", {"name": "alice", "text": ""})
        frame = await recv(ws)
        assert frame["action"] == "error"
        assert [item["loc"] for item in frame["payload"]] == [["payload", "text"]]
        await ping_pong(ws)


async def test_a_room_name_that_cannot_be_a_group_is_closed_with_4400(serve: Serve) -> None:
    """A room name with a dot is refused after the handshake with close code 4400."""
    server = serve()
    async with open_ws(server.ws("/ws/chat/no.dots")) as ws:
        assert await close_code(ws) == 4400


async def test_announcement_over_http_reaches_the_room(serve: Serve) -> None:
    """POST /api/rooms/{room}/announcements turns into an ``announcement`` frame per member."""
    server = serve()
    async with (
        open_ws(server.ws("/ws/chat/lobby")) as alice,
        open_ws(server.ws("/ws/chat/lobby")) as bob,
        httpx.AsyncClient(base_url=server.http, timeout=TIMEOUT) as http,
    ):
        await joined(alice, "lobby")
        await joined(bob, "lobby")
        response = await http.post("/api/rooms/lobby/announcements", json={"text": "tea time"})
        assert response.status_code == 202
        for member in (alice, bob):
            frame = await recv_action(member, "announcement", skip=JOIN)
            assert frame == {"action": "announcement", "payload": {"text": "tea time"}}
        refused = await http.post("/api/rooms/no.dots/announcements", json={"text": "x"})
        assert refused.status_code == 422


async def test_a_valid_token_is_authenticated_and_receives_notifications(serve: Serve) -> None:
    """Alice's token gets authentication 200, broadcasts, and only her private notifications."""
    server = serve()
    async with (
        open_ws(server.ws("/ws/notifications?token=alice-token")) as alice,
        open_ws(server.ws("/ws/notifications?token=bob-token")) as bob,
        httpx.AsyncClient(base_url=server.http, timeout=TIMEOUT) as http,
    ):
        for ws in (alice, bob):
            frame = await recv(ws)
            assert frame["action"] == "authentication"
            assert frame["payload"]["status_code"] == 200
            await ping_pong(ws)  # answered only once the connection has joined its groups
        everyone = await http.post("/api/notifications", json={"text": "hello all"})
        assert everyone.status_code == 202
        for ws in (alice, bob):
            frame = await recv(ws)
            assert frame == {
                "action": "notification",
                "payload": {"text": "hello all", "level": "info"},
            }
        private = await http.post(
            "/api/notifications", json={"text": "for bob", "level": "warning", "to": "bob"}
        )
        assert private.status_code == 202
        assert await recv(bob) == {
            "action": "notification",
            "payload": {"text": "for bob", "level": "warning"},
        }
        await ping_pong(alice)  # nothing arrived for alice before her pong
    assert_quiet(server.process)


async def test_an_unknown_or_missing_token_is_closed_with_4401(serve: Serve) -> None:
    """The client reads authentication 401, then the close code 4401."""
    server = serve()
    for path in ("/ws/notifications?token=nope", "/ws/notifications"):
        async with open_ws(server.ws(path)) as ws:
            frame = await recv(ws)
            assert frame["action"] == "authentication"
            assert frame["payload"]["status_code"] == 401
            assert await close_code(ws) == 4401


async def test_a_suspended_account_is_closed_with_4403(serve: Serve) -> None:
    """The verifier's HTTPException(403) reaches the client as authentication 403 and 4403."""
    server = serve()
    async with open_ws(server.ws("/ws/notifications?token=mallory-token")) as ws:
        frame = await recv(ws)
        assert frame["action"] == "authentication"
        assert frame["payload"]["status_code"] == 403
        assert frame["payload"]["status_text"] == "This account is suspended."
        assert await close_code(ws) == 4403


async def test_a_job_without_redis_runs_in_the_web_process_and_reports_in_order(
    serve: Serve,
) -> None:
    """Without Redis the job runs inline and its typed progress arrives in order, then done."""
    server = serve()
    job_id = f"inline-{uuid.uuid4().hex[:8]}"
    async with (
        open_ws(server.ws("/ws/jobs")) as ws,
        httpx.AsyncClient(base_url=server.http, timeout=TIMEOUT) as http,
    ):
        await send(ws, "watch", {"job_id": job_id})
        assert await recv(ws) == {"action": "watching", "payload": {"job_id": job_id}}
        response = await http.post("/api/jobs", json={"job_id": job_id, "steps": 3, "delay": 0})
        assert response.status_code == 202
        assert response.json() == {"job_id": job_id, "runs_on": "inline"}
        for step in (1, 2, 3):
            assert await recv(ws) == {
                "action": "job_progress",
                "payload": {"job_id": job_id, "step": step, "total": 3},
            }
        done = await recv(ws)
        assert done["action"] == "job_done"
        assert done["payload"]["job_id"] == job_id
    assert_quiet(server.process)
