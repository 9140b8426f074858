"""Groups: per-connection copies, broadcasts, joining and leaving, cleanup, post_authentication."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from chanx_core_host import HostConsumer, MemoryLayer
from pydantic import Field

from chanx.core._hub import hub_for
from chanx.core.authenticators import AuthResult, BaseAuthenticator
from chanx.core.decorators import ws_handler
from chanx.core.testing import WebsocketCommunicator
from chanx.messages import BaseMessage


class ShoutMessage(BaseMessage):
    action: Literal["shout"] = "shout"
    payload: str


class WhisperMessage(BaseMessage):
    """Broadcast to everyone in the groups but the sender."""

    action: Literal["whisper"] = "whisper"
    payload: str


class TellMessage(BaseMessage):
    """Broadcast to the groups named in the payload."""

    action: Literal["tell"] = "tell"
    payload: list[str]


class JoinMessage(BaseMessage):
    action: Literal["join"] = "join"
    payload: str


class LeaveMessage(BaseMessage):
    action: Literal["leave"] = "leave"
    payload: str


class MutateMessage(BaseMessage):
    action: Literal["mutate"] = "mutate"


class GroupsMessage(BaseMessage):
    action: Literal["groups"] = "groups"
    payload: list[str] = Field(default_factory=list)


class HeardMessage(BaseMessage):
    action: Literal["heard"] = "heard"
    payload: str


class GroupConsumer(HostConsumer):
    groups = ["lobby"]

    @ws_handler(output_type=HeardMessage)
    async def shout(self, message: ShoutMessage) -> None:
        await self.broadcast_message(HeardMessage(payload=message.payload))

    @ws_handler(output_type=HeardMessage)
    async def whisper(self, message: WhisperMessage) -> None:
        await self.broadcast_message(HeardMessage(payload=message.payload), exclude_current=True)

    @ws_handler(output_type=HeardMessage)
    async def tell(self, message: TellMessage) -> None:
        await self.broadcast_message(HeardMessage(payload="told"), groups=message.payload)

    @ws_handler
    async def join(self, message: JoinMessage) -> GroupsMessage:
        await self.join_group(message.payload)
        return GroupsMessage(payload=self.groups)

    @ws_handler
    async def leave(self, message: LeaveMessage) -> GroupsMessage:
        await self.leave_group(message.payload)
        return GroupsMessage(payload=self.groups)

    @ws_handler
    async def mutate(self, message: MutateMessage) -> GroupsMessage:
        self.groups.append("mutated")
        return GroupsMessage(payload=self.groups)

    @ws_handler
    async def list_groups(self, message: GroupsMessage) -> GroupsMessage:
        return GroupsMessage(payload=self.groups)


def connect(
    consumer: type[HostConsumer] = GroupConsumer, path: str = "/ws"
) -> WebsocketCommunicator:
    return WebsocketCommunicator(consumer.as_asgi(), path, consumer=consumer)


async def ask(communicator: WebsocketCommunicator, frame: dict[str, Any]) -> Any:
    await communicator.send_json(frame)
    return await communicator.receive_json()


async def test_each_connection_gets_its_own_copy_of_the_class_groups() -> None:
    """Changing self.groups in one connection changes neither the class nor another connection."""
    async with connect() as first, connect() as second:
        changed = await ask(first, {"action": "mutate"})
        assert changed["payload"] == ["lobby", "mutated"]
        joined = await ask(first, {"action": "join", "payload": "extra"})
        assert joined["payload"] == ["lobby", "mutated", "extra"]
        assert (await ask(second, {"action": "groups"}))["payload"] == ["lobby"]
    assert GroupConsumer.groups == ["lobby"]
    async with connect() as third:
        assert (await ask(third, {"action": "groups"}))["payload"] == ["lobby"]


async def test_a_broadcast_reaches_every_member_including_the_sender() -> None:
    """broadcast_message sends to every connection of the groups, the sender included."""
    async with connect() as sender, connect() as other, connect() as third:
        await sender.send_json({"action": "shout", "payload": "hi"})
        heard = {"action": "heard", "payload": "hi"}
        for communicator in (sender, other, third):
            assert await communicator.receive_json() == heard
            assert await communicator.receive_nothing()


async def test_exclude_current_skips_the_sender() -> None:
    """exclude_current=True delivers to the other members only."""
    async with connect() as sender, connect() as other:
        await sender.send_json({"action": "whisper", "payload": "psst"})
        assert await other.receive_json() == {"action": "heard", "payload": "psst"}
        assert await sender.receive_nothing()


async def test_explicit_groups_target_only_those_groups() -> None:
    """A groups= argument sends to those groups instead of the connection's own."""
    async with connect() as sender, connect() as member, connect() as bystander:
        await ask(member, {"action": "join", "payload": "side"})
        await sender.send_json({"action": "tell", "payload": ["side"]})
        assert await member.receive_json() == {"action": "heard", "payload": "told"}
        assert await bystander.receive_nothing()
        assert await sender.receive_nothing()


async def test_join_and_leave_change_the_layer_membership(layer: MemoryLayer) -> None:
    """join_group makes the process a member of a group on the layer and leave_group undoes it."""
    hub = hub_for(layer)
    async with connect() as communicator:
        assert layer.members() == {"lobby": {hub.channels["lobby"]}}
        await ask(communicator, {"action": "join", "payload": "room"})
        assert layer.members() == {
            "lobby": {hub.channels["lobby"]},
            "room": {hub.channels["room"]},
        }
        assert [len(hub.groups[group]) for group in ("lobby", "room")] == [1, 1]
        left = await ask(communicator, {"action": "leave", "payload": "lobby"})
        assert left["payload"] == ["room"]
        assert layer.members() == {"room": {hub.channels["room"]}}
        assert "lobby" not in hub.groups


