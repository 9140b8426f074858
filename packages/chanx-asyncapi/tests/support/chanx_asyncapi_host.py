"""A minimal consumer base for the AsyncAPI tests: no Django, no fast-channels.

The generator only reads consumer classes (their handlers and resolved settings), so the
framework half is reduced to what a class needs to exist: project settings the tests can set.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from chanx.core.websocket import ChanxWebsocketMixin, ReceiveEvent


class HostConsumer(ChanxWebsocketMixin[ReceiveEvent]):
    """The consumer base class the AsyncAPI tests subclass, like an adapter's."""

    project_settings: ClassVar[dict[str, Any]] = {}

    @classmethod
    def chanx_project_settings(cls) -> Mapping[str, Any]:
        return HostConsumer.project_settings
