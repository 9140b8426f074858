"""Unit tests for handler collection: input and output types, conflicts and inheritance."""

from abc import ABC
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Literal

import pytest
from chanx_core_host import HostConsumer

from chanx.core.decorators import event_handler, ws_handler
from chanx.core.introspection import HandlerSpec, collect_handlers
from chanx.messages import BaseMessage, PingMessage, PongMessage


class ChatMessage(BaseMessage):
    """A chat line from the client."""

    action: Literal["chat"] = "chat"
    payload: str


class ShoutMessage(BaseMessage):
    """A loud chat line; it answers to two actions."""

    action: Literal["shout", "yell"] = "shout"
    payload: str


class NoticeMessage(BaseMessage):
    """A notice sent to clients."""

    action: Literal["notice"] = "notice"
    payload: str


class ChatEvent(BaseMessage):
    """A server-side event that shares its action with ChatMessage."""

    action: Literal["chat"] = "chat"
    payload: str


class CompleteLike(BaseMessage):
    """A message that claims the reserved ``complete`` action."""

    action: Literal["complete"] = "complete"


class ErrorLike(BaseMessage):
    """A message that claims the reserved ``error`` action."""

    action: Literal["error"] = "error"


class AbstractChat(BaseMessage, ABC):
    """An abstract intermediate base, not a message."""


Handler = Callable[..., Awaitable[Any]]


def spec(cls: type[HostConsumer], name: str) -> HandlerSpec:
    """Return the handler spec called ``name`` of a consumer class."""
    found: dict[str, HandlerSpec] = {handler.name: handler for handler in cls.chanx_handlers()}
    return found[name]


# ---------------------------------------------------------------------------- input types


def test_input_type_comes_from_the_first_parameter_annotation() -> None:
    """The message parameter's annotation decides what a handler receives."""

    class Consumer(HostConsumer):
        @ws_handler
        async def handle_chat(self, message: ChatMessage) -> None:
            return None

    handler = spec(Consumer, "handle_chat")
    assert handler.kind == "ws"
    assert handler.input_types == (ChatMessage,)
    assert handler.actions == ("chat",)
    assert handler.owner is Consumer
    assert handler.function is vars(Consumer)["handle_chat"]


def test_collect_handlers_matches_what_the_class_stored() -> None:
    """``collect_handlers`` recomputes exactly what the class stored at creation."""

    class Consumer(HostConsumer):
        @ws_handler
        async def handle_chat(self, message: ChatMessage) -> None:
            return None

        @event_handler
        async def on_event(self, event: ChatEvent) -> None:
            return None

    assert collect_handlers(Consumer) == Consumer.chanx_handlers()
    assert [h.kind for h in Consumer.chanx_handlers()] == ["ws", "event"]


def test_input_type_override_wins_over_the_annotation() -> None:
    """``input_type=`` replaces what the annotation says."""

    class Consumer(HostConsumer):
        @ws_handler(input_type=[ChatMessage, ShoutMessage])
        async def handle(self, message: Any) -> None:
            return None

    assert spec(Consumer, "handle").input_types == (ChatMessage, ShoutMessage)


def test_union_annotation_routes_every_member_action() -> None:
    """A union of message classes routes each member's actions to the one handler."""

    class Consumer(HostConsumer):
        @ws_handler
        async def handle(self, message: ChatMessage | ShoutMessage) -> None:
            return None

    handler = spec(Consumer, "handle")
    assert handler.input_types == (ChatMessage, ShoutMessage)
    assert handler.actions == ("chat", "shout", "yell")
    routes = Consumer.chanx_routes()
    assert routes.ws_union is not None
    assert set(routes.ws_union.by_action) == {"chat", "shout", "yell"}


def test_optional_and_annotated_inputs_unwrap_to_the_message_class() -> None:
    """``X | None`` and ``Annotated[X, ...]`` both resolve to X."""

    class Consumer(HostConsumer):
        @ws_handler
        async def maybe(self, message: ChatMessage | None) -> None:
            return None

        @ws_handler
        async def annotated(self, message: Annotated[ShoutMessage, "meta"]) -> None:
            return None

    assert spec(Consumer, "maybe").input_types == (ChatMessage,)
    assert spec(Consumer, "annotated").input_types == (ShoutMessage,)


