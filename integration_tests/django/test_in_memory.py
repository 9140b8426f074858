"""Without REDIS_URL the example runs on the in-memory layer, inside one process."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from chanx_it import ServerProcess, free_port
from django_chat_it import (
    EXAMPLE,
    USERS,
    ChatServer,
    bounded,
    http_request,
    obtain_token,
    open_ws,
    receive,
    send,
    server_command,
    signed_in,
)


@pytest.fixture(params=["daphne", "uvicorn"])
def memory_server(
    request: pytest.FixtureRequest,
    run_process: Callable[..., ServerProcess],
    chat_database: dict[str, str],
) -> ChatServer:
    """The example with no Redis configured."""
    env = {**chat_database, "REDIS_URL": ""}
    port = free_port()
    run_process(server_command(request.param, port), port=port, env=env, cwd=EXAMPLE)
    return ChatServer(kind=request.param, port=port, env=env)


@bounded
async def test_chat_and_view_notifications_work_on_the_in_memory_layer(
    memory_server: ChatServer,
) -> None:
    """Room broadcasts and the notify view work with the in-memory layer of one process."""
    token = await asyncio.to_thread(obtain_token, memory_server, "alice", USERS["alice"])
    async with (
        await open_ws(memory_server, "/ws/chat/memory/", token=token) as one,
        await open_ws(memory_server, "/ws/chat/memory/", token=token) as two,
        await open_ws(memory_server, "/ws/notifications/", token=token) as notes,
    ):
        for ws in (one, two, notes):
            await signed_in(ws)
        await send(one, "new_message", {"text": "no redis"})
        for ws in (one, two):
            assert (await receive(ws))["payload"]["text"] == "no redis"
        status, body = await asyncio.to_thread(
            http_request,
            f"{memory_server.http}/api/notifications/",
            data={"title": "in memory"},
            headers={"Authorization": f"Token {token}"},
        )
        assert status == 202, body
        assert (await receive(notes))["payload"]["title"] == "in memory"
