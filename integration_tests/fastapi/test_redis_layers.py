"""Several processes on one Redis channel layer: two uvicorn servers and a plain script.

Run for fast-channels' list-based ``RedisChannelLayer`` and for ``RedisPubSubChannelLayer``;
each test has its own key prefix, so runs never meet on a shared Redis.
"""

from __future__ import annotations

import asyncio
import os
import sys

import pytest
from fastapi_it import (
    EXAMPLE_DIR,
    TIMEOUT,
    Serve,
    app_env,
    assert_quiet,
    open_ws,
    ping_pong,
    recv_action,
    send,
)
from websockets.asyncio.client import ClientConnection

pytestmark = pytest.mark.redis

LAYERS = [pytest.param("redis", id="RedisChannelLayer"), pytest.param("pubsub", id="PubSub")]
JOIN = ("member_joined",)


async def join(ws: ClientConnection, room: str) -> None:
    """Wait for the connection's own join notice, which proves its group membership."""
    frame = await recv_action(ws, "member_joined", skip=())
    assert frame["payload"] == {"room": room}


async def run_script(*args: str, env: dict[str, str]) -> None:
    """Run ``python -m fastapi_chat.<args>`` as a separate process and require success."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        *args,
        cwd=EXAMPLE_DIR,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        async with asyncio.timeout(2 * TIMEOUT):
            output, _ = await process.communicate()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    text = output.decode(errors="replace")
    assert process.returncode == 0, text
    assert "Traceback" not in text, text
    assert "Warning" not in text, text


@pytest.mark.parametrize("layer", LAYERS)
async def test_broadcasts_and_script_events_reach_clients_on_both_servers(
    serve: Serve, redis_url: str, key_prefix: str, layer: str
) -> None:
    """A chat line sent on server A reaches B's clients; a script's event reaches everyone."""
    env = app_env(redis_url, layer, key_prefix)
    server_a = serve(env=env)
    server_b = serve(env=env)
    room = "shared"
    async with (
        open_ws(server_a.ws(f"/ws/chat/{room}")) as on_a,
        open_ws(server_b.ws(f"/ws/chat/{room}")) as on_b,
        open_ws(server_b.ws(f"/ws/chat/{room}")) as also_on_b,
        open_ws(server_b.ws("/ws/chat/other-room")) as outsider,
    ):
        for ws, name in ((on_a, room), (on_b, room), (also_on_b, room), (outsider, "other-room")):
            await join(ws, name)
        members = (on_a, on_b, also_on_b)

        await send(on_a, "chat", {"name": "a", "text": "from server A"})
        for ws in members:
            frame = await recv_action(ws, "chat_notification", skip=JOIN)
            assert frame["payload"] == {"room": room, "name": "a", "text": "from server A"}

        await send(also_on_b, "chat", {"name": "b", "text": "from server B"})
        for ws in members:
            frame = await recv_action(ws, "chat_notification", skip=JOIN)
            assert frame["payload"] == {"room": room, "name": "b", "text": "from server B"}

        # broadcast_event_sync from a third, plain Python process.
        script_env = {**os.environ, **env}
        await run_script("fastapi_chat.announce", "from a script", room, env=script_env)
        for ws in members:
            frame = await recv_action(ws, "announcement", skip=JOIN)
            assert frame == {"action": "announcement", "payload": {"text": "from a script"}}

        await ping_pong(outsider)  # the other room heard none of it
        for ws in members:
            await ping_pong(ws, skip=JOIN)
    assert_quiet(server_a.process)
    assert_quiet(server_b.process)
