"""The base class of every Chanx message."""

from abc import ABC
from typing import Any, ClassVar, Literal, get_args, get_origin

from pydantic import BaseModel, ConfigDict
from pydantic_core import PydanticUndefined


class BaseMessage(BaseModel):
    """A frame of the Chanx wire format: ``{"action": ..., "payload": ...}``.

    Subclass it once per kind of frame. A concrete subclass must declare ``action`` as a
    ``Literal`` with a default, which is what routes the frame; ``payload`` carries the data and
    defaults to ``None``. A subclass that also inherits :class:`abc.ABC` directly is an abstract
    intermediate base and may leave ``action`` open.

    Attribute docstrings become field descriptions, so they flow into the generated AsyncAPI
    document.

    Raises:
        TypeError: When a concrete subclass does not declare ``action`` as a ``Literal`` of
            strings with a default that is one of them.

    Example:
        >>> from typing import Literal
        >>> class ChatMessage(BaseMessage):
        ...     action: Literal["chat"] = "chat"
        ...     payload: str
        >>> ChatMessage(payload="hi").model_dump()
        {'action': 'chat', 'payload': 'hi'}
    """

    model_config = ConfigDict(use_attribute_docstrings=True)

    __chanx_abstract__: ClassVar[bool] = True

    action: str
    """The discriminator that says what kind of frame this is."""

    payload: Any = None
    """The data the frame carries."""

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        generic = cls.__pydantic_generic_metadata__
        origin = generic["origin"]
        if origin is not None and issubclass(origin, BaseMessage) and origin.__chanx_abstract__:
            # Env[int] of an abstract generic base is still a base: its subclasses set action.
            cls.__chanx_abstract__ = "action" not in _literal_fields(cls)
        else:
            cls.__chanx_abstract__ = ABC in cls.__bases__ or bool(generic["parameters"])
        if not cls.__chanx_abstract__:
            message_actions(cls)


def _literal_fields(cls: type[BaseMessage]) -> set[str]:
    return {
        name for name, field in cls.model_fields.items() if get_origin(field.annotation) is Literal
    }


def message_actions(cls: type[BaseMessage]) -> tuple[str, ...]:
    """Return the action values a concrete message class accepts, its default first.

    Args:
        cls: A concrete :class:`BaseMessage` subclass.

    Returns:
        The ``Literal`` values of the class's ``action`` field, the default first.

    Raises:
        TypeError: When ``action`` is not a ``Literal`` of strings with a default among them,
            or the class is abstract.
    """
    name = f"{cls.__module__}.{cls.__qualname__}"
    if cls.__chanx_abstract__:
        msg = f"{name} is an abstract message base and has no action"
        raise TypeError(msg)
    field = cls.model_fields["action"]
    annotation = field.annotation
    values = get_args(annotation) if get_origin(annotation) is Literal else ()
    default = field.default
    if (
        not values
        or not all(isinstance(value, str) for value in values)
        or default is PydanticUndefined
        or default not in values
    ):
        msg = (
            f"{name} must declare its action as a Literal of strings with a default, "
            f"for example: action: Literal['chat'] = 'chat' "
            f"(inherit abc.ABC directly to make an abstract intermediate base)"
        )
        raise TypeError(msg)
    return (default, *(value for value in values if value != default))
