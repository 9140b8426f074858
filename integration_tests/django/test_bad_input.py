"""Bad input over a real server: an error frame each time, and the connections keep working."""

from __future__ import annotations

import json

from django_chat_it import ChatServer, bounded, open_ws, ping, receive, receive_raw, send, signed_in

MARKER = "marker-5f0c1d"
"""A value that must never come back in an error frame."""


@bounded
async def test_bad_frames_get_error_frames_and_leave_the_room_working(
    chat_server: ChatServer, tokens: dict[str, str]
) -> None:
    """Each kind of bad frame gets its error frame; the sender and the room go on as before."""
    room = "/ws/chat/bad-input/"
    async with (
        await open_ws(chat_server, room, token=tokens["alice"]) as alice,
        await open_ws(chat_server, room, token=tokens["bob"]) as bob,
    ):
        await signed_in(alice)
        await signed_in(bob)

        await alice.send("{not json")
        assert await receive(alice) == {"action": "error", "payload": {"detail": "Invalid JSON"}}

        await alice.send("[1, 2, 3]")
        assert await receive(alice) == {
            "action": "error",
            "payload": {"detail": "The message must be a JSON object"},
        }

        await alice.send(b"\x00\x01binary")
        assert await receive(alice) == {
            "action": "error",
            "payload": {"detail": "Binary frames are not supported; send JSON text"},
        }

        await alice.send(json.dumps({"payload": {"text": MARKER}}))
        missing = await receive(alice)
        assert missing["action"] == "error"
        assert [item["loc"] for item in missing["payload"]] == [["action"]]

        await send(alice, "no_such_action", {"text": MARKER})
        unknown = await receive_raw(alice)
        assert json.loads(unknown)["action"] == "error"
        assert MARKER not in unknown

        await send(alice, "new_message", {"text": [MARKER], "extra": MARKER})
        invalid_raw = await receive_raw(alice)
        invalid = json.loads(invalid_raw)
        assert invalid["action"] == "error"
        assert {tuple(item["loc"]) for item in invalid["payload"]} >= {("payload", "text")}
        for item in invalid["payload"]:
            assert set(item) == {"type", "loc", "msg"}
        assert MARKER not in invalid_raw

        await send(alice, "new_message", {"text": ""})
        too_short = await receive(alice)
        assert too_short["payload"][0]["type"] == "string_too_short"

        # Alice still answers, and the room saw none of it: Bob's next frame is his own line.
        await ping(alice)
        await send(bob, "new_message", {"text": "still here"})
        for ws in (bob, alice):
            frame = await receive(ws)
            assert frame["action"] == "room_message"
            assert frame["payload"]["text"] == "still here"


@bounded
async def test_a_failing_handler_sends_its_detail_and_the_connection_goes_on(
    chat_server: ChatServer,
) -> None:
    """A handler that raises gets the generic error frame (no traceback); others are unaffected."""
    async with (
        await open_ws(chat_server, "/ws/echo/") as failing,
        await open_ws(chat_server, "/ws/echo/") as other,
    ):
        await send(failing, "fail")
        raw = await receive_raw(failing)
        assert json.loads(raw) == {
            "action": "error",
            "payload": {"detail": "Failed to process message for fail"},
        }
        assert "RuntimeError" not in raw
        # The traceback went to the server's log (written before the frame was sent).
        assert "chanx.handler.error" in chat_server.output()
        assert "this handler always fails" in chat_server.output()
        await ping(failing)
        await send(failing, "echo", {"still": "alive"})
        assert await receive(failing) == {"action": "echo", "payload": {"still": "alive"}}
        await send(other, "echo", [1, 2])
        assert await receive(other) == {"action": "echo", "payload": [1, 2]}
