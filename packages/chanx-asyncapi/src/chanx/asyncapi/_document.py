"""Build an AsyncAPI 3.0 document from routed consumers: a pure function, no registry."""

from __future__ import annotations

import copy
import inspect
from collections.abc import Iterable
from typing import Any

from chanx.asyncapi._address import Address, describe_kind, normalize_address
from chanx.asyncapi._consumers import ConsumerView, view_consumer
from chanx.asyncapi._names import key, qualified_name, unique_names
from chanx.asyncapi._records import RouteRecord
from chanx.asyncapi._schemas import SCHEMAS_POINTER, SchemaComponents
from chanx.asyncapi._settings import ASYNCAPI_VERSION, DocumentSettings, server_object
from chanx.core import HandlerSpec
from chanx.core.limits import CLOSE_CODES
from chanx.messages import BaseMessage, message_actions

_Route = tuple[RouteRecord, Address, ConsumerView]


def _routes(records: Iterable[RouteRecord], settings: DocumentSettings) -> list[_Route]:
    """Resolve and sort the routes by address, then consumer; drop exact duplicates."""
    found: dict[tuple[str, str], _Route] = {}
    for record in records:
        address = normalize_address(record.path)
        view = view_consumer(record.consumer, settings.camelize)
        found.setdefault(
            (address.address, qualified_name(record.consumer)), (record, address, view)
        )
    return [found[item] for item in sorted(found)]


def _channel_keys(routes: list[_Route]) -> list[str]:
    candidates: dict[int, list[str]] = {}
    for index, (_, address, view) in enumerate(routes):
        name = view.info.name or view.consumer.__name__
        if name == view.consumer.__name__:
            qualified = qualified_name(view.consumer)
        else:
            qualified = key(f"{view.consumer.__module__}.{name}")
        candidates[index] = [key(name), qualified, f"{qualified}.{key(address.address)}"]
    names = unique_names(candidates)
    return [names[index] for index in range(len(routes))]


def _doc_parts(cls: type) -> tuple[str | None, str | None]:
    raw = cls.__dict__.get("__doc__")
    text = inspect.cleandoc(raw) if isinstance(raw, str) else ""
    first, _, rest = text.partition("\n")
    return first.strip() or None, rest.strip() or None


def _message_object(cls: type[BaseMessage], schema: str) -> dict[str, Any]:
    summary, description = _doc_parts(cls)
    message: dict[str, Any] = {"name": message_actions(cls)[0], "title": cls.__name__}
    if summary:
        message["summary"] = summary
    if description:
        message["description"] = description
    message["payload"] = {"$ref": SCHEMAS_POINTER + schema}
    return message


def _parameters(record: RouteRecord, address: Address) -> dict[str, Any]:
    given = {parameter.name: parameter for parameter in record.parameters}
    found: dict[str, Any] = {}
    for name, kind in address.kinds.items():
        parameter = given.get(name)
        if parameter is None:
            found[name] = {"description": describe_kind(name, kind)}
            continue
        item: dict[str, Any] = {
            "description": parameter.description or describe_kind(name, parameter.kind or kind)
        }
        if parameter.enum:
            item["enum"] = list(parameter.enum)
        if parameter.default is not None:
            item["default"] = parameter.default
        if parameter.examples:
            item["examples"] = list(parameter.examples)
        found[name] = item
    return found


def _tags(tags: Iterable[str]) -> list[dict[str, str]]:
    return [{"name": tag} for tag in dict.fromkeys(tags)]


def _security_names(routes: list[_Route]) -> dict[type[Any], str]:
    classes = {view.authenticator for _, _, view in routes if view.authenticator is not None}
    ordered = sorted(classes, key=qualified_name)
    return unique_names({cls: [key(cls.__name__), qualified_name(cls)] for cls in ordered})


