"""The AsyncAPI endpoints over real HTTP: JSON, YAML and the docs page, all of one document.

With ``CHANX_ASYNCAPI_DUMP_DIR`` set (the ``integration`` nox session sets it), the fetched
JSON and YAML documents are written there and validated by the official AsyncAPI parser.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import yaml
from fastapi_it import APPS_DIR, EXAMPLE_APP, EXAMPLE_DIR, TIMEOUT, Serve, dump_document

APPS = [
    pytest.param(EXAMPLE_APP, EXAMPLE_DIR, id="fastapi_chat"),
    pytest.param("chanx_probe_app:app", APPS_DIR, id="fastapi_probe"),
]


@pytest.mark.parametrize(("app", "app_dir"), APPS)
async def test_asyncapi_json_yaml_and_docs_serve_one_document(
    serve: Serve, app: str, app_dir: Path, request: pytest.FixtureRequest
) -> None:
    """schema.json and schema.yaml parse to the same document, which the docs page embeds."""
    server = serve(app, app_dir=app_dir)
    async with httpx.AsyncClient(base_url=server.http, timeout=TIMEOUT) as http:
        as_json = await http.get("/asyncapi/schema.json")
        as_yaml = await http.get("/asyncapi/schema.yaml")
        page = await http.get("/asyncapi/docs")
    for response in (as_json, as_yaml, page):
        assert response.status_code == 200
    assert as_json.headers["content-type"].startswith("application/json")
    assert as_yaml.headers["content-type"].startswith("application/yaml")
    assert page.headers["content-type"].startswith("text/html")
    name = request.node.callspec.id
    dump_document(f"{name}-served-uvicorn.json", as_json.text)
    dump_document(f"{name}-served-uvicorn.yaml", as_yaml.text)
    document = json.loads(as_json.text)
    assert yaml.safe_load(as_yaml.text) == document
    assert document["asyncapi"] == "3.0.0"
    # The default server is the host the request reached.
    assert document["servers"]["default"]["host"] == f"127.0.0.1:{server.port}"
    assert document["info"]["title"] in page.text


async def test_example_document_describes_its_three_endpoints(serve: Serve) -> None:
    """Every routed consumer is a channel; the token consumer declares its query credential."""
    server = serve()
    async with httpx.AsyncClient(base_url=server.http, timeout=TIMEOUT) as http:
        document = (await http.get("/asyncapi/schema.json")).json()
    addresses = sorted(channel["address"] for channel in document["channels"].values())
    assert addresses == ["/ws/chat/{room_name}", "/ws/jobs", "/ws/notifications"]
    schemes = document["components"]["securitySchemes"]
    assert {"type": "httpApiKey", "name": "token", "in": "query"}.items() <= next(
        iter(schemes.values())
    ).items()
    messages = set(document["components"]["messages"])
    for wanted in ("ChatMessage", "ChatNotificationMessage", "JobProgressMessage", "PongMessage"):
        assert any(wanted in name for name in messages), (wanted, sorted(messages))
