"""How a connection routes client frames to handlers, replies, and answers bad input."""

from __future__ import annotations

import json
from typing import Any, ClassVar, Literal

import pytest
import structlog
from chanx_core_host import HostConsumer
from pydantic import BaseModel

from chanx.core.decorators import event_handler, ws_handler
from chanx.core.testing import WebsocketCommunicator
from chanx.messages import BaseMessage, PingMessage, PongMessage

SECRET = "s3cr3t-value-that-must-not-come-back"


class EchoPayload(BaseModel):
    text: str
    count: int = 0


class EchoMessage(BaseMessage):
    action: Literal["echo"] = "echo"
    payload: EchoPayload


class EchoReply(BaseMessage):
    action: Literal["echo_reply"] = "echo_reply"
    payload: str


class SilentMessage(BaseMessage):
    action: Literal["silent"] = "silent"


class ColorRed(BaseMessage):
    action: Literal["red"] = "red"


class ColorBlue(BaseMessage):
    action: Literal["blue"] = "blue"


class ColorReply(BaseMessage):
    action: Literal["color"] = "color"
    payload: str


class BoomMessage(BaseMessage):
    action: Literal["boom"] = "boom"


class MixinMessage(BaseMessage):
    action: Literal["from_mixin"] = "from_mixin"


class MixinReply(BaseMessage):
    action: Literal["mixin_reply"] = "mixin_reply"


class NudgeEvent(BaseMessage):
    action: Literal["nudge"] = "nudge"


class NudgeReply(BaseMessage):
    action: Literal["nudged"] = "nudged"


class PingMixin:
    """A plain mixin that contributes a handler to any consumer using it."""

    @ws_handler
    async def mixin_handler(self, message: MixinMessage) -> MixinReply:
        return MixinReply()


class BaseRoutingConsumer(HostConsumer):
    """A base consumer whose handler every subclass inherits."""

    @ws_handler
    async def ping(self, message: PingMessage) -> PongMessage:
        return PongMessage()


class RoutingConsumer(PingMixin, BaseRoutingConsumer):
    silent_calls: ClassVar[list[str]] = []

    @ws_handler
    async def echo(self, message: EchoMessage) -> EchoReply:
        return EchoReply(payload=f"{message.payload.text}x{message.payload.count}")

    @ws_handler
    async def silent(self, message: SilentMessage) -> None:
        type(self).silent_calls.append(message.action)

    @ws_handler
    async def color(self, message: ColorRed | ColorBlue) -> ColorReply:
        return ColorReply(payload=message.action)

    @ws_handler
    async def boom(self, message: BoomMessage) -> None:
        raise RuntimeError(f"exploded with {SECRET}")


def connect(consumer: type[HostConsumer] = RoutingConsumer) -> WebsocketCommunicator:
    return WebsocketCommunicator(consumer.as_asgi(), "/ws?x=1", consumer=consumer)


async def assert_still_serving(communicator: WebsocketCommunicator) -> None:
    """Send a ping and expect the pong, proving the connection still handles frames."""
    await communicator.send_json({"action": "ping"})
    assert await communicator.receive_json() == {"action": "pong", "payload": None}


async def receive_raw(communicator: WebsocketCommunicator) -> str:
    frame = await communicator.receive_frame()
    assert frame["type"] == "websocket.send", frame
    text: str = frame["text"]
    return text


# ---------------------------------------------------------------------------- routing & replies


async def test_frames_reach_the_handler_their_action_names() -> None:
    """Each frame is dispatched by its action to the handler that accepts it."""
    async with connect() as communicator:
        await communicator.send_json({"action": "echo", "payload": {"text": "hi", "count": 2}})
        assert await communicator.receive_json() == {"action": "echo_reply", "payload": "hix2"}
        await communicator.send_json({"action": "ping"})
        assert await communicator.receive_json() == {"action": "pong", "payload": None}


async def test_a_returned_message_is_sent_to_the_client() -> None:
    """A handler's non-None return value is sent to the client that sent the frame."""
    async with connect() as communicator:
        await communicator.send_message(EchoMessage(payload=EchoPayload(text="a")))
        assert await communicator.receive_json() == {"action": "echo_reply", "payload": "ax0"}


async def test_a_handler_returning_none_sends_nothing() -> None:
    """A handler that returns None makes the connection send no frame at all."""
    RoutingConsumer.silent_calls = []
    async with connect() as communicator:
        await communicator.send_json({"action": "silent"})
        assert await communicator.receive_nothing()
        assert RoutingConsumer.silent_calls == ["silent"]


async def test_a_union_input_routes_each_member_to_the_handler() -> None:
    """A handler annotated with a union receives every message class of the union."""
    async with connect() as communicator:
        await communicator.send_json({"action": "red"})
        assert await communicator.receive_json() == {"action": "color", "payload": "red"}
        await communicator.send_json({"action": "blue"})
        assert await communicator.receive_json() == {"action": "color", "payload": "blue"}


async def test_handlers_of_base_classes_and_mixins_are_used() -> None:
    """Handlers defined on a base consumer and on a plain mixin both serve the subclass."""
    async with connect() as communicator:
        await communicator.send_json({"action": "from_mixin"})
        assert await communicator.receive_json() == {"action": "mixin_reply", "payload": None}
        await assert_still_serving(communicator)  # ping lives on the base class


# ---------------------------------------------------------------------------- bad input


