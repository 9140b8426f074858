"""Find a consumer's handlers through its MRO and resolve what each one receives and sends."""

from __future__ import annotations

import dataclasses
import inspect
import sys
import types
import typing
import weakref
from collections import ChainMap
from collections.abc import Awaitable, Callable
from typing import Any, Union, get_args, get_origin

from chanx.core._decorators import HANDLER_ATTRIBUTE, HandlerKind, HandlerOptions
from chanx.core._guards import Permission
from chanx.core._limits import RateLimit
from chanx.messages import RESERVED_ACTIONS, BaseMessage, message_actions

HandlerFunction = Callable[[Any, Any], Awaitable[Any]]


@dataclasses.dataclass(frozen=True)
class HandlerSpec:
    """One resolved handler of a consumer class.

    This is the public description other layers (the AsyncAPI generator, test tools) read;
    it is built once, when the consumer class is created.
    """

    name: str
    """The method's name."""
    kind: HandlerKind
    """``ws`` for client frames, ``event`` for server-side events."""
    function: HandlerFunction
    """The undecorated ``async`` function; call it as ``function(consumer, message)``."""
    input_types: tuple[type[BaseMessage], ...]
    """The message classes routed to this handler."""
    output_types: tuple[type[BaseMessage], ...]
    """The message classes this handler returns, sends or broadcasts."""
    summary: str | None
    """A one-line summary: the given one, else the docstring's first line."""
    description: str | None
    """The given description, else the docstring after its first line."""
    tags: tuple[str, ...]
    """Tags for the documentation."""
    owner: type
    """The class in the MRO that defines the method."""
    permissions: tuple[Permission, ...] = ()
    """The permissions a frame must pass before the handler runs, as declared."""
    rate_limit: RateLimit | None = None
    """The handler's own rate limit per connection."""
    timeout: float | None = None
    """The handler's own timeout in seconds (None: the consumer's ``handler_timeout``)."""

    @property
    def actions(self) -> tuple[str, ...]:
        """Every action value routed to this handler."""
        return tuple(action for cls in self.input_types for action in message_actions(cls))


def _namespace_near_class_statement() -> ChainMap[str, Any]:
    """Locals of the frames around a class statement, so local message classes resolve.

    Handlers written in a function (a test, a factory) with postponed annotations name message
    classes that live in that function's locals; ``typing.get_type_hints`` only sees module
    globals. Walking a few frames up from class creation finds them, closest frame first.
    """
    frames: list[dict[str, Any]] = []
    frame = sys._getframe(1)
    for _ in range(12):
        frame = frame.f_back  # type: ignore[assignment]
        if frame is None:
            break
        if frame.f_code.co_filename != __file__:
            frames.append(dict(frame.f_locals))
    return ChainMap(*frames)


def _message_types(annotation: Any, where: str) -> tuple[type[BaseMessage], ...]:
    """Flatten a message class or a union of them; raise TypeError for anything else."""
    if get_origin(annotation) is typing.Annotated:
        annotation = get_args(annotation)[0]
    if get_origin(annotation) in (Union, types.UnionType):
        found: list[type[BaseMessage]] = []
        for member in get_args(annotation):
            if member is type(None):
                continue
            found += _message_types(member, where)
        return tuple(found)
    if isinstance(annotation, type) and issubclass(annotation, BaseMessage):
        if annotation.__chanx_abstract__:
            msg = f"{where}: {annotation.__qualname__} is an abstract message base, not a message"
            raise TypeError(msg)
        return (annotation,)
    msg = f"{where}: expected a BaseMessage subclass (or a union of them), got {annotation!r}"
    raise TypeError(msg)


_MISSING: Any = object()
"""Stands for an annotation a handler does not have."""

_HINTS: weakref.WeakKeyDictionary[Any, dict[str, Any]] = weakref.WeakKeyDictionary()
"""Annotations already resolved, per function: a subclass created far from the class statement
that defined a handler reuses them instead of looking for its local names again."""


