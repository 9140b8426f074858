"""``@ws_handler``, ``@event_handler`` and ``@channel``: what a consumer declares."""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Literal, TypeVar, overload

from chanx.core._guards import Permission
from chanx.core._limits import RateLimit
from chanx.messages import BaseMessage

HandlerKind = Literal["ws", "event"]
MessageTypes = type[BaseMessage] | Sequence[type[BaseMessage]]

F = TypeVar("F", bound=Callable[..., Awaitable[Any]])
C = TypeVar("C", bound=type)

HANDLER_ATTRIBUTE = "__chanx_handler__"
CHANNEL_ATTRIBUTE = "__chanx_channel__"


@dataclasses.dataclass(frozen=True)
class HandlerOptions:
    """What a handler decorator recorded, before the consumer class resolves its types."""

    kind: HandlerKind
    """``ws`` for client frames, ``event`` for server-side events."""
    summary: str | None = None
    """A short summary for the generated documentation."""
    description: str | None = None
    """A longer description; the method's docstring when not given."""
    tags: tuple[str, ...] = ()
    """Tags for the generated documentation."""
    input_types: tuple[type[BaseMessage], ...] | None = None
    """Explicit input types, or None to read the first parameter's annotation."""
    output_types: tuple[type[BaseMessage], ...] | None = None
    """Explicit output types, or None to read the return annotation."""
    permissions: tuple[Permission, ...] = ()
    """Checks every frame must pass before the handler runs (client handlers only)."""
    rate_limit: RateLimit | None = None
    """The handler's own rate limit per connection (client handlers only)."""
    timeout: float | None = None
    """Seconds the handler may run, replacing the consumer's ``handler_timeout``."""


@dataclasses.dataclass(frozen=True)
class ChannelInfo:
    """What ``@channel`` recorded about a consumer class for the AsyncAPI document."""

    name: str | None = None
    """The channel's name; the class name when not given."""
    description: str | None = None
    """The channel's description; the class docstring when not given."""
    tags: tuple[str, ...] = ()
    """Tags for the generated documentation."""


def _as_tuple(types: MessageTypes | None, what: str) -> tuple[type[BaseMessage], ...] | None:
    if types is None:
        return None
    items = (types,) if isinstance(types, type) else tuple(types)
    for item in items:
        candidate: object = item
        if not (isinstance(candidate, type) and issubclass(candidate, BaseMessage)):
            msg = f"{what} must be BaseMessage subclasses, got {item!r}"
            raise TypeError(msg)
    return items


def _check_timeout(timeout: float | None) -> float | None:
    value: object = timeout
    if value is not None and (
        isinstance(value, bool) or not isinstance(value, int | float) or not value > 0
    ):
        msg = f"timeout must be positive seconds or None, got {value!r}"
        raise ValueError(msg)
    return timeout


def _mark(func: F, options: HandlerOptions, decorator: str) -> F:
    candidate: object = func
    if not inspect.iscoroutinefunction(candidate):
        name = getattr(func, "__qualname__", repr(func))
        msg = f"@{decorator} needs an `async def` method, {name} is not one"
        raise TypeError(msg)
    setattr(func, HANDLER_ATTRIBUTE, options)
    return func


def _decorate(
    kind: HandlerKind,
    decorator: str,
    func: F | None,
    *,
    summary: str | None,
    description: str | None,
    tags: Sequence[str] | None,
    input_type: MessageTypes | None,
    output_type: MessageTypes | None,
    permissions: Sequence[Permission] | None = None,
    rate_limit: RateLimit | None = None,
    timeout: float | None = None,
) -> F | Callable[[F], F]:
    if rate_limit is not None and not isinstance(rate_limit, RateLimit):
        msg = f"rate_limit must be a RateLimit, got {rate_limit!r}"
        raise TypeError(msg)
    options = HandlerOptions(
        kind=kind,
        summary=summary,
        description=description,
        tags=tuple(tags or ()),
        input_types=_as_tuple(input_type, "input_type"),
        output_types=_as_tuple(output_type, "output_type"),
        permissions=tuple(permissions or ()),
        rate_limit=rate_limit,
        timeout=_check_timeout(timeout),
    )
    if func is not None:
        return _mark(func, options, decorator)

    def decorate(f: F) -> F:
        return _mark(f, options, decorator)

    return decorate


@overload
def ws_handler(func: F, /) -> F: ...


@overload
def ws_handler(
    *,
    summary: str | None = None,
    description: str | None = None,
    tags: Sequence[str] | None = None,
    input_type: MessageTypes | None = None,
    output_type: MessageTypes | None = None,
    permissions: Sequence[Permission] | None = None,
    rate_limit: RateLimit | None = None,
    timeout: float | None = None,
) -> Callable[[F], F]: ...


