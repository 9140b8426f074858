"""camelize=True: camelCase keys on the wire, snake_case models in Python, values untouched."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

import structlog
from chanx_core_host import HostConsumer
from pydantic import BaseModel

from chanx.core import RateLimit
from chanx.core.decorators import event_handler, ws_handler
from chanx.core.testing import WebsocketCommunicator
from chanx.messages import BaseMessage


class Address(BaseModel):
    street_name: str
    zip_code: str


class Profile(BaseModel):
    user_name: str
    home_address: Address
    past_addresses: list[Address]
    nick_names: list[str]


class UpdateProfileMessage(BaseMessage):
    action: Literal["update_profile"] = "update_profile"
    payload: Profile


class ProfileUpdatedMessage(BaseMessage):
    action: Literal["profile_updated"] = "profile_updated"
    payload: Profile


class News(BaseModel):
    news_title: str


class ShareNewsMessage(BaseMessage):
    action: Literal["share_news"] = "share_news"
    payload: News


class NewsPostedMessage(BaseMessage):
    action: Literal["news_posted"] = "news_posted"
    payload: News


class NewsEvent(BaseMessage):
    action: Literal["news_event"] = "news_event"
    payload: News


class CamelConsumer(HostConsumer):
    camelize = True
    groups = ["news_room"]
    received: ClassVar[list[BaseMessage]] = []

    @ws_handler
    async def update_profile(self, message: UpdateProfileMessage) -> ProfileUpdatedMessage:
        type(self).received.append(message)
        return ProfileUpdatedMessage(payload=message.payload)

    @ws_handler(output_type=NewsPostedMessage)
    async def share_news(self, message: ShareNewsMessage) -> None:
        await self.broadcast_message(NewsPostedMessage(payload=message.payload))

    @event_handler
    async def news_event(self, event: NewsEvent) -> NewsPostedMessage:
        return NewsPostedMessage(payload=event.payload)


CAMEL_PROFILE: dict[str, Any] = {
    "userName": "user_name",
    "homeAddress": {"streetName": "main_street", "zipCode": "1000"},
    "pastAddresses": [{"streetName": "old_road", "zipCode": "2000"}],
    "nickNames": ["snake_value", "camelValue"],
}


def connect() -> WebsocketCommunicator:
    return WebsocketCommunicator(CamelConsumer.as_asgi(), "/ws", consumer=CamelConsumer)


async def test_camel_case_keys_validate_into_snake_case_models() -> None:
    """Incoming camelCase keys, nested models and lists included, fill snake_case fields."""
    CamelConsumer.received = []
    async with connect() as communicator:
        await communicator.send_json({"action": "update_profile", "payload": CAMEL_PROFILE})
        await communicator.receive_json()
    [message] = CamelConsumer.received
    assert isinstance(message, UpdateProfileMessage)
    assert message.payload == Profile(
        user_name="user_name",
        home_address=Address(street_name="main_street", zip_code="1000"),
        past_addresses=[Address(street_name="old_road", zip_code="2000")],
        nick_names=["snake_value", "camelValue"],
    )


async def test_replies_are_camel_case_and_values_are_untouched() -> None:
    """A handler's reply goes out with camelCase keys while values such as "user_name" stay."""
    async with connect() as communicator:
        await communicator.send_json({"action": "update_profile", "payload": CAMEL_PROFILE})
        assert await communicator.receive_json() == {
            "action": "profile_updated",
            "payload": CAMEL_PROFILE,
        }


async def test_broadcasts_are_camel_case() -> None:
    """A broadcast reaches every member of the group with camelCase keys."""
    async with connect() as sender, connect() as other:
        await sender.send_json({"action": "share_news", "payload": {"newsTitle": "big_news"}})
        expected = {"action": "news_posted", "payload": {"newsTitle": "big_news"}}
        assert await other.receive_json() == expected
        assert await sender.receive_json() == expected


async def test_event_handler_replies_are_camel_case() -> None:
    """What an event handler returns is camelized like any reply."""
    async with connect() as communicator:
        await CamelConsumer.broadcast_event(
            NewsEvent(payload=News(news_title="snake_title")), groups=["news_room"]
        )
        assert await communicator.receive_json() == {
            "action": "news_posted",
            "payload": {"newsTitle": "snake_title"},
        }