def _hint(function: HandlerFunction, key: str, where: str, localns: ChainMap[str, Any]) -> Any:
    """Resolve one annotation of ``function``; ``_MISSING`` when it has none.

    Each annotation is resolved on its own, so an explicit ``input_type=`` or ``output_type=``
    spares the annotation it replaces from being resolved at all.
    """
    try:
        cache = _HINTS.setdefault(function, {})
    except TypeError:  # not weakly referenceable: resolve without caching
        cache = {}
    if key in cache:
        return cache[key]
    annotations = getattr(function, "__annotations__", None) or {}
    if key not in annotations:
        return _MISSING
    single = types.SimpleNamespace(__annotations__={key: annotations[key]})
    globalns = getattr(inspect.unwrap(function), "__globals__", {})
    try:
        try:
            hint = typing.get_type_hints(single, globalns=globalns)[key]
        except NameError:
            # Postponed annotations naming classes local to a function: look near the class
            # statement, after the module's globals.
            namespace = localns.new_child(globalns)
            hint = typing.get_type_hints(single, globalns=globalns, localns=namespace)[key]
    except NameError as exc:
        msg = (
            f"{where}: cannot resolve its annotations ({exc}); define the message classes "
            f"before the consumer or pass input_type= / output_type= explicitly"
        )
        raise TypeError(msg) from exc
    cache[key] = hint
    return hint


def _resolve(
    owner: type,
    name: str,
    function: HandlerFunction,
    options: HandlerOptions,
    localns: ChainMap[str, Any],
) -> HandlerSpec:
    where = f"{owner.__qualname__}.{name}"
    parameters = list(inspect.signature(function).parameters.values())
    if options.input_types is not None:
        inputs = options.input_types
    else:
        annotation = _MISSING
        if len(parameters) >= 2:  # self, then the message
            annotation = _hint(function, parameters[1].name, where, localns)
        if annotation is _MISSING:
            msg = (
                f"{where} has no input type: annotate its message parameter "
                f"(async def {name}(self, message: MyMessage)) or pass input_type="
            )
            raise TypeError(msg)
        inputs = _message_types(annotation, f"{where} input type")
    for cls in inputs:
        if options.kind == "ws":
            reserved = RESERVED_ACTIONS.intersection(message_actions(cls))
            if reserved:
                msg = f"{where}: action {sorted(reserved)[0]!r} is reserved by Chanx"
                raise TypeError(msg)
    if options.output_types is not None:
        outputs = options.output_types
    else:
        returned = _hint(function, "return", where, localns)
        outputs = (
            ()
            if returned is _MISSING or returned is type(None)
            else _message_types(returned, f"{where} return")
        )
    doc = inspect.getdoc(function) or ""
    first, _, rest = doc.partition("\n")
    if options.summary:
        # With an explicit summary the whole docstring is the description.
        first, rest = options.summary, doc
    return HandlerSpec(
        name=name,
        kind=options.kind,
        function=function,
        input_types=inputs,
        output_types=outputs,
        summary=first.strip() or None,
        description=options.description or (rest.strip() or None),
        tags=options.tags,
        owner=owner,
        permissions=options.permissions,
        rate_limit=options.rate_limit,
        timeout=options.timeout,
    )


def collect_handlers(cls: type) -> tuple[HandlerSpec, ...]:
    """Return the handlers of ``cls``, inherited ones included, checked for conflicts.

    A subclass that redefines a handler's method replaces it; redefining it without a
    decorator removes it. Handlers are listed base classes first, in definition order.

    Args:
        cls: A consumer class.

    Returns:
        The resolved handlers.

    Raises:
        TypeError: When a handler's input type is missing or not a message class, an input
            uses a reserved action, or two handlers of one kind claim the same action.
    """
    found: dict[str, tuple[type, Any, HandlerOptions]] = {}
    for klass in reversed(cls.__mro__):
        for name, attribute in vars(klass).items():
            options = getattr(attribute, HANDLER_ATTRIBUTE, None)
            if isinstance(options, HandlerOptions):
                found.pop(name, None)
                found[name] = (klass, attribute, options)
            elif name in found and klass is not object:
                del found[name]
    localns = ChainMap(dict(vars(cls)), _namespace_near_class_statement())
    specs = [
        _resolve(owner, name, function, options, localns)
        for name, (owner, function, options) in found.items()
    ]
    for kind in ("ws", "event"):
        claimed: dict[str, HandlerSpec] = {}
        for spec in specs:
            if spec.kind != kind:
                continue
            for action in spec.actions:
                other = claimed.get(action)
                if other is not None:
                    msg = (
                        f"{cls.__qualname__}: handlers {other.name} and {spec.name} both "
                        f"handle the {kind} action {action!r}"
                    )
                    raise TypeError(msg)
                claimed[action] = spec
    return tuple(specs)