class _Builder:
    """Collects channels, operations and messages while walking the resolved routes."""

    def __init__(self, routes: list[_Route], settings: DocumentSettings) -> None:
        self.settings = settings
        self.components = SchemaComponents(
            (cls, view.camel)
            for _, _, view in routes
            for cls in (*(c for spec in view.receives for c in spec.input_types), *view.sends)
        )
        self.security = _security_names(routes)
        self.channels: dict[str, Any] = {}
        self.operations: dict[str, Any] = {}
        self.messages: dict[str, Any] = {}

    def security_refs(self, view: ConsumerView) -> list[dict[str, str]]:
        """Return a fresh security requirement list for the operations of ``view``."""
        if view.authenticator is None:
            return []
        return [{"$ref": f"#/components/securitySchemes/{self.security[view.authenticator]}"}]

    def add_route(self, record: RouteRecord, address: Address, view: ConsumerView, ch: str) -> None:
        """Add one route's channel, its operations and the messages they use."""
        pointer = f"#/channels/{ch}"
        used: set[str] = set()

        def ref(cls: type[BaseMessage]) -> dict[str, str]:
            name = self.components.name(cls, view.camel)
            self.messages.setdefault(name, _message_object(cls, name))
            used.add(name)
            return {"$ref": f"{pointer}/messages/{name}"}

        for spec in view.receives:
            operation: dict[str, Any] = {"action": "receive", "channel": {"$ref": pointer}}
            _describe(
                operation, spec.summary, spec.description, self.security_refs(view), spec.tags
            )
            operation["messages"] = [ref(cls) for cls in spec.input_types]
            operation.update(_handler_extensions(spec))
            if spec.output_types:
                operation["reply"] = {
                    "channel": {"$ref": pointer},
                    "messages": [ref(cls) for cls in spec.output_types],
                }
            self.operations[f"{ch}.receive.{spec.name}"] = operation
        for cls, outgoing in view.sends.items():
            operation = {"action": "send", "channel": {"$ref": pointer}}
            notes = "\n\n".join(outgoing.notes)
            _describe(operation, _doc_parts(cls)[0], notes, self.security_refs(view), outgoing.tags)
            operation["messages"] = [ref(cls)]
            self.operations[f"{ch}.send.{self.components.name(cls, view.camel)}"] = operation
        channel: dict[str, Any] = {"address": address.address, "title": view.info.name}
        if view.info.description:
            channel["description"] = view.info.description
        parameters = _parameters(record, address)
        if parameters:
            channel["parameters"] = parameters
        channel["messages"] = {
            name: {"$ref": f"#/components/messages/{name}"} for name in sorted(used)
        }
        if view.info.tags:
            channel["tags"] = _tags(view.info.tags)
        channel["x-chanx-limits"] = _present(view.limits)
        self.channels[ch] = channel

    def document(self) -> dict[str, Any]:
        """Return the finished document, its keys in the documented order."""
        settings = self.settings
        info: dict[str, Any] = {"title": settings.title, "version": settings.version}
        if settings.description:
            info["description"] = settings.description
        document: dict[str, Any] = {"asyncapi": ASYNCAPI_VERSION, "info": info}
        if settings.servers:
            servers = sorted(settings.servers.items())
            document["servers"] = {name: server_object(value) for name, value in servers}
        document["defaultContentType"] = settings.content_type
        document["channels"] = dict(sorted(self.channels.items()))
        document["operations"] = dict(sorted(self.operations.items()))
        components: dict[str, Any] = {
            "schemas": self.components.schemas(),
            "messages": dict(sorted(self.messages.items())),
        }
        schemes = {name: cls.security_scheme for cls, name in self.security.items()}
        schemes.update(settings.security_schemes)
        if schemes:
            components["securitySchemes"] = {
                name: copy.deepcopy(dict(schemes[name])) for name in sorted(schemes)
            }
        document["components"] = components
        document["x-chanx-close-codes"] = {str(code): text for code, text in CLOSE_CODES.items()}
        return document


def _present(values: dict[str, Any]) -> dict[str, Any]:
    """Leave out what is absent (no limit), nested mappings included."""
    return {
        key: _present(value) if isinstance(value, dict) else value
        for key, value in values.items()
        if value is not None
    }


def _handler_extensions(spec: HandlerSpec) -> dict[str, Any]:
    """Return what a client must know of a handler's own limits, as ``x-chanx-*`` fields."""
    extensions: dict[str, Any] = {}
    if spec.rate_limit is not None:
        extensions["x-chanx-rate-limit"] = _present(spec.rate_limit.as_document())
    if spec.timeout is not None:
        extensions["x-chanx-timeout"] = spec.timeout
    if spec.permissions:
        extensions["x-chanx-permissions"] = [
            getattr(p, "__qualname__", None) or type(p).__qualname__ for p in spec.permissions
        ]
    return extensions


def _describe(
    operation: dict[str, Any],
    summary: str | None,
    description: str | None,
    security: list[dict[str, str]],
    tags: Iterable[str],
) -> None:
    if summary:
        operation["summary"] = summary
    if description:
        operation["description"] = description
    if security:
        operation["security"] = security
    listed = _tags(tags)
    if listed:
        operation["tags"] = listed


def build_document(
    routes: Iterable[RouteRecord], settings: DocumentSettings | None = None
) -> dict[str, Any]:
    """Build the AsyncAPI 3.0.0 document of the routed consumers.

    The document describes exactly the consumers in ``routes``: one channel per route, a
    ``receive`` operation per ``@ws_handler`` (with a ``reply`` listing what it returns), a
    ``send`` operation per message the consumer sends (handler outputs, event handler outputs
    and Chanx's own frames), and the messages' schemas in ``components``. The result depends
    only on the set of routes and the settings, never on their order, and its keys come in the
    order the package README documents, so serialising it gives the same bytes every time.

    Args:
        routes: The routed consumers.
        settings: Title, version, servers and the like; defaults when not given.

    Returns:
        The document, as JSON-compatible dicts and lists (no object appears twice in it).

    Raises:
        TypeError: When a route's consumer is not a Chanx consumer class.
        ValueError: When a server URL is malformed or a consumer's settings are invalid.
    """
    settings = settings or DocumentSettings()
    resolved = _routes(routes, settings)
    builder = _Builder(resolved, settings)
    for (record, address, view), channel in zip(resolved, _channel_keys(resolved), strict=True):
        builder.add_route(record, address, view, channel)
    return builder.document()