def test_missing_input_annotation_is_a_type_error_naming_the_handler() -> None:
    """An unannotated message parameter fails at class creation, naming the handler."""
    with pytest.raises(TypeError, match=r"Consumer\.handle_chat has no input type"):

        class Consumer(HostConsumer):
            @ws_handler
            async def handle_chat(self, message):  # type: ignore[no-untyped-def]
                return None


def test_handler_without_a_message_parameter_is_a_type_error() -> None:
    """A handler that takes no message parameter fails at class creation."""
    with pytest.raises(TypeError, match=r"Consumer\.on_tick has no input type"):

        class Consumer(HostConsumer):
            @event_handler
            async def on_tick(self) -> None:
                return None


@pytest.mark.parametrize(
    "annotation", [str, dict[str, Any], int | ChatMessage], ids=["str", "dict", "int-or-chat"]
)
def test_non_message_input_annotation_is_a_type_error(annotation: Any) -> None:
    """An input annotation that is not a message class (or union of them) is refused."""

    async def handle(self: Any, message: Any) -> None:
        return None

    handle.__annotations__["message"] = annotation
    with pytest.raises(
        TypeError, match=r"Consumer\.handle_chat input type: expected a BaseMessage"
    ):

        class Consumer(HostConsumer):
            handle_chat = ws_handler(handle)


def test_abstract_message_base_as_input_is_a_type_error() -> None:
    """An abstract intermediate base is not a message and cannot be a handler's input."""
    with pytest.raises(TypeError, match="AbstractChat is an abstract message base"):

        class Consumer(HostConsumer):
            @ws_handler
            async def handle(self, message: AbstractChat) -> None:
                return None


@pytest.mark.parametrize("decorator", [ws_handler, event_handler], ids=["ws", "event"])
def test_abstract_message_base_as_input_type_override_is_a_type_error(
    decorator: Callable[..., Callable[[Handler], Handler]],
) -> None:
    """``input_type=`` naming an abstract base also fails at class creation."""
    with pytest.raises(TypeError, match="abstract message base"):

        class Consumer(HostConsumer):
            @decorator(input_type=AbstractChat)
            async def handle(self, message: Any) -> None:
                return None


def test_base_message_itself_as_input_is_a_type_error() -> None:
    """``BaseMessage`` is abstract and cannot be a handler's input."""
    with pytest.raises(TypeError, match="abstract message base"):

        class Consumer(HostConsumer):
            @ws_handler
            async def handle(self, message: BaseMessage) -> None:
                return None


@pytest.mark.parametrize(("message", "action"), [(CompleteLike, "complete"), (ErrorLike, "error")])
def test_reserved_action_as_ws_input_is_a_type_error(
    message: type[BaseMessage], action: str
) -> None:
    """A client message may not claim an action Chanx itself sends."""
    with pytest.raises(TypeError, match=rf"action '{action}' is reserved"):

        class Consumer(HostConsumer):
            @ws_handler(input_type=[ChatMessage, message])
            async def handle(self, message: Any) -> None:
                return None


def test_reserved_action_in_a_union_annotation_is_a_type_error() -> None:
    """The reserved-action check covers every member of a union annotation."""
    with pytest.raises(TypeError, match="reserved"):

        class Consumer(HostConsumer):
            @ws_handler
            async def handle(self, message: ChatMessage | CompleteLike) -> None:
                return None


# ---------------------------------------------------------------------------- output types


def test_output_types_come_from_the_return_annotation() -> None:
    """``-> None`` (or none) means no outputs; a class or union lists them; None is dropped."""

    class Consumer(HostConsumer):
        @ws_handler
        async def silent(self, message: PingMessage) -> None:
            return None

        @ws_handler
        async def unannotated_return(self, message: ChatMessage):  # type: ignore[no-untyped-def]
            return None

        @ws_handler
        async def single(self, message: ShoutMessage) -> PongMessage:
            return PongMessage()

        @event_handler
        async def several(self, event: ChatEvent) -> NoticeMessage | PongMessage | None:
            return None

    assert spec(Consumer, "silent").output_types == ()
    assert spec(Consumer, "unannotated_return").output_types == ()
    assert spec(Consumer, "single").output_types == (PongMessage,)
    assert spec(Consumer, "several").output_types == (NoticeMessage, PongMessage)


