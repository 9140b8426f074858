"""What a consumer class compiles once: its unions and its action-to-handler tables."""

from __future__ import annotations

from pydantic_core import from_json

from chanx.core._camel import snake_keys
from chanx.core._guards import Guard, PermissionAdapter, build_guard, plain_permission
from chanx.core._handlers import HandlerFunction, HandlerSpec
from chanx.messages import ACTION_PING, ACTION_PONG, BaseMessage, MessageUnion, message_actions


class NotAnObjectError(TypeError):
    """A frame that is JSON but not an object (raised by :meth:`Routes.parse_camel`)."""


HEARTBEAT_ACTIONS = frozenset({ACTION_PING, ACTION_PONG})
"""Actions Chanx answers itself on a consumer with a heartbeat, unless a handler claims them."""


class Routes:
    """The unions and routing tables of one consumer class, built on first use.

    Args:
        handlers: The class's resolved handlers.
        adapt: Turns a declared permission into a check (the consumer class's
            ``chanx_permission_check``); plain functions only when not given.

    Raises:
        TypeError: When a handler declares a permission ``adapt`` does not understand.
    """

    __slots__ = (
        "event_guards",
        "event_routes",
        "event_union",
        "handlers",
        "heartbeat_actions",
        "ws_guards",
        "ws_routes",
        "ws_union",
    )

    def __init__(
        self, handlers: tuple[HandlerSpec, ...], adapt: PermissionAdapter = plain_permission
    ) -> None:
        self.handlers = handlers
        self.ws_routes: dict[type[BaseMessage], HandlerFunction] = {}
        self.event_routes: dict[type[BaseMessage], HandlerFunction] = {}
        # Only handlers that declare permissions, a rate limit or a timeout have a guard, so
        # the common frame pays one failed dict lookup.
        self.ws_guards: dict[type[BaseMessage], Guard] = {}
        self.event_guards: dict[type[BaseMessage], Guard] = {}
        claimed: set[str] = set()
        for spec in handlers:
            is_ws = spec.kind == "ws"
            table = self.ws_routes if is_ws else self.event_routes
            guard = build_guard(spec.name, spec.permissions, spec.rate_limit, spec.timeout, adapt)
            for cls in spec.input_types:
                table[cls] = spec.function
                if guard is not None:
                    (self.ws_guards if is_ws else self.event_guards)[cls] = guard
                if is_ws:
                    claimed.update(message_actions(cls))
        self.heartbeat_actions = HEARTBEAT_ACTIONS - claimed
        self.ws_union: MessageUnion[BaseMessage] | None = (
            MessageUnion(*self.ws_routes) if self.ws_routes else None
        )
        self.event_union: MessageUnion[BaseMessage] | None = (
            MessageUnion(*self.event_routes) if self.event_routes else None
        )
        # Compile the validators now, once per class, rather than on the first frame.
        if self.ws_union is not None:
            _ = self.ws_union.adapter
        if self.event_union is not None:
            _ = self.event_union.adapter

    def parse_camel(self, text: str | bytes) -> BaseMessage:
        """Decode a camelCase frame and validate it as snake_case.

        Raises:
            ValueError: When the text is not JSON, holds a lone surrogate escape (an
                escape of half a surrogate pair, which no UTF-8 frame can carry back),
                or is nested too deeply to decode and convert. The snake_case path's validator
                refuses the same texts.
            NotAnObjectError: When it is JSON but not an object.
            pydantic.ValidationError: When it matches no message.
        """
        try:
            # The decoder the snake_case path's validator uses, so both key styles accept and
            # refuse the same texts (json.loads would let lone surrogates through).
            data = from_json(text)
            if not isinstance(data, dict):
                raise NotAnObjectError
            data = snake_keys(data)
        except RecursionError:
            msg = "the frame is nested too deeply"
            raise ValueError(msg) from None
        assert self.ws_union is not None  # callers check for a union first
        return self.ws_union.parse(data)
