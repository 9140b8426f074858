"""Build one discriminated union out of a set of message classes."""

from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Annotated, Any, Generic, TypeVar, Union

from pydantic import Field, TypeAdapter

from chanx.messages._base import BaseMessage, message_actions

M = TypeVar("M", bound=BaseMessage)


class DuplicateActionError(TypeError):
    """Two message classes in one union claim the same action."""


class MessageUnion(Generic[M]):
    """A discriminated union of message classes, keyed by their ``action``.

    Build one per set of classes and reuse it: Pydantic compiles the validator once, and each
    parse then decodes and validates a frame in a single pass.

    Args:
        *types: Concrete :class:`BaseMessage` subclasses, in the order they should be listed
            in schemas. Each action may appear in one class only.

    Raises:
        TypeError: When no class is given, or one is not a concrete message class.
        DuplicateActionError: When two classes claim the same action.

    Example:
        >>> from chanx.messages.incoming import PingMessage
        >>> from chanx.messages.outgoing import PongMessage
        >>> union = MessageUnion(PingMessage, PongMessage)
        >>> union.parse_json('{"action": "pong"}')
        PongMessage(action='pong', payload=None)
    """

    __slots__ = ("_adapter", "annotation", "by_action", "types")

    types: tuple[type[M], ...]
    """The member classes, in the order given."""

    by_action: Mapping[str, type[M]]
    """Each action value mapped to the class that declares it."""

    annotation: Any
    """The union as a type annotation, usable as a field type in your own Pydantic models."""

    def __init__(self, *types: type[M]) -> None:
        if not types:
            msg = "MessageUnion needs at least one message class"
            raise TypeError(msg)
        by_action: dict[str, type[M]] = {}
        unique: list[type[M]] = []
        for cls in types:
            candidate: object = cls
            if not (isinstance(candidate, type) and issubclass(candidate, BaseMessage)):
                msg = f"{cls!r} is not a BaseMessage subclass"
                raise TypeError(msg)
            if cls in unique:
                continue
            for action in message_actions(cls):
                other = by_action.get(action)
                if other is not None:
                    msg = (
                        f"action {action!r} is declared by both "
                        f"{other.__module__}.{other.__qualname__} and "
                        f"{cls.__module__}.{cls.__qualname__}"
                    )
                    raise DuplicateActionError(msg)
                by_action[action] = cls
            unique.append(cls)
        self.types = tuple(unique)
        self.by_action = MappingProxyType(by_action)
        # Discriminated even with one member, so every union reports a missing or unknown
        # action the same way (union_tag_not_found / union_tag_invalid).
        self.annotation = Annotated[Union[tuple(unique)], Field(discriminator="action")]  # noqa: UP007
        self._adapter: TypeAdapter[M] | None = None

    @property
    def adapter(self) -> TypeAdapter[M]:
        """The Pydantic adapter that validates the union, built on first use."""
        adapter = self._adapter
        if adapter is None:
            adapter = self._adapter = TypeAdapter(self.annotation)
        return adapter

    def parse_json(self, data: str | bytes | bytearray) -> M:
        """Decode and validate one JSON frame.

        Args:
            data: The frame's JSON text.

        Returns:
            An instance of the member class its ``action`` names.

        Raises:
            pydantic.ValidationError: When the text is not JSON, not an object, names no
                member's action, or does not match that member's fields.
        """
        return self.adapter.validate_json(data)

    def parse(self, data: object) -> M:
        """Validate an already decoded frame (a ``dict``).

        Args:
            data: The decoded frame.

        Returns:
            An instance of the member class its ``action`` names.

        Raises:
            pydantic.ValidationError: When it matches no member.
        """
        return self.adapter.validate_python(data)

    def __contains__(self, cls: object) -> bool:
        return cls in self.types

    def __iter__(self) -> Iterator[type[M]]:
        return iter(self.types)

    def __len__(self) -> int:
        return len(self.types)

    def __repr__(self) -> str:
        names = ", ".join(cls.__qualname__ for cls in self.types)
        return f"MessageUnion({names})"
