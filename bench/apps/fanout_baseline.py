"""The ``fanout`` baseline: a bare ASGI app sending one pre-encoded frame to every socket.

Serve it with ``uvicorn bench.apps.fanout_baseline:app`` from the repository root. Members
(:data:`~bench.apps._fanout_wire.MEMBER_PATH`) are kept in a set of their ASGI ``send``
callables; for each shout of the sender (:data:`~bench.apps._fanout_wire.SENDER_PATH`) the app
decodes the frame, encodes the ``news`` frame once and awaits ``send`` of that same message for
every member, one after another. No framework, no channel layer, no task per member: the least
any server can do to deliver one frame to every socket.
"""

from __future__ import annotations

import json

from bench.apps._fanout_wire import MEMBER_PATH, SENDER_PATH, news_text
from bench.apps._serving import Receive, Scope, Send

members: set[Send] = set()
"""The ``send`` of every connected member."""


async def fanout(scope: Scope, receive: Receive, send: Send) -> None:
    """Serve one member or sender connection."""
    if scope["type"] != "websocket" or scope["path"] not in (MEMBER_PATH, SENDER_PATH):
        return
    if (await receive())["type"] != "websocket.connect":
        return
    await send({"type": "websocket.accept"})
    if scope["path"] == MEMBER_PATH:
        members.add(send)
        try:
            while (await receive())["type"] != "websocket.disconnect":
                pass
        finally:
            members.discard(send)
        return
    while True:
        event = await receive()
        if event["type"] == "websocket.disconnect":
            return
        content = json.loads(event["text"])
        if content.get("action") != "shout":
            continue
        frame = {"type": "websocket.send", "text": news_text(content["payload"])}
        for member in list(members):
            try:
                await member(frame)
            except OSError:
                # uvicorn's ClientDisconnected: the member's disconnect removes it.
                continue


app = fanout
"""The app uvicorn serves."""
