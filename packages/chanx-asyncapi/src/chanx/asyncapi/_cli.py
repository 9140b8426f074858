"""The ``chanx`` command line: ``chanx asyncapi myapp.main:app -o asyncapi.yaml``."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from chanx.asyncapi._discovery import RouteDiscoveryError, discover_routes
from chanx.asyncapi._document import build_document
from chanx.asyncapi._page import PageAssets, render_docs_page
from chanx.asyncapi._serialize import dump
from chanx.asyncapi._settings import DocumentSettings

_SUFFIX_FORMATS = {".json": "json", ".yaml": "yaml", ".yml": "yaml", ".html": "html"}


class CommandError(Exception):
    """A problem the user can fix; printed without a traceback."""


def load_attribute(target: str) -> object:
    """Import ``module:attribute`` (the attribute may be dotted) and return the object.

    Args:
        target: Such as ``myapp.main:app`` or ``myproject.asgi:application``.

    Returns:
        The object.

    Raises:
        CommandError: When the text is malformed, the module fails to import or the
            attribute is missing.
    """
    module_name, sep, attribute = target.partition(":")
    if not sep or not module_name or not attribute:
        msg = f"expected MODULE:ATTRIBUTE such as myapp.main:app, got {target!r}"
        raise CommandError(msg)
    try:
        value: object = importlib.import_module(module_name)
    except ImportError as exc:
        msg = f"cannot import {module_name!r}: {exc}"
        raise CommandError(msg) from exc
    for part in attribute.split("."):
        try:
            value = getattr(value, part)
        except AttributeError as exc:
            msg = f"{module_name!r} has no attribute {attribute!r}"
            raise CommandError(msg) from exc
    return value


def _server(text: str) -> tuple[str, str]:
    name, sep, url = text.partition("=")
    if not sep:
        name, url = "default", text
    if not name or not url:
        msg = f"expected NAME=URL or URL, got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return name, url


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="chanx", description="Chanx command line tools.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    asyncapi = commands.add_parser(
        "asyncapi",
        help="write the AsyncAPI 3.0 document (or docs page) of an application",
        description="Write the AsyncAPI 3.0 document of an application's routed consumers.",
    )
    asyncapi.add_argument(
        "app", help="the application as MODULE:ATTRIBUTE, or an attribute holding route records"
    )
    asyncapi.add_argument(
        "-f",
        "--format",
        choices=("json", "yaml", "html"),
        help="output format; from the output file's suffix, else json",
    )
    asyncapi.add_argument("-o", "--output", help="write to this file instead of stdout")
    asyncapi.add_argument("--title", help="info.title")
    asyncapi.add_argument("--version", dest="doc_version", help="info.version of your API")
    asyncapi.add_argument("--description", help="info.description")
    asyncapi.add_argument(
        "--server",
        action="append",
        type=_server,
        default=[],
        metavar="[NAME=]URL",
        help="a server such as prod=wss://api.example.com (repeatable)",
    )
    camel = asyncapi.add_mutually_exclusive_group()
    camel.add_argument(
        "--camelize", dest="camelize", action="store_const", const=True, help="camelCase names"
    )
    camel.add_argument(
        "--no-camelize", dest="camelize", action="store_const", const=False, help="as declared"
    )
    asyncapi.add_argument(
        "--assets-url",
        help="for html: a folder URL serving the @asyncapi/react-component package files",
    )
    asyncapi.add_argument(
        "--app-dir",
        default=".",
        help="put this folder first on the import path (default: the current folder)",
    )
    return parser


def _render(options: argparse.Namespace) -> str:
    sys.path.insert(0, os.path.abspath(options.app_dir))
    try:
        routes = discover_routes(load_attribute(options.app))
    except RouteDiscoveryError as exc:
        raise CommandError(str(exc)) from exc
    overrides: dict[str, Any] = {}
    for name in ("title", "description", "camelize"):
        if getattr(options, name) is not None:
            overrides[name] = getattr(options, name)
    if options.doc_version is not None:
        overrides["version"] = options.doc_version
    if options.server:
        overrides["servers"] = dict(options.server)
    try:
        document = build_document(routes, DocumentSettings(**overrides))
    except (TypeError, ValueError) as exc:
        raise CommandError(str(exc)) from exc
    output_format = options.format
    if output_format is None and options.output:
        output_format = _SUFFIX_FORMATS.get(Path(options.output).suffix.lower())
    if output_format == "html":
        assets = PageAssets.local(options.assets_url) if options.assets_url else None
        if assets is None:
            return render_docs_page(document)
        return render_docs_page(document, assets=assets)
    return dump(document, "yaml" if output_format == "yaml" else "json")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``chanx`` command.

    Args:
        argv: The arguments after the program name; ``sys.argv[1:]`` when not given.

    Returns:
        The exit status: 0 on success, 1 on an error the message explains, 2 for bad usage.
    """
    options = _parser().parse_args(argv)
    try:
        text = _render(options)
    except CommandError as exc:
        print(f"chanx {options.command}: error: {exc}", file=sys.stderr)
        return 1
    if options.output and options.output != "-":
        Path(options.output).write_bytes(text.encode("utf-8"))
    else:
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.flush()
    return 0