def ws_handler(
    func: F | None = None,
    /,
    *,
    summary: str | None = None,
    description: str | None = None,
    tags: Sequence[str] | None = None,
    input_type: MessageTypes | None = None,
    output_type: MessageTypes | None = None,
    permissions: Sequence[Permission] | None = None,
    rate_limit: RateLimit | None = None,
    timeout: float | None = None,
) -> F | Callable[[F], F]:
    """Mark an ``async`` consumer method as the handler of a client message.

    Use it bare (``@ws_handler``) or called (``@ws_handler(summary=...)``). The message class
    comes from the first parameter's annotation unless ``input_type`` is given; a union of
    message classes routes each of them here. A non-``None`` return value is sent to the client
    that sent the frame. The method itself is returned unchanged.

    Args:
        func: The method, when used bare.
        summary: A one-line summary for the AsyncAPI document.
        description: A longer description; the method's docstring when not given.
        tags: Tags for the AsyncAPI document.
        input_type: The message class (or classes) this handler receives.
        output_type: The message class (or classes) this handler sends or broadcasts, when the
            return annotation does not say.
        permissions: Checks every frame must pass before the handler runs, in order: functions
            of ``(consumer, message)`` returning (or awaiting to) a bool; on Django, REST
            framework permission classes too. A denied frame gets an ``error`` frame with
            ``status_code`` 403 and the handler does not run.
        rate_limit: This handler's own limit per connection, checked after the consumer's
            ``rate_limit``; a refused frame gets an ``error`` frame naming the limit.
        timeout: Seconds this handler may run, replacing the consumer's ``handler_timeout``.

    Returns:
        The method, or a decorator that returns it.

    Raises:
        TypeError: When the method is not ``async``, a type is not a message class or
            ``rate_limit`` is not a :class:`~chanx.core.RateLimit`. Problems with the input
            type or a permission are raised when the consumer class is created.
        ValueError: When ``timeout`` is not a positive number.
    """
    return _decorate(
        "ws",
        "ws_handler",
        func,
        summary=summary,
        description=description,
        tags=tags,
        input_type=input_type,
        output_type=output_type,
        permissions=permissions,
        rate_limit=rate_limit,
        timeout=timeout,
    )


@overload
def event_handler(func: F, /) -> F: ...


@overload
def event_handler(
    *,
    summary: str | None = None,
    description: str | None = None,
    tags: Sequence[str] | None = None,
    input_type: MessageTypes | None = None,
    output_type: MessageTypes | None = None,
    timeout: float | None = None,
) -> Callable[[F], F]: ...


def event_handler(
    func: F | None = None,
    /,
    *,
    summary: str | None = None,
    description: str | None = None,
    tags: Sequence[str] | None = None,
    input_type: MessageTypes | None = None,
    output_type: MessageTypes | None = None,
    timeout: float | None = None,
) -> F | Callable[[F], F]:
    """Mark an ``async`` consumer method as the handler of a server-side event.

    Events come from ``send_event`` / ``broadcast_event`` (and their ``_sync`` twins), typically
    called from a view, a task or a script. The handler runs once per receiving connection, and
    its non-``None`` return value is sent to that connection's client.

    Args:
        func: The method, when used bare.
        summary: A one-line summary for the AsyncAPI document.
        description: A longer description; the method's docstring when not given.
        tags: Tags for the AsyncAPI document.
        input_type: The event class (or classes) this handler receives.
        output_type: The message class (or classes) this handler sends to the client, when the
            return annotation does not say.
        timeout: Seconds this handler may run, replacing the consumer's ``handler_timeout``.

    Returns:
        The method, or a decorator that returns it.

    Raises:
        TypeError: When the method is not ``async`` or a type is not a message class.
        ValueError: When ``timeout`` is not a positive number.
    """
    return _decorate(
        "event",
        "event_handler",
        func,
        summary=summary,
        description=description,
        tags=tags,
        input_type=input_type,
        output_type=output_type,
        timeout=timeout,
    )


def channel(
    *,
    name: str | None = None,
    description: str | None = None,
    tags: Sequence[str] | None = None,
) -> Callable[[C], C]:
    """Describe a consumer class for the generated AsyncAPI document.

    Args:
        name: The channel's name; the class name when not given.
        description: The channel's description; the class docstring when not given.
        tags: Tags for the channel.

    Returns:
        A class decorator that records the information and returns the class unchanged.
    """
    info = ChannelInfo(name=name, description=description, tags=tuple(tags or ()))

    def decorate(cls: C) -> C:
        setattr(cls, CHANNEL_ATTRIBUTE, info)
        return cls

    return decorate


def channel_info(cls: type) -> ChannelInfo:
    """Return what ``@channel`` recorded on ``cls``, defaulted from the class itself.

    Args:
        cls: A consumer class.

    Returns:
        The name (class name by default), description (class docstring by default, never the
        string ``"None"``) and tags.
    """
    recorded: ChannelInfo = cls.__dict__.get(CHANNEL_ATTRIBUTE) or ChannelInfo()
    description = recorded.description
    if description is None and cls.__dict__.get("__doc__"):
        description = inspect.cleandoc(cls.__doc__ or "") or None
    return ChannelInfo(
        name=recorded.name or cls.__name__, description=description, tags=recorded.tags
    )