async def test_disconnect_leaves_every_group(layer: MemoryLayer) -> None:
    """After the client disconnects, the layer holds no membership of the connection."""
    async with connect() as communicator:
        await ask(communicator, {"action": "join", "payload": "room"})
        assert set(layer.members()) == {"lobby", "room"}
    assert layer.members() == {}


class OverridingConsumer(GroupConsumer):
    disconnects: ClassVar[list[int]] = []

    async def websocket_disconnect(self, message: Mapping[str, Any]) -> None:
        type(self).disconnects.append(int(message.get("code", 0)))
        await super().websocket_disconnect(message)


async def test_an_overridden_websocket_disconnect_calling_super_still_cleans_up(
    layer: MemoryLayer,
) -> None:
    """A subclass that overrides websocket_disconnect and calls super() still leaves its groups."""
    OverridingConsumer.disconnects = []
    async with connect(OverridingConsumer) as communicator:
        await ask(communicator, {"action": "join", "payload": "room"})
    assert OverridingConsumer.disconnects == [1000]
    assert layer.members() == {}


class RoomAuthenticator(BaseAuthenticator):
    async def authenticate(self) -> AuthResult:
        return AuthResult(user=self.handshake.query("name"))


class RoomConsumer(GroupConsumer):
    authenticator_class = RoomAuthenticator
    seen: ClassVar[list[tuple[Any, dict[str, int]]]] = []
    layer: ClassVar[MemoryLayer]

    async def post_authentication(self) -> None:
        local = {group: len(members) for group, members in hub_for(type(self).layer).groups.items()}
        type(self).seen.append((self.user, local))
        room = self.handshake.query("room")
        if room:
            await self.join_group(room)
            await self.broadcast_message(
                HeardMessage(payload=f"{self.user} joined"), groups=[room], exclude_current=True
            )


async def test_post_authentication_runs_after_auth_and_group_joins(layer: MemoryLayer) -> None:
    """post_authentication sees the user and the joined groups, and can join and announce."""
    RoomConsumer.seen = []
    RoomConsumer.layer = layer
    hub = hub_for(layer)
    async with connect(RoomConsumer, "/ws?name=ann&room=blue") as ann:
        await ann.receive_authentication()
        async with connect(RoomConsumer, "/ws?name=bob&room=blue") as bob:
            await bob.receive_authentication()
            assert await ann.receive_json() == {"action": "heard", "payload": "bob joined"}
            assert await bob.receive_nothing()
            # One layer membership per group for the whole process; the hub knows the members.
            assert layer.members() == {
                "lobby": {hub.channels["lobby"]},
                "blue": {hub.channels["blue"]},
            }
            assert len(hub.groups["blue"]) == 2
    [(first_user, first_groups), (second_user, second_groups)] = RoomConsumer.seen
    assert first_user == "ann"
    assert first_groups == {"lobby": 1}
    assert second_user == "bob"
    assert second_groups["lobby"] == 2


class RememberedConsumer(HostConsumer):
    """Keeps its instances, so a test can reach the server side of a connection."""

    groups = ["remembered"]
    instances: ClassVar[list[RememberedConsumer]] = []

    async def post_authentication(self) -> None:
        RememberedConsumer.instances.append(self)

    @ws_handler
    async def shout(self, message: ShoutMessage) -> None:
        await self.broadcast_message(message)


async def test_teardown_leaves_groups_when_the_loop_ends_without_a_disconnect(
    layer: MemoryLayer,
) -> None:
    """chanx_teardown() releases memberships, and a second call is harmless."""
    RememberedConsumer.instances = []
    communicator = WebsocketCommunicator(RememberedConsumer.as_asgi(), "/ws")
    await communicator.connect()
    await communicator.receive_nothing()
    hub = hub_for(layer)
    assert layer.members() == {"remembered": {hub.channels["remembered"]}}
    assert list(hub.groups["remembered"]) == RememberedConsumer.instances
    consumer = RememberedConsumer.instances[0]
    await consumer.chanx_teardown()
    await consumer.chanx_teardown()
    assert layer.members() == {}
    assert hub.groups == {}
    assert not hub.running
    await communicator.disconnect()


class VanishingConsumer(RememberedConsumer):
    """A connection whose client is gone: every send fails like uvicorn's ClientDisconnected."""

    async def _chanx_write(self, text: str) -> None:
        raise OSError("client disconnected")


async def test_a_relay_to_a_vanished_client_does_not_end_the_connection_loop(
    layer: MemoryLayer,
) -> None:
    """A broadcast whose send fails is dropped for that connection; its loop keeps running."""
    RememberedConsumer.instances = []
    gone = WebsocketCommunicator(VanishingConsumer.as_asgi(), "/ws")
    alive = WebsocketCommunicator(RememberedConsumer.as_asgi(), "/ws")
    await gone.connect()
    await alive.connect()
    await alive.send_json({"action": "shout", "payload": "hello"})
    assert await alive.receive_json() == {"action": "shout", "payload": "hello"}
    await gone.receive_nothing()
    await gone.disconnect()  # the loop still runs, so it still handles the disconnect
    hub = hub_for(layer)
    assert layer.members() == {"remembered": {hub.channels["remembered"]}}
    assert list(hub.groups["remembered"]) == [RememberedConsumer.instances[1]]
    await alive.disconnect()
    assert layer.members() == {}
