"""Both decorator forms, bare and called, keep the decorated method's exact type."""

from collections.abc import Callable, Coroutine
from typing import Any, Literal, assert_type

from chanx.core.decorators import channel, event_handler, ws_handler
from chanx.core.websocket import ChanxWebsocketMixin
from chanx.messages import BaseMessage, PingMessage, PongMessage


class NoticeEvent(BaseMessage):
    action: Literal["notice"] = "notice"
    payload: str


class Consumer(ChanxWebsocketMixin[NoticeEvent]):
    @ws_handler
    async def bare_ws(self, message: PingMessage) -> PongMessage:
        return PongMessage()

    @ws_handler(summary="Ping", tags=["health"], output_type=[PongMessage])
    async def called_ws(self, message: PingMessage) -> PongMessage:
        return PongMessage()

    @event_handler
    async def bare_event(self, event: NoticeEvent) -> None:
        return None

    @event_handler(description="A notice", input_type=NoticeEvent)
    async def called_event(self, event: NoticeEvent) -> PongMessage | None:
        return None


# The unbound methods are still plain functions of (consumer, message).
bare_ws: Callable[[Consumer, PingMessage], Coroutine[Any, Any, PongMessage]] = Consumer.bare_ws
called_ws: Callable[[Consumer, PingMessage], Coroutine[Any, Any, PongMessage]] = Consumer.called_ws
bare_event: Callable[[Consumer, NoticeEvent], Coroutine[Any, Any, None]] = Consumer.bare_event
called_event: Callable[[Consumer, NoticeEvent], Coroutine[Any, Any, PongMessage | None]] = (
    Consumer.called_event
)


async def bound_methods_keep_their_types(consumer: Consumer) -> None:
    assert_type(await consumer.bare_ws(PingMessage()), PongMessage)
    assert_type(await consumer.called_ws(message=PingMessage()), PongMessage)
    assert_type(await consumer.bare_event(NoticeEvent(payload="x")), None)
    assert_type(await consumer.called_event(event=NoticeEvent(payload="x")), PongMessage | None)
    # Were the decorators to return Any, these ignores would be unused, which mypy reports.
    await consumer.bare_ws(NoticeEvent(payload="x"))  # type: ignore[arg-type]
    await consumer.called_ws(PingMessage(), 1)  # type: ignore[call-arg]
    await consumer.bare_event(message=NoticeEvent(payload="x"))  # type: ignore[call-arg]
    await consumer.called_event(PingMessage())  # type: ignore[arg-type]


async def handle(self: object, message: PingMessage) -> PongMessage:
    return PongMessage()


bare = ws_handler(handle)
called = ws_handler(summary="Ping")(handle)
event_bare = event_handler(handle)
event_called = event_handler(output_type=PongMessage)(handle)


async def module_functions_keep_their_signatures() -> None:
    for decorated in (bare, called, event_bare, event_called):
        typed: Callable[[object, PingMessage], Coroutine[Any, Any, PongMessage]] = decorated
        assert_type(await typed(object(), PingMessage()), PongMessage)
        # The parameter names survive too: ``message=`` is accepted, ``event=`` is not.
        assert_type(await decorated(object(), message=PingMessage()), PongMessage)
        await decorated(object(), event=PingMessage())  # type: ignore[call-arg]


@channel(name="documented", description="A documented consumer", tags=["docs"])
class Documented(Consumer):
    pass


assert_type(Documented, type[Documented])
