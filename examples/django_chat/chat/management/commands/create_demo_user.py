"""``python manage.py create_demo_user``: a user to sign in with, and their API token."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from rest_framework.authtoken.models import Token


class Command(BaseCommand):
    help = "Create (or reset) a demo user and print their DRF token."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default="demo")
        parser.add_argument("--password", default="demo-password")

    def handle(self, *args: Any, **options: Any) -> None:
        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(username=options["username"])
        user.set_password(options["password"])
        user.save()
        token, _ = Token.objects.get_or_create(user=user)
        verb = "Created" if created else "Reset the password of"
        self.stdout.write(f"{verb} user {user.get_username()!r}; password {options['password']!r}")
        self.stdout.write(f"Token: {token.key}")
