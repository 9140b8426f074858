"""The demo app (what ``nox -s demo`` serves) starts under uvicorn and answers."""

from __future__ import annotations

import httpx
from fastapi_it import TIMEOUT, Serve, assert_quiet, open_ws, ping_pong, recv_action


async def test_demo_app_serves_its_page_the_docs_and_websockets(serve: Serve) -> None:
    """The chat page and the AsyncAPI docs answer 200, and a chat room answers ping."""
    server = serve()
    async with httpx.AsyncClient(base_url=server.http, timeout=TIMEOUT) as http:
        page = await http.get("/")
        docs = await http.get("/asyncapi/docs")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "<title>Chanx chat</title>" in page.text
    assert 'new WebSocket(wsBase + "/ws/chat/"' in page.text
    assert docs.status_code == 200
    assert docs.headers["content-type"].startswith("text/html")
    async with open_ws(server.ws("/ws/chat/lobby")) as ws:
        joined = await recv_action(ws, "member_joined", skip=())
        assert joined == {"action": "member_joined", "payload": {"room": "lobby"}}
        await ping_pong(ws)
    assert_quiet(server.process)