def test_output_type_override_wins_over_the_return_annotation() -> None:
    """``output_type=`` lists what a handler sends even when it returns None."""

    class Consumer(HostConsumer):
        @ws_handler(output_type=NoticeMessage)
        async def one(self, message: ChatMessage) -> None:
            return None

        @ws_handler(output_type=[NoticeMessage, PongMessage])
        async def two(self, message: PingMessage) -> PongMessage:
            return PongMessage()

    assert spec(Consumer, "one").output_types == (NoticeMessage,)
    assert spec(Consumer, "two").output_types == (NoticeMessage, PongMessage)


def test_non_message_return_annotation_is_a_type_error() -> None:
    """A return annotation that is not a message class is refused at class creation."""
    with pytest.raises(TypeError, match=r"Consumer\.handle return: expected a BaseMessage"):

        class Consumer(HostConsumer):
            @ws_handler
            async def handle(self, message: ChatMessage) -> str:
                return ""


# ---------------------------------------------------------------------------- conflicts


def test_two_ws_handlers_for_one_action_is_a_type_error_naming_both() -> None:
    """Two handlers of one kind claiming one action fail at class creation, both named."""
    with pytest.raises(
        TypeError, match=r"first_chat and second_chat both handle the ws action 'chat'"
    ):

        class Consumer(HostConsumer):
            @ws_handler
            async def first_chat(self, message: ChatMessage) -> None:
                return None

            @ws_handler(input_type=ChatMessage)
            async def second_chat(self, message: Any) -> None:
                return None


def test_overlap_through_a_second_action_value_is_a_type_error() -> None:
    """A conflict on any action value, not only the default, is detected."""

    class YellMessage(BaseMessage):
        action: Literal["yell"] = "yell"

    with pytest.raises(TypeError, match=r"shout and yell both handle the ws action 'yell'"):

        class Consumer(HostConsumer):
            @ws_handler
            async def shout(self, message: ShoutMessage) -> None:
                return None

            @ws_handler
            async def yell(self, message: YellMessage) -> None:
                return None


def test_two_event_handlers_for_one_action_is_a_type_error() -> None:
    """Event handlers are checked for conflicts too."""
    with pytest.raises(TypeError, match=r"on_a and on_b both handle the event action 'chat'"):

        class Consumer(HostConsumer):
            @event_handler
            async def on_a(self, event: ChatEvent) -> None:
                return None

            @event_handler
            async def on_b(self, event: ChatMessage) -> None:
                return None


def test_conflict_with_an_inherited_handler_is_a_type_error() -> None:
    """A subclass handler under a new name may not claim an action its base handles."""

    class Base(HostConsumer):
        @ws_handler
        async def handle_chat(self, message: ChatMessage) -> None:
            return None

    with pytest.raises(TypeError, match="handle_chat and other_chat"):

        class Child(Base):
            @ws_handler
            async def other_chat(self, message: ChatMessage) -> None:
                return None


def test_same_action_for_a_ws_and_an_event_handler_is_fine() -> None:
    """Client messages and server events live in separate routing tables."""

    class Consumer(HostConsumer):
        @ws_handler
        async def handle_chat(self, message: ChatMessage) -> None:
            return None

        @event_handler
        async def on_chat(self, event: ChatEvent) -> None:
            return None

    routes = Consumer.chanx_routes()
    assert routes.ws_routes == {ChatMessage: vars(Consumer)["handle_chat"]}
    assert routes.event_routes == {ChatEvent: vars(Consumer)["on_chat"]}


# ---------------------------------------------------------------------------- inheritance


class GreetingMixin:
    """A plain mixin (not a consumer) that contributes a handler."""

    @ws_handler
    async def handle_ping(self, message: PingMessage) -> PongMessage:
        return PongMessage()


