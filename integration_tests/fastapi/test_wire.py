"""Bad input over a real socket: every case gets its error frame and nothing else changes.

Each case runs with a second client connected: its replies and broadcasts stay exactly as
they would be, and the client that sent the bad frame keeps answering ping.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi_it import (
    APPS_DIR,
    Serve,
    assert_quiet,
    open_ws,
    ping_pong,
    recv,
    recv_raw,
    send,
)
from websockets.asyncio.client import ClientConnection

PROBE_APP = "chanx_probe_app:app"
SECRET = "SECRET-INPUT-7f3a"
ACTIONS = "boom, echo, ping, shout"


def error(payload: Any) -> dict[str, Any]:
    return {"action": "error", "payload": payload}


CASES = [
    pytest.param("not json {", error({"detail": "Invalid JSON"}), id="invalid-json"),
    pytest.param("[1, 2]", error({"detail": "The message must be a JSON object"}), id="json-array"),
    pytest.param("42", error({"detail": "The message must be a JSON object"}), id="json-number"),
    pytest.param(
        json.dumps(SECRET), error({"detail": "The message must be a JSON object"}), id="json-string"
    ),
    pytest.param(
        b"\x00\x01binary",
        error({"detail": "Binary frames are not supported; send JSON text"}),
        id="binary-frame",
    ),
    pytest.param(
        json.dumps({"payload": {"text": SECRET}}),
        error(
            [
                {
                    "type": "union_tag_not_found",
                    "loc": ["action"],
                    "msg": f"The message has no action; expected one of: {ACTIONS}",
                }
            ]
        ),
        id="missing-action",
    ),
    pytest.param(
        json.dumps({"action": SECRET, "payload": None}),
        error(
            [
                {
                    "type": "union_tag_invalid",
                    "loc": ["action"],
                    "msg": f"Unknown action; expected one of: {ACTIONS}",
                }
            ]
        ),
        id="unknown-action",
    ),
    pytest.param(
        json.dumps({"action": "echo", "payload": {"text": SECRET * 20, "count": SECRET}}),
        error(
            [
                {
                    "type": "string_too_long",
                    "loc": ["payload", "text"],
                    "msg": "String should have at most 100 characters",
                },
                {
                    "type": "int_parsing",
                    "loc": ["payload", "count"],
                    "msg": "Input should be a valid integer, unable to parse string as an integer",
                },
            ]
        ),
        id="field-errors",
    ),
    pytest.param(
        json.dumps({"action": "boom"}),
        error({"detail": "Failed to process message for boom"}),
        id="handler-raises",
    ),
]


async def bystander_unaffected(other: ClientConnection) -> None:
    """The other client's own request gets its own reply, and nothing else arrived first."""
    await send(other, "echo", {"text": "ab", "count": 2})
    assert await recv(other) == {"action": "echo_reply", "payload": "abab"}


@pytest.mark.parametrize(("frame", "expected"), CASES)
async def test_bad_input_gets_an_error_frame_and_the_connection_goes_on(
    serve: Serve, frame: str | bytes, expected: dict[str, Any]
) -> None:
    """The sender gets exactly the documented error, never its input back; others see nothing."""
    server = serve(PROBE_APP, app_dir=APPS_DIR)
    async with (
        open_ws(server.ws("/ws/probe")) as client,
        open_ws(server.ws("/ws/probe")) as other,
    ):
        await ping_pong(client)
        await ping_pong(other)
        await client.send(frame)
        raw = await recv_raw(client)
        assert json.loads(raw) == expected
        assert SECRET not in raw
        assert "internal-secret" not in raw
        assert "Traceback" not in raw
        await bystander_unaffected(other)
        await ping_pong(client)
        # Group traffic flows both ways after the error, in order.
        await send(other, "shout", "still here")
        assert await recv(client) == {"action": "heard", "payload": "still here"}
        assert await recv(other) == {"action": "heard", "payload": "still here"}
        await ping_pong(client)
        await ping_pong(other)
    # The raising handler's traceback goes to the log, and only there.
    if "boom" in str(frame):
        assert "internal-secret-do-not-send" in server.process.output()
    else:
        assert_quiet(server.process)
