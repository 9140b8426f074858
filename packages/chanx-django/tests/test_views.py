"""The AsyncAPI endpoints (JSON, YAML, HTML) served through Django's test client."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
import yaml
from django.test import Client
from django.urls import reverse

from chanx.asyncapi import build_document, dump_json
from chanx.ext.channels.discovery import discover_routes
from chanx.ext.channels.views import document_settings


@pytest.fixture
def client() -> Client:
    return Client()


def test_the_url_names_are_namespaced() -> None:
    """include("chanx.ext.channels.urls") provides chanx_asyncapi:schema and :docs."""
    assert reverse("chanx_asyncapi:schema") == "/asyncapi/schema/"
    assert reverse("chanx_asyncapi:docs") == "/asyncapi/docs/"


def test_schema_is_json_built_from_asgi_application(client: Client, application: Any) -> None:
    """The JSON document is the one built from ASGI_APPLICATION with the CHANX settings."""
    response = client.get("/asyncapi/schema/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    document = json.loads(response.content)
    assert document["info"] == {"title": "Test project API", "version": "0.1.0"}
    assert document["servers"] == {"default": {"host": "testserver", "protocol": "ws"}}
    addresses = sorted(channel["address"] for channel in document["channels"].values())
    assert addresses == ["/ws/broken/", "/ws/echo/", "/ws/rooms/{pk}/", "/ws/session/"]
    settings = dataclasses.replace(document_settings(), servers={"default": "ws://testserver"})
    expected = build_document(discover_routes(application) or [], settings)
    assert response.content.decode() == dump_json(expected)


def test_schema_as_yaml(client: Client) -> None:
    """?format=yaml returns the same document as YAML."""
    as_json = json.loads(client.get("/asyncapi/schema/").content)
    response = client.get("/asyncapi/schema/", {"format": "yaml"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/yaml; charset=utf-8"
    assert yaml.safe_load(response.content) == as_json


def test_an_unknown_format_is_a_400(client: Client) -> None:
    """Only json and yaml are offered."""
    response = client.get("/asyncapi/schema/", {"format": "xml"})
    assert response.status_code == 400


def test_a_secure_request_documents_a_wss_server(client: Client) -> None:
    """Behind HTTPS the derived server is wss:// on the request's host."""
    response = client.get("/asyncapi/schema/", secure=True, headers={"host": "api.example.com"})
    servers = json.loads(response.content)["servers"]
    assert servers == {"default": {"host": "api.example.com", "protocol": "wss"}}


def test_configured_servers_and_description_win(client: Client, settings: Any) -> None:
    """ASYNCAPI_SERVERS and ASYNCAPI_DESCRIPTION come from CHANX when set."""
    settings.CHANX = {
        "ASYNCAPI_SERVERS": {"production": "wss://chat.example.com/base"},
        "ASYNCAPI_DESCRIPTION": "Rooms.",
    }
    document = json.loads(client.get("/asyncapi/schema/").content)
    assert document["servers"] == {
        "production": {"host": "chat.example.com", "protocol": "wss", "pathname": "/base"}
    }
    assert document["info"] == {
        "title": "Chanx WebSocket API",
        "version": "1.0.0",
        "description": "Rooms.",
    }


def test_docs_page_embeds_the_document(client: Client) -> None:
    """docs/ is an HTML page with the document embedded for the AsyncAPI component."""
    response = client.get("/asyncapi/docs/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    page = response.content.decode()
    assert "<title>Test project API</title>" in page
    assert 'id="asyncapi-document"' in page
    assert "/ws/rooms/{pk}/" in page


@pytest.mark.parametrize("url", ["/asyncapi/schema/", "/asyncapi/docs/"])
def test_only_safe_methods_are_allowed(client: Client, url: str) -> None:
    """The endpoints answer GET and HEAD; POST is 405."""
    assert client.post(url).status_code == 405
    assert client.head(url).status_code == 200
