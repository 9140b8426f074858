"""JSON Schemas of message classes, lifted into ``components/schemas`` in AsyncAPI form.

Pydantic writes one schema per model (nested models included) into ``$defs`` and names them,
qualifying a name with its module when two models share it. This module rewrites those schemas
for an AsyncAPI 3.0 document:

- ``$ref`` targets move from ``#/$defs/X`` to ``#/components/schemas/X``;
- OpenAPI-style ``discriminator`` objects are dropped (the AsyncAPI Schema Object's
  ``discriminator`` is a plain property name with other rules): a discriminated union stays a
  ``oneOf`` whose members each pin their tag with ``const``;
- ``prefixItems`` (tuples, JSON Schema 2020-12) become draft-07 ``items`` arrays;
- for camelCase consumers, property names, ``required`` entries and the keys inside
  ``default`` / ``examples`` / ``const`` / ``enum`` values go through the function the wire
  uses, so the schema names exactly what a client sends and receives.

When one document needs a model both as is and in camelCase, and the two differ, the camelCase
one is named ``<name>.camelCase``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from pydantic.json_schema import models_json_schema

from chanx.asyncapi._names import qualified_name
from chanx.core.introspection import camel_name, camelize_keys
from chanx.messages import BaseMessage

SCHEMAS_POINTER = "#/components/schemas/"
CAMEL_SUFFIX = ".camelCase"

_DEFS_POINTER = "#/$defs/"
_VALUE_KEYWORDS = frozenset({"default", "examples", "example", "const", "enum"})
_SCHEMA_MAPS = frozenset({"properties", "patternProperties", "dependentSchemas"})
_SCHEMA_LISTS = frozenset({"allOf", "anyOf", "oneOf"})
_SCHEMA_VALUES = frozenset(
    {
        "items",
        "additionalItems",
        "additionalProperties",
        "not",
        "if",
        "then",
        "else",
        "contains",
        "propertyNames",
        "unevaluatedItems",
        "unevaluatedProperties",
    }
)

MessageUse = tuple[type[BaseMessage], bool]
"""A message class and whether it is documented in camelCase."""


def convert(schema: Any, camel: bool, ref: Callable[[str], str]) -> Any:
    """Return a fresh copy of one JSON Schema, rewritten for AsyncAPI (see the module doc).

    Args:
        schema: A schema from Pydantic's ``$defs``.
        camel: Rename properties to camelCase, as the wire does.
        ref: Maps a ``$defs`` name to the ``$ref`` pointer that replaces it.

    Returns:
        The rewritten schema; the input is not modified.
    """
    if isinstance(schema, list):
        return [convert(item, camel, ref) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for word, value in schema.items():
        if word == "$ref" and isinstance(value, str) and value.startswith(_DEFS_POINTER):
            out[word] = ref(value.removeprefix(_DEFS_POINTER))
        elif word == "discriminator" and isinstance(value, dict):
            continue
        elif word == "prefixItems":
            out["items"] = convert(value, camel, ref)
        elif word == "items" and "prefixItems" in schema:
            out["additionalItems"] = convert(value, camel, ref)
        elif word == "properties" and isinstance(value, dict):
            out[word] = {
                (camel_name(name) if camel else name): convert(item, camel, ref)
                for name, item in value.items()
            }
        elif word in _SCHEMA_MAPS and isinstance(value, dict):
            out[word] = {name: convert(item, camel, ref) for name, item in value.items()}
        elif word in _SCHEMA_LISTS or word in _SCHEMA_VALUES:
            out[word] = convert(value, camel, ref)
        elif word == "required" and camel and isinstance(value, list):
            out[word] = [camel_name(name) if isinstance(name, str) else name for name in value]
        elif word in _VALUE_KEYWORDS and camel:
            out[word] = camelize_keys(value)
        else:
            out[word] = _copy(value)
    return out


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _references(schema: Any) -> set[str]:
    found: set[str] = set()

    def note(name: str) -> str:
        found.add(name)
        return name

    convert(schema, False, note)
    return found


def _closure(roots: Iterable[str], edges: dict[str, set[str]]) -> set[str]:
    seen: set[str] = set()
    stack = list(roots)
    while stack:
        name = stack.pop()
        if name not in seen:
            seen.add(name)
            stack.extend(edges[name])
    return seen


class SchemaComponents:
    """The schemas of a set of message uses, named and ready for ``components/schemas``.

    Args:
        uses: Each message class with its camelCase flag; duplicates are fine. Classes are
            handed to Pydantic sorted by module and qualified name, so the names it picks do
            not depend on the order of ``uses``.
    """

    def __init__(self, uses: Iterable[MessageUse]) -> None:
        wanted = list(dict.fromkeys(uses))
        classes = sorted({cls for cls, _ in wanted}, key=qualified_name)
        refs, top = models_json_schema(
            [(cls, "validation") for cls in classes], ref_template=_DEFS_POINTER + "{model}"
        )
        defs: dict[str, Any] = top.get("$defs", {})
        self._defs = defs
        roots = {
            cls: str(refs[(cls, "validation")]["$ref"]).removeprefix(_DEFS_POINTER)
            for cls in classes
        }
        edges = {name: _references(schema) for name, schema in defs.items()}
        own = {
            name: convert(schema, True, str) != convert(schema, False, str)
            for name, schema in defs.items()
        }
        changed = {name for name, differs in own.items() if differs}
        growing = True
        while growing:
            grown = {name for name in defs if edges[name] & changed} | changed
            growing, changed = grown != changed, grown
        snake = _closure((roots[cls] for cls, camel in wanted if not camel), edges)
        camel = _closure((roots[cls] for cls, camel in wanted if camel), edges)
        self._names: dict[tuple[str, bool], str] = {}
        for name in snake:
            self._names[name, False] = name
        for name in camel:
            suffixed = name in changed and name in snake
            self._names[name, True] = name + CAMEL_SUFFIX if suffixed else name
        self._roots = roots

    def name(self, cls: type[BaseMessage], camel: bool) -> str:
        """Return the ``components/schemas`` key of a message class in one form.

        Args:
            cls: A message class given to the constructor.
            camel: The form.

        Returns:
            The key.
        """
        return self._names[self._roots[cls], camel]

    def schemas(self) -> dict[str, Any]:
        """Return every schema the uses need, keyed by name, sorted by key."""
        found: dict[str, Any] = {}
        for (name, camel), target in self._names.items():

            def pointer(referenced: str, camel: bool = camel) -> str:
                return SCHEMAS_POINTER + self._names[referenced, camel]

            found[target] = convert(self._defs[name], camel, pointer)
        return dict(sorted(found.items()))
