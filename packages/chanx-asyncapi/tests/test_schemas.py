"""Message schemas: lifted into components, AsyncAPI-shaped, and named exactly as on the wire."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any, Literal

import chanx_asyncapi_sample as sample
import chanx_asyncapi_twin_a as twin_a
import chanx_asyncapi_twin_b as twin_b
from chanx_asyncapi_dump import Build
from pydantic import BaseModel

from chanx.asyncapi import DocumentSettings, RouteRecord
from chanx.asyncapi._schemas import convert
from chanx.core._camel import camelize_keys
from chanx.messages import BaseMessage


def walk(node: Any, path: str = "#") -> Iterator[tuple[str, Any]]:
    """Every (pointer, value) pair of a JSON document, depth first."""
    yield path, node
    if isinstance(node, dict):
        for name, value in node.items():
            yield from walk(value, f"{path}/{name}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, f"{path}/{index}")


def resolve(document: dict[str, Any], pointer: str) -> Any:
    node: Any = document
    for part in pointer.removeprefix("#/").split("/"):
        node = node[part]
    return node


def documented(value: Any, schema: dict[str, Any], document: dict[str, Any]) -> bool:
    """True when every object key in ``value`` is a property its schema names."""
    if "$ref" in schema:
        return documented(value, resolve(document, schema["$ref"]), document)
    for word in ("anyOf", "oneOf"):
        if word in schema:
            return any(documented(value, option, document) for option in schema[word])
    if "const" in schema:
        return bool(value == schema["const"])
    if isinstance(value, dict) and "properties" in schema:
        properties = schema["properties"]
        return all(
            name in properties and documented(item, properties[name], document)
            for name, item in value.items()
        )
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        return all(documented(item, schema["items"], document) for item in value)
    return True


def test_nested_models_are_lifted_and_every_reference_resolves(build: Build) -> None:
    """No ``$defs`` remains; each ``$ref`` points at an existing component."""
    document = build(sample.ROUTES)
    references = [value for path, value in walk(document) if path.endswith("/$ref")]
    assert references
    for pointer in references:
        assert pointer.startswith("#/"), pointer
        resolve(document, pointer)
    assert not any(path.endswith("/$defs") for path, _ in walk(document))
    schemas = document["components"]["schemas"]
    for name in ("Author", "ChatPayload", "TextBody", "ImageBody", "TypingPayload"):
        assert name in schemas


def test_field_descriptions_and_defaults_are_kept(build: Build) -> None:
    """Attribute docstrings, ``Field(description=...)`` and defaults reach the schemas."""
    schemas = build(sample.ROUTES)["components"]["schemas"]
    author = schemas["Author"]["properties"]
    assert author["display_name"]["description"] == "The name shown next to the message."
    assert author["display_name"]["default"] == "anonymous"
    text = schemas["TextBody"]["properties"]["textContent"]
    assert text["description"] == "The text, at most 2000 characters."
    assert text["maxLength"] == 2000
    assert schemas["ImageBody"]["properties"]["sizePx"]["default"] == [640, 480]


def test_discriminated_unions_are_plain_one_of_without_openapi_discriminators(
    build: Build,
) -> None:
    """Members stay a ``oneOf`` whose tags are ``const``; no object-valued discriminator."""
    document = build(sample.ROUTES)
    body = document["components"]["schemas"]["ChatPayload"]["properties"]["body"]
    assert body["oneOf"] == [
        {"$ref": "#/components/schemas/TextBody"},
        {"$ref": "#/components/schemas/ImageBody"},
    ]
    assert not any(path.endswith("/discriminator") for path, _ in walk(document))
    kind = document["components"]["schemas"]["TextBody"]["properties"]["kind"]
    assert kind["const"] == "text"


def test_tuples_use_draft_07_item_arrays(build: Build) -> None:
    """``prefixItems`` becomes an ``items`` array, which the AsyncAPI schema accepts."""
    document = build(sample.ROUTES)
    size = document["components"]["schemas"]["ImageBody"]["properties"]["sizePx"]
    assert size["items"] == [{"type": "integer"}, {"type": "integer"}]
    assert not any(path.endswith("/prefixItems") for path, _ in walk(document))


def test_camel_case_schemas_name_the_keys_the_wire_sends(build: Build) -> None:
    """Every key of a camelCase frame, as the wire encodes it, is a documented property."""
    document = build(sample.ROUTES)
    notification = sample.ChatNotification(
        payload=sample.ChatNotificationPayload(
            author=sample.Author(user_id=7, display_name="Ada"),
            body=sample.ImageBody(image_url="https://example.invalid/a.png"),
            room_settings={"dark_mode": True},
        )
    )
    wire = camelize_keys(notification.model_dump(mode="json"))
    schema = document["components"]["schemas"]["ChatNotification"]
    assert documented(wire, schema, document)
    assert "userId" in resolve(document, "#/components/schemas/Author.camelCase")["properties"]
    assert not documented(notification.model_dump(mode="json"), schema, document)


def test_camel_case_reaches_required_lists_and_default_values(build: Build) -> None:
    """``required`` entries and the keys inside defaults are camelCase too, as sent."""
    schemas = build(sample.ROUTES)["components"]["schemas"]
    assert schemas["TextBody"]["required"] == ["textContent"]
    assert schemas["StartTyping"]["properties"]["payload"]["default"] == {"isTyping": True}


def test_a_model_needed_in_both_forms_gets_a_camel_case_twin(build: Build) -> None:
    """``Author`` is used snake_case by the echo and camelCase by the chat: two schemas."""
    schemas = build(sample.ROUTES)["components"]["schemas"]
    assert list(schemas["Author"]["properties"]) == ["user_id", "display_name"]
    assert list(schemas["Author.camelCase"]["properties"]) == ["userId", "displayName"]
    assert schemas["YouAre"]["properties"]["payload"] == {"$ref": "#/components/schemas/Author"}
    assert "ErrorMessage.camelCase" not in schemas, "identical forms share one schema"


def test_forcing_camelize_applies_to_every_consumer(build: Build) -> None:
    """``DocumentSettings(camelize=...)`` overrides each consumer's own setting."""
    snake = build(sample.ROUTES, DocumentSettings(camelize=False))["components"]["schemas"]
    assert "Author.camelCase" not in snake
    assert "text_content" in snake["TextBody"]["properties"]
    camel = build(sample.ROUTES, DocumentSettings(camelize=True))["components"]["schemas"]
    assert "Author.camelCase" not in camel
    assert "userId" in camel["Author"]["properties"]