async def test_error_locations_are_camel_case() -> None:
    """Validation error locations name fields as the client spelled them, list indexes kept."""
    profile = {
        "userName": "u",
        "homeAddress": {"streetName": "s"},
        "pastAddresses": [{"zipCode": "1"}],
        "nickNames": [],
    }
    async with connect() as communicator:
        await communicator.send_json({"action": "update_profile", "payload": profile})
        reply = await communicator.receive_json()
    assert reply["action"] == "error"
    assert sorted((item["loc"] for item in reply["payload"]), key=str) == [
        ["payload", "homeAddress", "zipCode"],
        ["payload", "pastAddresses", 0, "streetName"],
    ]


async def test_the_communicator_sends_models_camelized_for_a_camelizing_consumer() -> None:
    """WebsocketCommunicator.send_message encodes like the consumer under test expects."""
    CamelConsumer.received = []
    profile = Profile.model_validate(
        {
            "user_name": "user_name",
            "home_address": {"street_name": "a_b", "zip_code": "1"},
            "past_addresses": [],
            "nick_names": [],
        }
    )
    async with connect() as communicator:
        await communicator.send_message(UpdateProfileMessage(payload=profile))
        reply = await communicator.receive_json()
    assert reply["payload"]["homeAddress"] == {"streetName": "a_b", "zipCode": "1"}
    assert CamelConsumer.received == [UpdateProfileMessage(payload=profile)]


async def test_a_deeply_nested_frame_is_invalid_json_and_the_connection_keeps_serving() -> None:
    """Nesting too deep to convert is answered with "Invalid JSON", as without camelize."""
    frames = ['{"a":' * 900 + "1" + "}" * 900, "[" * 100_000 + "]" * 100_000]
    # Captured, so a regression fails on the missing reply instead of rendering a traceback
    # a thousand frames deep.
    with structlog.testing.capture_logs():
        async with connect() as communicator:
            for frame in frames:
                await communicator.send_text(frame)
                assert await communicator.receive_json() == {
                    "action": "error",
                    "payload": {"detail": "Invalid JSON"},
                }
            await communicator.send_json({"action": "update_profile", "payload": CAMEL_PROFILE})
            assert (await communicator.receive_json())["action"] == "profile_updated"


async def test_a_lone_surrogate_escape_is_refused_as_in_snake_case() -> None:
    """Half a surrogate pair, escaped, is not text a UTF-8 frame can carry: Invalid JSON."""
    CamelConsumer.received = []
    async with connect() as communicator:
        frame = '{"action":"share_news","payload":{"newsTitle":"\\ud83d"}}'
        await communicator.send_text(frame)
        assert await communicator.receive_json() == {
            "action": "error",
            "payload": {"detail": "Invalid JSON"},
        }
        # Paired escapes are ordinary text and still work.
        paired = '{"action":"share_news","payload":{"newsTitle":"\\ud83d\\ude00"}}'
        await communicator.send_text(paired)
        assert await communicator.receive_json() == {
            "action": "news_posted",
            "payload": {"newsTitle": "\U0001f600"},
        }


class GuardedMessage(BaseMessage):
    action: Literal["guarded_action"] = "guarded_action"


def nobody(consumer: object, message: object) -> bool:
    return False


class GuardedCamelConsumer(HostConsumer):
    camelize = True
    rate_limit = RateLimit(rate=0.001, burst=1)

    @ws_handler(permissions=[nobody])
    async def guarded(self, message: GuardedMessage) -> None:
        raise AssertionError  # never runs: the permission refuses every frame


async def test_chanx_error_frames_camelize_their_status_code_too() -> None:
    """The permission and rate-limit error frames say ``statusCode``, like every other key."""
    consumer = GuardedCamelConsumer
    async with WebsocketCommunicator(consumer.as_asgi(), "/ws", consumer=consumer) as ws:
        await ws.send_json({"action": "guarded_action"})
        denied = await ws.receive_json()
        assert denied["payload"] == {
            "detail": "Permission denied for guarded_action",
            "statusCode": 403,
        }
        await ws.send_json({"action": "guarded_action"})
        limited = await ws.receive_json()
        assert limited["payload"]["statusCode"] == 429
        assert "status_code" not in limited["payload"]
