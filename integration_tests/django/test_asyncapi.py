"""The example's AsyncAPI document: served as JSON and YAML, and written by the command."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import yaml
from django_chat_it import ChatServer, amanage, bounded, dump_document, http_request

ADDRESSES = {"/ws/chat/{room_name}/", "/ws/notifications/", "/ws/echo/"}


def check_document(document: dict[str, Any]) -> None:
    """The document is the example's: AsyncAPI 3.0.0, its title, its three channels."""
    assert document["asyncapi"] == "3.0.0"
    assert document["info"]["title"] == "Django chat"
    assert document["info"]["version"] == "1.0.0"
    addresses = {channel["address"] for channel in document["channels"].values()}
    assert addresses == ADDRESSES
    messages = document["components"]["messages"]
    for name in ("NewMessage", "RoomMessage", "NotificationMessage"):
        assert name in messages, sorted(messages)
    assert "NotifyEvent" not in messages, "server-side events never travel to clients"


def without_servers(document: dict[str, Any]) -> dict[str, Any]:
    """The document minus ``servers``, which a served document takes from the request."""
    return {key: value for key, value in document.items() if key != "servers"}


@bounded
async def test_the_served_document_is_the_same_in_json_and_yaml(chat_server: ChatServer) -> None:
    """``/asyncapi/schema/`` serves the document; ``?format=yaml`` serves the same as YAML."""
    status, json_text = await asyncio.to_thread(
        http_request, f"{chat_server.http}/asyncapi/schema/"
    )
    assert status == 200, json_text
    status, yaml_text = await asyncio.to_thread(
        http_request, f"{chat_server.http}/asyncapi/schema/?format=yaml"
    )
    assert status == 200, yaml_text
    document = json.loads(json_text)
    check_document(document)
    assert yaml.safe_load(yaml_text) == document
    dump_document(f"served-{chat_server.kind}", json_text, ".json")
    dump_document(f"served-{chat_server.kind}", yaml_text, ".yaml")


@bounded
async def test_the_docs_page_embeds_the_document(chat_server: ChatServer) -> None:
    """``/asyncapi/docs/`` is an HTML page that carries the document's title."""
    status, page = await asyncio.to_thread(http_request, f"{chat_server.http}/asyncapi/docs/")
    assert status == 200, page
    assert "<html" in page.lower()
    assert "Django chat" in page


@bounded
async def test_the_command_writes_the_served_document(
    chat_server: ChatServer, tmp_path: Path
) -> None:
    """``generate_asyncapi_schema`` prints JSON and writes YAML: the served document's content."""
    status, served = await asyncio.to_thread(http_request, f"{chat_server.http}/asyncapi/schema/")
    assert status == 200, served
    target = tmp_path / "asyncapi.yaml"
    json_text, _ = await asyncio.gather(
        amanage(chat_server.env, "generate_asyncapi_schema"),
        amanage(
            chat_server.env, "generate_asyncapi_schema", "--format", "yaml", "--output", str(target)
        ),
    )
    yaml_text = target.read_text(encoding="utf-8")
    document = json.loads(json_text)
    check_document(document)
    assert yaml.safe_load(yaml_text) == document
    assert without_servers(document) == without_servers(json.loads(served))
    dump_document("command", json_text, ".json")
    dump_document("command", yaml_text, ".yaml")