def test_models_with_the_same_name_in_different_modules_do_not_collide(build: Build) -> None:
    """Each module's ``Profile`` and ``ChatMessage`` keep their own schema and message."""
    document = build(
        [RouteRecord("/a", twin_a.ChatConsumer), RouteRecord("/b", twin_b.ChatConsumer)]
    )
    components = document["components"]
    profiles = {name: schema for name, schema in components["schemas"].items() if "Profile" in name}
    assert len(profiles) == 2
    fields = sorted(next(iter(schema["properties"])) for schema in profiles.values())
    assert fields == ["age_years", "display_name"]
    names = sorted(message["name"] for message in components["messages"].values())
    assert names == ["chat", "error", "talk"]


def test_conversion_leaves_its_input_untouched() -> None:
    """Converting a schema copies it; Pydantic's output can be reused."""

    class Inner(BaseModel):
        some_field: tuple[int, str] = (1, "a")

    class Outer(BaseMessage):
        action: Literal["outer"] = "outer"
        payload: Inner

    schema = Outer.model_json_schema()
    before = copy.deepcopy(schema)
    converted = convert(schema, True, lambda name: f"#/x/{name}")
    assert schema == before
    assert converted["properties"]["payload"] == {"$ref": "#/x/Inner"}


def test_a_message_used_in_both_forms_gets_two_components(build: Build) -> None:
    """The same message sent by a camelCase and a snake_case consumer is two messages."""

    class CamelEcho(sample.EchoConsumer):
        camelize = True

    document = build([RouteRecord("/snake", sample.EchoConsumer), RouteRecord("/camel", CamelEcho)])
    messages = document["components"]["messages"]
    assert messages["YouAre"]["payload"] == {"$ref": "#/components/schemas/YouAre"}
    assert messages["YouAre.camelCase"]["payload"] == {
        "$ref": "#/components/schemas/YouAre.camelCase"
    }
    camel_payload = document["components"]["schemas"]["YouAre.camelCase"]["properties"]["payload"]
    assert camel_payload == {"$ref": "#/components/schemas/Author.camelCase"}
    assert "YouAre.camelCase" in document["channels"]["CamelEcho"]["messages"]
    assert "YouAre" in document["channels"]["EchoConsumer"]["messages"]
    assert "EchoMessage.camelCase" not in messages, "a frame without snake_case keys is shared"
