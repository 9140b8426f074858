"""A model for the authenticator to load from the URL."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Room(models.Model):
    """A chat room; a private room admits only its owner."""

    name = models.CharField(max_length=50)
    private = models.BooleanField(default=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)

    def __str__(self) -> str:
        return str(self.name)
