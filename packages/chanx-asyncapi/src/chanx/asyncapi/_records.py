"""What a framework adapter tells the generator about one WebSocket route."""

from __future__ import annotations

import dataclasses
from typing import Any


@dataclasses.dataclass(frozen=True)
class PathParameter:
    """One parameter captured from a route's address, as the router knows it.

    Every field but the name is optional: a parameter found in the address and not described
    by a :class:`PathParameter` is still documented, from its converter or pattern.
    """

    name: str
    """The parameter's name, as it appears between braces in the channel address."""
    description: str | None = None
    """A human description; generated from :attr:`kind` when not given."""
    kind: str | None = None
    """What the router accepts: ``int``, ``str``, ``slug``, ``uuid``, ``path``, ``float`` or a
    regular expression; read from the address when not given."""
    enum: tuple[str, ...] = ()
    """The only values the parameter may take, when the router restricts it to a list."""
    default: str | None = None
    """The value used when the parameter is absent, if the router has one."""
    examples: tuple[str, ...] = ()
    """Example values."""


@dataclasses.dataclass(frozen=True)
class RouteRecord:
    r"""One routed consumer: where it listens and which class serves it.

    Adapters build these from their routers (see :data:`DISCOVERY_ENTRY_POINT_GROUP`); tests
    and scripts may build them by hand.

    Args:
        path: The route's address, in the router's own syntax (``/ws/room/{room_id:int}``,
            ``ws/room/<int:room_id>/``, ``^ws/room/(?P<room_id>\d+)/$``) or already in
            AsyncAPI form (``/ws/room/{room_id}``).
        consumer: The consumer class, a :class:`chanx.core.ChanxWebsocketMixin` subclass.
        parameters: What the router knows about the path parameters, by name.
    """

    path: str
    """The route's address, in any of the syntaxes :func:`normalize_address` understands."""
    consumer: type[Any]
    """The consumer class that serves the route."""
    parameters: tuple[PathParameter, ...] = ()
    """Descriptions of the path parameters; parameters not listed are described from the
    address alone, and entries naming no parameter of the address are ignored."""
