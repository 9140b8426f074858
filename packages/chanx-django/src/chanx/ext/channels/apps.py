"""The Django app: ``INSTALLED_APPS += ["chanx.ext.channels"]``."""

from __future__ import annotations

from django.apps import AppConfig

from chanx.ext.channels._conf import connect_signals


class ChanxChannelsConfig(AppConfig):
    """Chanx for Django Channels.

    Its label, ``chanx_channels``, never clashes with Channels' own ``channels`` app. Listing
    it provides the ``generate_asyncapi_schema`` management command and keeps consumer
    settings in step with ``CHANX`` changes made by tests.
    """

    name = "chanx.ext.channels"
    label = "chanx_channels"
    verbose_name = "Chanx (Django Channels)"
    default = True

    def ready(self) -> None:
        """Connect the ``setting_changed`` receiver that resolves consumer settings again."""
        connect_signals()
