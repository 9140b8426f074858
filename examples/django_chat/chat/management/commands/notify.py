"""``python manage.py notify TITLE [--body TEXT]``: notify every connected, signed-in user."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from pydantic import ValidationError

from chat.consumers import NotificationsConsumer
from chat.messages import NotificationPayload, NotifyEvent


class Command(BaseCommand):
    help = (
        "Send a notification to every connected, signed-in user. Clients of a server in "
        "another process are reached through Redis only (set REDIS_URL for both)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("title", help="a short headline")
        parser.add_argument("--body", default="", help="more detail")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            payload = NotificationPayload(title=options["title"], body=options["body"])
        except ValidationError as exc:
            raise CommandError(str(exc)) from exc
        NotificationsConsumer.broadcast_event_sync(NotifyEvent(payload=payload))
        self.stdout.write(self.style.SUCCESS(f"Sent: {payload.title}"))