def test_handlers_on_mixins_and_base_classes_are_found_through_the_mro() -> None:
    """Handlers come from every class in the MRO, base classes first."""

    class Base(HostConsumer):
        @event_handler
        async def on_chat(self, event: ChatEvent) -> None:
            return None

    class Consumer(GreetingMixin, Base):
        @ws_handler
        async def handle_chat(self, message: ChatMessage) -> None:
            return None

    handlers = Consumer.chanx_handlers()
    assert [h.name for h in handlers] == ["on_chat", "handle_ping", "handle_chat"]
    assert [h.owner for h in handlers] == [Base, GreetingMixin, Consumer]
    assert Consumer.chanx_routes().ws_routes[PingMessage] is vars(GreetingMixin)["handle_ping"]


def test_subclass_override_replaces_the_base_handler() -> None:
    """Redefining a handler's method with a decorator replaces the base's handler."""

    class Base(HostConsumer):
        @ws_handler
        async def handle(self, message: ChatMessage) -> None:
            return None

    class Child(Base):
        @ws_handler
        async def handle(self, message: ShoutMessage) -> None:  # type: ignore[override]
            return None

    assert [(h.name, h.input_types, h.owner) for h in Child.chanx_handlers()] == [
        ("handle", (ShoutMessage,), Child)
    ]
    assert [(h.name, h.owner) for h in Base.chanx_handlers()] == [("handle", Base)]


def test_override_with_an_undecorated_method_removes_the_handler() -> None:
    """Redefining a handler's method without a decorator removes it from the subclass."""

    class Base(HostConsumer):
        @ws_handler
        async def handle(self, message: ChatMessage) -> None:
            return None

        @ws_handler
        async def handle_ping(self, message: PingMessage) -> PongMessage:
            return PongMessage()

    class Child(Base):
        async def handle(self, message: ChatMessage) -> None:
            return None

    assert [h.name for h in Child.chanx_handlers()] == ["handle_ping"]
    assert [h.name for h in Base.chanx_handlers()] == ["handle", "handle_ping"]


def test_mro_order_decides_which_same_named_method_counts() -> None:
    """With two bases defining one name, the one Python's MRO picks decides."""

    class Plain:
        async def handle_ping(self, message: PingMessage) -> PongMessage:
            return PongMessage()

    class Hidden(Plain, GreetingMixin, HostConsumer):
        pass

    class Visible(GreetingMixin, Plain, HostConsumer):
        pass

    assert Hidden.chanx_handlers() == ()
    assert [h.owner for h in Visible.chanx_handlers()] == [GreetingMixin]


def test_overriding_lets_a_subclass_reuse_an_action() -> None:
    """Replacing the method that handled an action frees that action for the new handler."""

    class Base(HostConsumer):
        @ws_handler
        async def handle(self, message: ChatMessage) -> None:
            return None

    class Child(Base):
        handle = None  # type: ignore[assignment]

        @ws_handler
        async def handle_chat(self, message: ChatMessage) -> None:
            return None

    assert [h.name for h in Child.chanx_handlers()] == ["handle_chat"]


# ---------------------------------------------------------------------------- docs


def test_summary_and_description_default_from_the_docstring() -> None:
    """The docstring's first line is the summary and the rest the description."""

    class Consumer(HostConsumer):
        @ws_handler
        async def documented(self, message: ChatMessage) -> None:
            """Send a chat line.

            Everyone in the room
            receives it.
            """

        @ws_handler
        async def undocumented(self, message: PingMessage) -> None:
            return None

        @ws_handler(summary="Given summary", description="Given description", tags=["t"])
        async def explicit(self, message: ShoutMessage) -> None:
            """Docstring summary.

            Docstring description.
            """

    documented = spec(Consumer, "documented")
    assert documented.summary == "Send a chat line."
    assert documented.description == "Everyone in the room\nreceives it."
    undocumented = spec(Consumer, "undocumented")
    assert (undocumented.summary, undocumented.description) == (None, None)
    explicit = spec(Consumer, "explicit")
    assert (explicit.summary, explicit.description, explicit.tags) == (
        "Given summary",
        "Given description",
        ("t",),
    )


def test_one_line_docstring_gives_a_summary_and_no_description() -> None:
    """A one-line docstring fills the summary only."""

    class Consumer(HostConsumer):
        @ws_handler
        async def handle(self, message: ChatMessage) -> None:
            """Only a summary."""

    handler = spec(Consumer, "handle")
    assert (handler.summary, handler.description) == ("Only a summary.", None)
