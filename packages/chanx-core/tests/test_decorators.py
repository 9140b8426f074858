"""Unit tests for ``@ws_handler``, ``@event_handler``, ``@channel`` and ``channel_info``."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Callable
from typing import Any, Literal

import pytest

from chanx.core._decorators import HANDLER_ATTRIBUTE, HandlerKind
from chanx.core.decorators import channel, event_handler, ws_handler
from chanx.core.introspection import ChannelInfo, HandlerOptions, channel_info
from chanx.messages import BaseMessage, PingMessage, PongMessage


class NoteMessage(BaseMessage):
    """A note from the client."""

    action: Literal["note"] = "note"
    payload: str


HandlerDecorator = Callable[..., Any]
DECORATORS = pytest.mark.parametrize(
    ("decorator", "kind"), [(ws_handler, "ws"), (event_handler, "event")], ids=["ws", "event"]
)


async def _handler(self: Any, message: PingMessage) -> PongMessage:
    return PongMessage()


def _options(func: object) -> HandlerOptions:
    options = getattr(func, HANDLER_ATTRIBUTE)
    assert isinstance(options, HandlerOptions)
    return options


@DECORATORS
def test_bare_form_returns_the_same_function_with_its_signature(
    decorator: HandlerDecorator, kind: HandlerKind
) -> None:
    """Used bare, the decorator returns the very function it was given, signature intact."""

    async def handle(self: Any, message: PingMessage) -> PongMessage:
        return PongMessage()

    signature = inspect.signature(handle)
    decorated = decorator(handle)
    assert decorated is handle
    assert inspect.signature(decorated) == signature
    assert list(signature.parameters) == ["self", "message"]
    assert _options(decorated) == HandlerOptions(kind=kind)


@DECORATORS
def test_called_form_returns_the_same_function_and_records_every_option(
    decorator: HandlerDecorator, kind: HandlerKind
) -> None:
    """Called with options, the decorator returns the function and records each option."""

    async def handle(self: Any, message: PingMessage) -> None:
        return None

    signature = inspect.signature(handle)
    decorated = decorator(
        summary="Short",
        description="Longer text",
        tags=["chat", "ops"],
        input_type=NoteMessage,
        output_type=PongMessage,
    )(handle)
    assert decorated is handle
    assert inspect.signature(decorated) == signature
    options = _options(decorated)
    assert options.kind == kind
    assert options.summary == "Short"
    assert options.description == "Longer text"
    assert options.tags == ("chat", "ops")
    assert options.input_types == (NoteMessage,)
    assert options.output_types == (PongMessage,)


@DECORATORS
def test_called_form_without_arguments_records_defaults(
    decorator: HandlerDecorator, kind: HandlerKind
) -> None:
    """``@decorator()`` with no arguments behaves like the bare form."""
    decorated = decorator()(_handler)
    assert decorated is _handler
    options = _options(decorated)
    assert (options.summary, options.description, options.tags) == (None, None, ())
    assert (options.input_types, options.output_types) == (None, None)


@DECORATORS
def test_several_types_are_recorded_in_order(
    decorator: HandlerDecorator, kind: HandlerKind
) -> None:
    """A sequence of message classes for input_type or output_type is kept, in order."""

    async def handle(self: Any, message: PingMessage) -> None:
        return None

    decorator(input_type=[NoteMessage, PingMessage], output_type=(PongMessage, NoteMessage))(handle)
    options = _options(handle)
    assert options.input_types == (NoteMessage, PingMessage)
    assert options.output_types == (PongMessage, NoteMessage)


@DECORATORS
def test_non_async_function_is_a_type_error(decorator: HandlerDecorator, kind: HandlerKind) -> None:
    """A plain ``def`` is refused, in both forms, with a message naming the function."""

    def handle(self: Any, message: PingMessage) -> None:
        return None

    with pytest.raises(TypeError, match=r"async def.*handle"):
        decorator(handle)
    with pytest.raises(TypeError, match=r"async def.*handle"):
        decorator(summary="x")(handle)
    assert not hasattr(handle, HANDLER_ATTRIBUTE)


@DECORATORS
def test_async_generator_is_a_type_error(decorator: HandlerDecorator, kind: HandlerKind) -> None:
    """An ``async def`` that yields is not a coroutine function and is refused."""

    async def handle(self: Any, message: PingMessage) -> AsyncIterator[None]:
        yield None

    with pytest.raises(TypeError, match="async def"):
        decorator(handle)


@DECORATORS
@pytest.mark.parametrize("option", ["input_type", "output_type"])
@pytest.mark.parametrize(
    "value",
    [str, dict, [PingMessage, int], "PingMessage", PingMessage()],
    ids=["str", "dict", "list-with-int", "string", "instance"],
)
def test_non_message_types_are_a_type_error(
    decorator: HandlerDecorator, kind: HandlerKind, option: str, value: object
) -> None:
    """input_type and output_type accept only BaseMessage subclasses."""
    with pytest.raises(TypeError, match=option):
        decorator(**{option: value})


def test_channel_records_name_description_and_tags_and_returns_the_class() -> None:
    """``@channel`` returns the class unchanged and ``channel_info`` reports what it recorded."""

    class Consumer:
        """The class docstring, which an explicit description overrides."""

    decorated = channel(name="chat", description="Real-time chat API", tags=["chat", "rt"])(
        Consumer
    )
    assert decorated is Consumer
    assert channel_info(Consumer) == ChannelInfo(
        name="chat", description="Real-time chat API", tags=("chat", "rt")
    )


def test_channel_info_defaults_to_class_name_and_cleaned_docstring() -> None:
    """Without ``@channel``, the name is the class name and the description its docstring."""

    class ChatConsumer:
        """Real-time chat.

        Second paragraph.
        """

    assert channel_info(ChatConsumer) == ChannelInfo(
        name="ChatConsumer", description="Real-time chat.\n\nSecond paragraph.", tags=()
    )


def test_channel_without_description_falls_back_to_the_docstring() -> None:
    """``@channel(name=...)`` alone still takes the description from the docstring."""

    @channel(name="chat", tags=["a"])
    class Consumer:
        """From the docstring."""

    assert channel_info(Consumer) == ChannelInfo(
        name="chat", description="From the docstring.", tags=("a",)
    )


def test_channel_info_description_is_none_without_a_docstring() -> None:
    """A class without a docstring has description None, never the string "None"."""

    class Parent:
        """The parent's docstring is not inherited."""

    @channel(name="x")
    class Undocumented(Parent):
        pass

    class Bare:
        pass

    for cls in (Undocumented, Bare):
        info = channel_info(cls)
        assert info.description is None


def test_channel_info_is_not_inherited_from_a_decorated_base() -> None:
    """Each class is its own channel: a subclass does not reuse its base's ``@channel`` name."""

    @channel(name="base", description="Base channel")
    class Base:
        """Base."""

    class Child(Base):
        """Child."""

    assert channel_info(Child) == ChannelInfo(name="Child", description="Child.", tags=())
    assert channel_info(Base).name == "base"
