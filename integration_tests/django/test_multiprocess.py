"""Two server processes on one channels_redis layer behave as one site."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from chanx_it import ServerProcess, free_port
from django_chat_it import (
    EXAMPLE,
    USERS,
    ChatServer,
    amanage,
    bounded,
    http_request,
    obtain_token,
    open_ws,
    receive,
    send,
    server_command,
    signed_in,
)

pytestmark = pytest.mark.redis


@pytest.fixture
def two_servers(
    run_process: Callable[..., ServerProcess],
    chat_database: dict[str, str],
    redis_url: str,
    key_prefix: str,
) -> tuple[ChatServer, ChatServer]:
    """Daphne and uvicorn serving the example from one database, on one Redis prefix."""
    env = {**chat_database, "REDIS_URL": redis_url, "CHANX_LAYER_PREFIX": key_prefix}
    servers = []
    for kind in ("daphne", "uvicorn"):
        port = free_port()
        run_process(server_command(kind, port), port=port, env=env, cwd=EXAMPLE)
        servers.append(ChatServer(kind=kind, port=port, env=env))
    return servers[0], servers[1]


@bounded
async def test_broadcasts_and_events_cross_server_processes(
    two_servers: tuple[ChatServer, ChatServer],
) -> None:
    """Chat lines, view notifications and command notifications reach clients of both servers."""
    first, second = two_servers
    alice_token, bob_token = await asyncio.gather(
        asyncio.to_thread(obtain_token, first, "alice", USERS["alice"]),
        asyncio.to_thread(obtain_token, second, "bob", USERS["bob"]),
    )
    room = "/ws/chat/two-processes/"
    async with (
        await open_ws(first, room, token=alice_token) as alice,
        await open_ws(second, room, token=bob_token) as bob,
        await open_ws(first, "/ws/notifications/", token=alice_token) as alice_notes,
        await open_ws(second, "/ws/notifications/", token=bob_token) as bob_notes,
    ):
        for ws in (alice, bob, alice_notes, bob_notes):
            await signed_in(ws)

        await send(alice, "new_message", {"text": "from daphne"})
        await send(bob, "new_message", {"text": "from uvicorn"})
        for ws in (alice, bob):
            texts = {(await receive(ws))["payload"]["text"] for _ in range(2)}
            assert texts == {"from daphne", "from uvicorn"}

        status, body = await asyncio.to_thread(
            http_request,
            f"{second.http}/api/notifications/",
            data={"title": "from a view"},
            headers={"Authorization": f"Token {bob_token}"},
        )
        assert status == 202, body
        for ws in (alice_notes, bob_notes):
            assert (await receive(ws))["payload"] == {"title": "from a view", "body": ""}

        await amanage(first.env, "notify", "from a command")
        for ws in (alice_notes, bob_notes):
            assert (await receive(ws))["payload"] == {"title": "from a command", "body": ""}
