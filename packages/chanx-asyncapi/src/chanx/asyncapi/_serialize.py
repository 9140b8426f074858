"""Serialise a document to JSON or YAML text, the same bytes for the same document."""

from __future__ import annotations

import json
from typing import Any, Literal

import yaml

Format = Literal["json", "yaml"]


class _Dumper(yaml.SafeDumper):
    """PyYAML's safe dumper without anchors and aliases: every repeated value is written out."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    # Docstrings span lines: a literal block keeps them readable (PyYAML falls back to a
    # quoted style by itself when a string cannot be a block, such as one with trailing spaces).
    if "\n" in data:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    return dumper.represent_str(data)


_Dumper.add_representer(str, _represent_str)


def dump_json(document: dict[str, Any]) -> str:
    """Return the document as JSON text.

    Keys keep the document's own order (never sorted here), indentation is two spaces,
    non-ASCII text is written as is, and the text ends with one newline.

    Args:
        document: A document from :func:`build_document`.

    Returns:
        The JSON text.
    """
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def dump_yaml(document: dict[str, Any]) -> str:
    """Return the document as YAML text (YAML 1.1 via PyYAML's safe dumper).

    Keys keep the document's own order, block style throughout (multi-line text as literal
    blocks), no anchors or aliases, no line folding, and the text ends with one newline.

    Args:
        document: A document from :func:`build_document`.

    Returns:
        The YAML text.
    """
    text: str = yaml.dump(
        document,
        Dumper=_Dumper,
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
        width=1_000_000,
        indent=2,
    )
    return text


def dump(document: dict[str, Any], format: Format) -> str:
    """Return the document as text in ``format``.

    Args:
        document: A document from :func:`build_document`.
        format: ``json`` or ``yaml``.

    Returns:
        The text.

    Raises:
        ValueError: For any other format.
    """
    if format == "json":
        return dump_json(document)
    if format == "yaml":
        return dump_yaml(document)
    msg = f"unknown format {format!r}: use json or yaml"
    raise ValueError(msg)
