"""What one consumer class puts on the wire: the frames it receives and the frames it sends."""

from __future__ import annotations

import dataclasses
import inspect
from typing import Any

from chanx.core import ChanxWebsocketMixin, HandlerSpec
from chanx.core.introspection import ChannelInfo, channel_info
from chanx.messages import (
    AuthenticationMessage,
    BaseMessage,
    CompleteMessage,
    ErrorMessage,
    EventCompleteMessage,
    GroupCompleteMessage,
    PingMessage,
    PongMessage,
)

ERROR_NOTE = (
    "Sent by Chanx when a frame cannot be processed: it is not JSON, matches no message, "
    "fails validation, is larger than `maxMessageSize`, is over a rate limit (`status_code` "
    "429), is denied by a handler's permissions (`status_code` 403), or its handler raised "
    "or timed out."
)
AUTHENTICATION_NOTE = (
    "Sent by Chanx once after the handshake with the outcome of authentication; on failure "
    "the server closes the connection with code 4000 + status code."
)
COMPLETE_NOTE = "Sent by Chanx after each client frame has been fully handled."
GROUP_COMPLETE_NOTE = "Sent by Chanx after each group broadcast relayed to this client."
EVENT_COMPLETE_NOTE = "Sent by Chanx after each server-side event handled for this connection."
PING_NOTE = (
    "Sent by Chanx every `heartbeatInterval` seconds (see the channel's `x-chanx-limits`); "
    "answer with `pong`. A client may send `ping` itself and gets `pong` back."
)
PONG_NOTE = "Sent by Chanx in answer to a client's `ping` frame."


@dataclasses.dataclass
class Outgoing:
    """One message class a consumer sends, with why and which handlers send it."""

    notes: list[str] = dataclasses.field(default_factory=list)
    """One sentence per source: a handler, an event handler or Chanx itself."""
    tags: list[str] = dataclasses.field(default_factory=list)
    """The tags of the handlers that send it, first seen first."""


@dataclasses.dataclass(frozen=True)
class ConsumerView:
    """The documented surface of one consumer class."""

    consumer: type[Any]
    """The class."""
    info: ChannelInfo
    """Its ``@channel`` name, description and tags, defaulted from the class."""
    camel: bool
    """Whether its frames use camelCase keys."""
    receives: tuple[HandlerSpec, ...]
    """Its ``@ws_handler`` methods, in declaration order."""
    sends: dict[type[BaseMessage], Outgoing]
    """Every message class it may send to the client, in first-seen order."""
    authenticator: type[Any] | None
    """Its authenticator class, when that declares a security scheme."""
    limits: dict[str, Any] = dataclasses.field(default_factory=dict)
    """Its limits and policies, as ``x-chanx-limits`` shows them."""


def _add(sends: dict[type[BaseMessage], Outgoing], cls: type[BaseMessage], note: str) -> Outgoing:
    outgoing = sends.setdefault(cls, Outgoing())
    if note not in outgoing.notes:
        outgoing.notes.append(note)
    return outgoing


def view_consumer(consumer: type[Any], camelize: bool | None) -> ConsumerView:
    """Read what a consumer class declares, resolved with its settings.

    Args:
        consumer: A :class:`chanx.core.ChanxWebsocketMixin` subclass.
        camelize: Force camelCase on (True) or off (False); None uses the class's setting.

    Returns:
        Its view.

    Raises:
        TypeError: When ``consumer`` is not a Chanx consumer class.
    """
    if not (inspect.isclass(consumer) and issubclass(consumer, ChanxWebsocketMixin)):
        msg = f"a route's consumer must be a ChanxWebsocketMixin subclass, got {consumer!r}"
        raise TypeError(msg)
    config = consumer.chanx_config()
    handlers = consumer.chanx_handlers()
    sends: dict[type[BaseMessage], Outgoing] = {}
    authenticator = consumer.authenticator_class
    if authenticator is not None and config.send_authentication_message:
        _add(sends, AuthenticationMessage, AUTHENTICATION_NOTE)
    for spec in handlers:
        for cls in spec.output_types:
            if spec.kind == "ws":
                note = f"Returned or broadcast by the `{spec.name}` handler."
            else:
                note = f"Sent by the `{spec.name}` event handler"
                note += f": {spec.summary}" if spec.summary else "."
            outgoing = _add(sends, cls, note)
            outgoing.tags.extend(tag for tag in spec.tags if tag not in outgoing.tags)
    _add(sends, ErrorMessage, ERROR_NOTE)
    if config.send_completion:
        _add(sends, CompleteMessage, COMPLETE_NOTE)
        _add(sends, GroupCompleteMessage, GROUP_COMPLETE_NOTE)
        _add(sends, EventCompleteMessage, EVENT_COMPLETE_NOTE)
    if config.heartbeat_interval is not None:
        _add(sends, PingMessage, PING_NOTE)
        if "ping" in consumer.chanx_routes().heartbeat_actions:
            _add(sends, PongMessage, PONG_NOTE)
    declared = getattr(authenticator, "security_scheme", None) if authenticator else None
    return ConsumerView(
        consumer=consumer,
        info=channel_info(consumer),
        camel=config.camelize if camelize is None else camelize,
        receives=tuple(spec for spec in handlers if spec.kind == "ws"),
        sends=sends,
        authenticator=authenticator if declared is not None else None,
        limits=config.limits_document(),
    )
