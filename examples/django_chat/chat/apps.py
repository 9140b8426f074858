from django.apps import AppConfig


class ChatConfig(AppConfig):
    """The chat rooms and notifications of the example."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "chat"
