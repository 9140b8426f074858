"""The bare ASGI ping/pong app: the floor of the server scenarios, with no framework at all.

Serve it with ``uvicorn bench.apps.ping_asgi:app`` from the repository root. Every text frame is
decoded with ``json.loads``; a ``{"action": "ping"}`` is answered with a ``pong`` built and
encoded with ``json.dumps``, anything else with an ``error``. This is the least an app that
reads JSON messages can do: parse the frame to learn what was asked, and build its answer.
"""

from __future__ import annotations

import json

from bench.apps._serving import Receive, Scope, Send, with_gc_endpoint


async def ping_pong(scope: Scope, receive: Receive, send: Send) -> None:
    """Accept a WebSocket connection and answer each ``ping`` frame with a ``pong`` frame."""
    if scope["type"] != "websocket":
        return
    loads, dumps = json.loads, json.dumps
    while True:
        event = await receive()
        kind = event["type"]
        if kind == "websocket.receive":
            request = loads(event["text"])
            action = "pong" if request.get("action") == "ping" else "error"
            reply = dumps({"action": action, "payload": None}, separators=(",", ":"))
            await send({"type": "websocket.send", "text": reply})
        elif kind == "websocket.connect":
            await send({"type": "websocket.accept"})
        elif kind == "websocket.disconnect":
            return


app = with_gc_endpoint(ping_pong)
"""The app uvicorn serves."""
