"""The AsyncAPI endpoints: JSON, YAML and the docs page, their defaults and their config."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from chanx_fastapi_sample import ChatConsumer, app, starlette_app
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from chanx.asyncapi import CDN_ASSETS, PageAssets
from chanx.ext.fast_channels import (
    AsyncAPIConfig,
    asyncapi_docs,
    asyncapi_router,
    asyncapi_spec_json,
    asyncapi_spec_yaml,
)
from chanx.ext.fast_channels.routing import websocket_route


def schema(client: TestClient, path: str = "/asyncapi/schema.json") -> dict[str, Any]:
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    document: dict[str, Any] = response.json()
    return document


def test_json_document_takes_its_info_from_the_app_and_the_request() -> None:
    """Title, version and description come from FastAPI; the server from the request."""
    document = schema(TestClient(app))
    assert document["info"] == {
        "title": "Sample chat",
        "version": "2.1.0",
        "description": "A sample for the tests.",
    }
    assert document["servers"] == {"default": {"host": "testserver", "protocol": "ws"}}
    addresses = sorted(channel["address"] for channel in document["channels"].values())
    assert addresses == ["/sub/ws/room/{room_id}", "/ws/chat", "/ws/secure"]


def test_https_requests_document_wss_with_host_and_port() -> None:
    """Over HTTPS the server is wss, with the port the request came to."""
    client = TestClient(app, base_url="https://chat.example.com:8443")
    assert schema(client)["servers"] == {
        "default": {"host": "chat.example.com:8443", "protocol": "wss"}
    }


def test_root_path_becomes_the_server_pathname() -> None:
    """Behind a proxy prefix (root_path), the server URL carries it."""
    client = TestClient(app, root_path="/api")
    assert schema(client, "/api/asyncapi/schema.json")["servers"]["default"] == {
        "host": "testserver",
        "protocol": "ws",
        "pathname": "/api",
    }


def test_yaml_is_the_same_document() -> None:
    """schema.yaml is the JSON document in YAML, served as application/yaml."""
    client = TestClient(app)
    response = client.get("/asyncapi/schema.yaml")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/yaml")
    assert yaml.safe_load(response.text) == schema(client)


def test_docs_page_embeds_the_document_and_loads_the_pinned_component() -> None:
    """The docs page is HTML that embeds the document and loads the CDN assets by default."""
    client = TestClient(app)
    response = client.get("/asyncapi/docs")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert CDN_ASSETS.script in response.text
    assert "<title>Sample chat</title>" in response.text
    assert json.dumps("Sample chat") in response.text


def test_config_overrides_the_defaults() -> None:
    """AsyncAPIConfig replaces the title, version, servers, assets and page title."""
    config = AsyncAPIConfig(
        title="Chat API",
        version="9.0.0",
        description="",
        servers={"production": "wss://chat.example.com"},
        assets=PageAssets.local("/static/asyncapi"),
        page_title="Chat docs",
        page_config={"show": {"sidebar": False}},
    )
    api = FastAPI(title="ignored", description="also ignored")
    api.router.routes.append(websocket_route("/ws/chat", ChatConsumer))
    api.include_router(asyncapi_router(api, config, prefix="/docs/ws"))
    client = TestClient(api)
    document = schema(client, "/docs/ws/schema.json")
    assert document["info"] == {"title": "Chat API", "version": "9.0.0"}
    assert document["servers"] == {"production": {"host": "chat.example.com", "protocol": "wss"}}
    page = client.get("/docs/ws/docs").text
    assert "/static/asyncapi/browser/standalone/index.js" in page
    assert "<title>Chat docs</title>" in page
    assert '"sidebar":false' in page


def test_endpoints_stay_out_of_openapi_unless_asked() -> None:
    """The router's endpoints are hidden from OpenAPI by default, listed on request."""
    assert not any(path.startswith("/asyncapi") for path in app.openapi()["paths"])
    api = FastAPI()
    api.include_router(asyncapi_router(api, include_in_schema=True))
    assert "/asyncapi/schema.json" in api.openapi()["paths"]


def test_views_on_a_plain_starlette_app() -> None:
    """The three views work as plain Starlette endpoints; a titleless app gets the default."""

    def spec_json(request: Request) -> Response:
        return asyncapi_spec_json(request, starlette_app)

    def spec_yaml(request: Request) -> Response:
        return asyncapi_spec_yaml(request, starlette_app)

    def docs(request: Request) -> Response:
        return asyncapi_docs(request, starlette_app, AsyncAPIConfig(title="Plain"))

    site = Starlette(
        routes=[Route("/a.json", spec_json), Route("/a.yaml", spec_yaml), Route("/docs", docs)]
    )
    client = TestClient(site)
    document = schema(client, "/a.json")
    assert document["info"] == {"title": "Chanx WebSocket API", "version": "1.0.0"}
    assert list(document["channels"]) == ["chat"]
    assert yaml.safe_load(client.get("/a.yaml").text) == document
    assert "<title>Plain</title>" in client.get("/docs").text


def test_a_non_application_is_a_type_error() -> None:
    """Documenting something that is not an app fails loudly, not with an empty document."""

    def broken(request: Request) -> Response:
        return asyncapi_spec_json(request, object())

    client = TestClient(Starlette(routes=[Route("/x", broken)]), raise_server_exceptions=True)
    with pytest.raises(TypeError, match="FastAPI or Starlette application"):
        client.get("/x")
