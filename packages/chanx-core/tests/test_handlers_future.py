from __future__ import annotations

# Handler collection in a module with postponed annotations: every annotation is a string.
from typing import Any, Literal

import pytest
from chanx_core_host import HostConsumer

from chanx.core.decorators import event_handler, ws_handler
from chanx.messages import BaseMessage, PingMessage, PongMessage


class ModuleChat(BaseMessage):
    """A chat line defined at module level."""

    action: Literal["module_chat"] = "module_chat"
    payload: str


class ModuleConsumer(HostConsumer):
    """A consumer defined at module level, whose annotations are strings."""

    @ws_handler
    async def handle_ping(self, message: PingMessage) -> PongMessage:
        return PongMessage()

    @ws_handler
    async def handle_chat(self, message: ModuleChat) -> ModuleChat | None:
        return None


def test_module_level_string_annotations_resolve() -> None:
    """String annotations naming module-level classes resolve to those classes."""
    handlers = {h.name: h for h in ModuleConsumer.chanx_handlers()}
    assert handlers["handle_ping"].input_types == (PingMessage,)
    assert handlers["handle_ping"].output_types == (PongMessage,)
    assert handlers["handle_chat"].input_types == (ModuleChat,)
    assert handlers["handle_chat"].output_types == (ModuleChat,)


def test_message_classes_local_to_the_test_function_resolve() -> None:
    """Messages defined in the function that defines the consumer resolve, in unions too."""

    class LocalChat(BaseMessage):
        action: Literal["local_chat"] = "local_chat"
        payload: str

    class LocalReply(BaseMessage):
        action: Literal["local_reply"] = "local_reply"

    class LocalEvent(BaseMessage):
        action: Literal["local_event"] = "local_event"

    class Consumer(HostConsumer):
        @ws_handler
        async def handle(self, message: LocalChat | PingMessage) -> LocalReply | PongMessage:
            return LocalReply()

        @event_handler
        async def on_event(self, event: LocalEvent) -> LocalReply:
            return LocalReply()

    handlers = {h.name: h for h in Consumer.chanx_handlers()}
    assert handlers["handle"].input_types == (LocalChat, PingMessage)
    assert handlers["handle"].output_types == (LocalReply, PongMessage)
    assert handlers["on_event"].input_types == (LocalEvent,)
    assert handlers["on_event"].output_types == (LocalReply,)


def test_a_subclass_of_a_consumer_built_elsewhere_with_local_messages_resolves() -> None:
    """Subclassing a consumer whose handlers name another function's locals still works."""

    def build_base() -> type[HostConsumer]:
        class FactoryMessage(BaseMessage):
            action: Literal["factory"] = "factory"

        class Base(HostConsumer):
            @ws_handler
            async def handle(self, message: FactoryMessage) -> FactoryMessage:
                return message

        return Base

    base = build_base()

    class Child(base):  # type: ignore[valid-type,misc]
        @ws_handler
        async def handle_ping(self, message: PingMessage) -> None:
            return None

    handlers = {h.name: h for h in Child.chanx_handlers()}
    assert set(handlers) == {"handle", "handle_ping"}
    assert handlers["handle"].input_types == handlers["handle"].output_types
    assert handlers["handle"].actions == ("factory",)


def test_a_class_defined_after_the_consumer_is_a_type_error_with_a_hint() -> None:
    """A name that does not exist yet when the consumer is created fails, naming the handler."""
    with pytest.raises(TypeError, match=r"Consumer\.handle: cannot resolve its annotations"):

        class Consumer(HostConsumer):
            @ws_handler
            async def handle(self, message: LaterMessage) -> None:
                return None

    class LaterMessage(BaseMessage):
        action: Literal["later"] = "later"


def test_explicit_types_spare_the_annotations_they_replace() -> None:
    """With input_type= and output_type=, names that cannot be resolved are never looked up."""

    class Consumer(HostConsumer):
        @ws_handler(input_type=PingMessage)
        async def handle(self, message: Unknown) -> PongMessage:  # type: ignore[name-defined]  # noqa: F821
            return PongMessage()

        @ws_handler(input_type=ModuleChat, output_type=ModuleChat)
        async def handle_chat(self, message: Unknown) -> Unknown:  # type: ignore[name-defined]  # noqa: F821
            return None

    handlers = {h.name: h for h in Consumer.chanx_handlers()}
    assert (handlers["handle"].input_types, handlers["handle"].output_types) == (
        (PingMessage,),
        (PongMessage,),
    )
    assert handlers["handle_chat"].output_types == (ModuleChat,)


def test_an_unresolvable_annotation_still_read_is_a_type_error() -> None:
    """An explicit input_type= does not excuse an unresolvable return annotation."""
    with pytest.raises(TypeError, match=r"Consumer\.handle: cannot resolve"):

        class Consumer(HostConsumer):
            @ws_handler(input_type=PingMessage)
            async def handle(self, message: PingMessage) -> Unknown:  # type: ignore[name-defined]  # noqa: F821
                return None


def test_non_message_string_annotation_is_a_type_error() -> None:
    """A postponed annotation naming a non-message type is refused like an eager one."""
    with pytest.raises(TypeError, match="expected a BaseMessage"):

        class Consumer(HostConsumer):
            @ws_handler
            async def handle(self, message: dict[str, Any]) -> None:
                return None
