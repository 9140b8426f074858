"""Turn a router's path syntax into an AsyncAPI channel address with ``{name}`` parameters."""

from __future__ import annotations

import dataclasses
import re

_PARAMETER_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")
_BRACED = re.compile(r"\{([A-Za-z_][A-Za-z0-9_\-]*)(?::([^{}]*))?\}")
_ANGLED = re.compile(r"<(?:([A-Za-z_][A-Za-z0-9_]*):)?([A-Za-z_][A-Za-z0-9_]*)>")
_BRACED_NAMES = re.compile(r"\{([A-Za-z_][A-Za-z0-9_\-]*)\}")
_ESCAPED = re.compile(r"\\([./\-_~])")

_KIND_TEXT = {
    "int": "an integer",
    "float": "a number",
    "str": "a string without slashes",
    "slug": "a slug (letters, digits, hyphens and underscores)",
    "uuid": "a UUID",
    "path": "a string that may contain slashes",
}
_PATTERN_KINDS = {
    r"\d+": "int",
    "[0-9]+": "int",
    r"[^/]+": "str",
    r"\w+": "slug",
    r"[-\w]+": "slug",
    r"[\w-]+": "slug",
    "[-a-zA-Z0-9_]+": "slug",
    ".+": "path",
    ".*": "path",
}


@dataclasses.dataclass(frozen=True)
class Address:
    """A channel address in AsyncAPI form and what the router said about its parameters."""

    address: str
    """The address, with every parameter written ``{name}``."""
    kinds: dict[str, str | None]
    """Each parameter in address order, with its converter name or pattern (None if none)."""


def _named_groups(path: str) -> tuple[str, dict[str, str | None]]:
    """Replace each ``(?P<name>pattern)`` by ``{name}``, matching nested parentheses."""
    out: list[str] = []
    kinds: dict[str, str | None] = {}
    index = 0
    while True:
        start = path.find("(?P<", index)
        if start < 0:
            out.append(path[index:])
            break
        close = path.find(">", start)
        name = path[start + 4 : close] if close > 0 else ""
        if not _PARAMETER_NAME.fullmatch(name):
            out.append(path[index : start + 4])
            index = start + 4
            continue
        depth, position = 1, close + 1
        while position < len(path) and depth:
            char = path[position]
            if char == "\\":
                position += 1
            elif char == "(":
                depth += 1
            elif char == ")":
                depth -= 1
            position += 1
        out.append(path[index:start])
        out.append("{" + name + "}")
        kinds[name] = _kind_of_pattern(path[close + 1 : position - 1])
        index = position
    return "".join(out), kinds


def _kind_of_pattern(pattern: str) -> str:
    return _PATTERN_KINDS.get(pattern, pattern)


def normalize_address(path: str) -> Address:
    r"""Rewrite a route path in a router's syntax as an AsyncAPI channel address.

    Understands Starlette's ``{name}`` and ``{name:converter}``, Django's ``<name>`` and
    ``<converter:name>``, and regular-expression routes with ``(?P<name>...)`` groups, ``^``
    and ``$`` anchors and escaped punctuation. The result always starts with ``/``.

    Args:
        path: The route's path.

    Returns:
        The address and its parameters' converters or patterns, in address order.

    Example:
        >>> normalize_address("^ws/room/(?P<room_id>\\d+)/$").address
        '/ws/room/{room_id}/'
    """
    text = path.strip()
    regex = "(?P<" in text or text.startswith("^") or text.endswith("$")
    kinds: dict[str, str | None] = {}
    if regex:
        text = text.removeprefix("^").removesuffix("$").removesuffix(r"\Z")
        text, kinds = _named_groups(text)
        text = _ESCAPED.sub(r"\1", text)

    def braced(match: re.Match[str]) -> str:
        kinds.setdefault(match.group(1), match.group(2) or None)
        return "{" + match.group(1) + "}"

    def angled(match: re.Match[str]) -> str:
        kinds.setdefault(match.group(2), match.group(1) or None)
        return "{" + match.group(2) + "}"

    text = _ANGLED.sub(angled, text)
    text = _BRACED.sub(braced, text)
    if not text.startswith("/"):
        text = "/" + text
    ordered = {name: kinds.get(name) for name in _BRACED_NAMES.findall(text)}
    return Address(address=text, kinds=ordered)


def describe_kind(name: str, kind: str | None) -> str:
    """Return the generated description of a path parameter.

    Args:
        name: The parameter's name.
        kind: Its converter name or pattern, or None.

    Returns:
        One sentence such as ``"The room_id path parameter: an integer."``.
    """
    if kind is None:
        return f"The {name} path parameter."
    text = _KIND_TEXT.get(kind)
    if text is None:
        text = f"matches the regular expression {kind}"
    return f"The {name} path parameter: {text}."
