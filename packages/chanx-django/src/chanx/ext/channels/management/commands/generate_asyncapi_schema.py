"""``python manage.py generate_asyncapi_schema [--format json|yaml] [--output FILE]``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from chanx.asyncapi import dump_json, dump_yaml
from chanx.ext.channels._asyncapi import project_document

_SUFFIX_FORMATS = {".json": "json", ".yaml": "yaml", ".yml": "yaml"}


class Command(BaseCommand):
    """Write the AsyncAPI 3.0 document of the project's WebSocket routes."""

    help = (
        "Write the AsyncAPI 3.0 document of the Chanx consumers routed by ASGI_APPLICATION, to "
        "stdout or a file (servers come from CHANX['ASYNCAPI_SERVERS'])."
    )

    def add_arguments(self, parser: Any) -> None:
        """Add ``--format`` and ``--output``."""
        parser.add_argument(
            "--format",
            choices=("json", "yaml"),
            help="output format; from the output file's suffix, else json",
        )
        parser.add_argument("--output", "-o", help="write to this file instead of stdout")

    def handle(self, *args: Any, **options: Any) -> None:
        """Build the document and write it."""
        output = options.get("output")
        output_format = options.get("format")
        if output_format is None and output:
            output_format = _SUFFIX_FORMATS.get(Path(output).suffix.lower())
        try:
            document = project_document()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        text = dump_yaml(document) if output_format == "yaml" else dump_json(document)
        if output and output != "-":
            Path(output).write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote {output}")
        else:
            self.stdout.write(text, ending="")
