"""Settings are resolved lazily per connection: project values, class overrides, invalidation."""

from __future__ import annotations

from chanx_core_host import HostConsumer, HostFramework

from chanx.core import invalidate_settings
from chanx.core.decorators import ws_handler
from chanx.core.testing import WebsocketCommunicator
from chanx.messages import PingMessage, PongMessage


class EarlyConsumer(HostConsumer):
    """Defined at import time, before any project setting exists."""

    @ws_handler
    async def ping(self, message: PingMessage) -> PongMessage:
        return PongMessage()


class OverridingConsumer(EarlyConsumer):
    send_completion = False


async def ping_frames(consumer: type[HostConsumer]) -> list[str]:
    """Connect, ping, and return the actions of every frame the ping produced."""
    async with WebsocketCommunicator(consumer.as_asgi(), "/ws", consumer=consumer) as communicator:
        await communicator.send_json({"action": "ping"})
        actions = [(await communicator.receive_json())["action"]]
        while not await communicator.receive_nothing(timeout=0.05):
            actions.append((await communicator.receive_json())["action"])
        return actions


async def test_a_project_setting_applies_to_a_class_defined_before_it() -> None:
    """A class defined before the project setting picks it up on its next connection."""
    assert await ping_frames(EarlyConsumer) == ["pong"]
    HostFramework.project_settings = {"SEND_COMPLETION": True}
    invalidate_settings()
    assert await ping_frames(EarlyConsumer) == ["pong", "complete"]


async def test_a_resolved_class_keeps_its_settings_until_invalidated() -> None:
    """Settings are cached per class; a project change is seen only after invalidate_settings()."""
    assert await ping_frames(EarlyConsumer) == ["pong"]
    HostFramework.project_settings = {"SEND_COMPLETION": True}
    assert await ping_frames(EarlyConsumer) == ["pong"]
    invalidate_settings()
    assert await ping_frames(EarlyConsumer) == ["pong", "complete"]


async def test_a_class_attribute_overrides_the_project_value() -> None:
    """A setting set on the class wins over the project's value."""
    HostFramework.project_settings = {"SEND_COMPLETION": True}
    invalidate_settings()
    assert await ping_frames(OverridingConsumer) == ["pong"]
    assert await ping_frames(EarlyConsumer) == ["pong", "complete"]