async def test_invalid_json_gets_an_error_and_the_connection_keeps_serving() -> None:
    """Text that is not JSON is answered with an "Invalid JSON" error frame."""
    async with connect() as communicator:
        await communicator.send_text('{"action": "ping"')
        assert await communicator.receive_json() == {
            "action": "error",
            "payload": {"detail": "Invalid JSON"},
        }
        await assert_still_serving(communicator)


@pytest.mark.parametrize("frame", ["[1, 2]", "42", '"ping"', "null"])
async def test_json_that_is_not_an_object_gets_an_error(frame: str) -> None:
    """A JSON list, number, string or null is answered with a single-detail error frame."""
    async with connect() as communicator:
        await communicator.send_text(frame)
        reply = await communicator.receive_json()
        assert reply["action"] == "error"
        assert reply["payload"] == {"detail": "The message must be a JSON object"}
        await assert_still_serving(communicator)


async def test_a_binary_frame_gets_an_error() -> None:
    """A binary frame is refused with an error frame that asks for JSON text."""
    async with connect() as communicator:
        await communicator.send_bytes(b'{"action": "ping"}')
        reply = await communicator.receive_json()
        assert reply["action"] == "error"
        assert "Binary frames are not supported" in reply["payload"]["detail"]
        await assert_still_serving(communicator)


async def test_a_frame_without_action_gets_an_error() -> None:
    """A frame with no action is answered with an error located at "action"."""
    async with connect() as communicator:
        await communicator.send_json({"payload": SECRET})
        text = await receive_raw(communicator)
        assert SECRET not in text
        reply = json.loads(text)
        assert reply["action"] == "error"
        [item] = reply["payload"]
        assert item["type"] == "union_tag_not_found"
        assert item["loc"] == ["action"]
        assert "no action" in item["msg"]
        await assert_still_serving(communicator)


async def test_an_unknown_action_gets_an_error_listing_the_known_ones() -> None:
    """An action no handler accepts is answered with an error naming the accepted actions."""
    async with connect() as communicator:
        await communicator.send_json({"action": SECRET})
        text = await receive_raw(communicator)
        assert SECRET not in text
        [item] = json.loads(text)["payload"]
        assert item["type"] == "union_tag_invalid"
        assert item["loc"] == ["action"]
        assert "echo" in item["msg"]
        assert "ping" in item["msg"]
        await assert_still_serving(communicator)


async def test_a_field_validation_error_lists_items_without_the_tag_or_the_input() -> None:
    """Field errors come as {type, loc, msg} items, loc without the union tag, input never echoed."""
    async with connect() as communicator:
        await communicator.send_json({"action": "echo", "payload": {"count": SECRET}})
        text = await receive_raw(communicator)
        assert SECRET not in text
        reply = json.loads(text)
        assert reply["action"] == "error"
        items = sorted(reply["payload"], key=lambda item: item["loc"])
        assert [item["loc"] for item in items] == [["payload", "count"], ["payload", "text"]]
        assert [item["type"] for item in items] == ["int_parsing", "missing"]
        for item in items:
            assert set(item) == {"type", "loc", "msg"}
        await assert_still_serving(communicator)


async def test_a_failing_handler_sends_a_generic_error_and_logs_the_traceback() -> None:
    """A raising handler yields "Failed to process message for <action>"; the details are only logged."""
    async with connect() as communicator:
        with structlog.testing.capture_logs() as logs:
            await communicator.send_json({"action": "boom"})
            text = await receive_raw(communicator)
        assert json.loads(text) == {
            "action": "error",
            "payload": {"detail": "Failed to process message for boom"},
        }
        assert SECRET not in text
        assert "Traceback" not in text
        assert "RuntimeError" not in text
        [entry] = [log for log in logs if log["event"] == "chanx.handler.error"]
        assert entry["exc_info"] is True
        assert entry["log_level"] == "error"
        assert entry["action"] == "boom"
        await assert_still_serving(communicator)


class EventsOnlyConsumer(HostConsumer):
    """A consumer that accepts server-side events but no client frame."""

    @event_handler
    async def nudge(self, event: NudgeEvent) -> NudgeReply:
        return NudgeReply()


async def test_a_consumer_without_ws_handlers_answers_every_frame_with_an_error() -> None:
    """Without ws handlers every frame gets an error, and the connection still serves events."""
    async with connect(EventsOnlyConsumer) as communicator:
        for _ in range(2):
            await communicator.send_json({"action": "ping"})
            reply: dict[str, Any] = await communicator.receive_json()
            assert reply["action"] == "error"
            assert reply["payload"][0]["loc"] == ["action"]
        await EventsOnlyConsumer.broadcast_event(NudgeEvent(), groups=["nobody"])
        await EventsOnlyConsumer.send_event(NudgeEvent(), "specific.0")
        assert await communicator.receive_json() == {"action": "nudged", "payload": None}


class PingOnlyConsumer(HostConsumer):
    """A consumer with exactly one ws handler."""

    @ws_handler
    async def ping(self, message: PingMessage) -> PongMessage:
        return PongMessage()


async def test_a_consumer_with_one_handler_still_refuses_a_frame_without_action() -> None:
    """A frame with no action is an error even when the consumer has a single handler."""
    async with connect(PingOnlyConsumer) as communicator:
        await communicator.send_json({"payload": None})
        reply = await communicator.receive_json()
        assert reply["action"] == "error"
