"""The document: channels per route, operations per handler, Chanx's frames, names that hold."""

from __future__ import annotations

import itertools
from typing import Any, Literal

import chanx_asyncapi_sample as sample
import chanx_asyncapi_twin_a as twin_a
import chanx_asyncapi_twin_b as twin_b
import pytest
from chanx_asyncapi_dump import Build
from chanx_asyncapi_host import HostConsumer

from chanx.asyncapi import DocumentSettings, PathParameter, RouteRecord, dump_json
from chanx.core import RateLimit, channel, event_handler, ws_handler
from chanx.messages import BaseMessage


class Ping2(BaseMessage):
    """Are you there?"""

    action: Literal["ping2"] = "ping2"


class Pong2(BaseMessage):
    """Yes."""

    action: Literal["pong2"] = "pong2"


class Tick(BaseMessage):
    """A server-side clock tick."""

    action: Literal["tick"] = "tick"


class Quiet(HostConsumer[Tick]):
    @ws_handler
    async def ping(self, message: Ping2) -> None:
        """Say nothing back."""

    @event_handler
    async def tick(self, event: Tick) -> None:
        """Count ticks silently."""


class Chatty(HostConsumer[Tick]):
    """Answers pings and announces ticks."""

    @ws_handler(output_type=[Pong2, Ping2])
    async def ping(self, message: Ping2) -> None:
        """Broadcast a pong."""

    @event_handler
    async def tick(self, event: Tick) -> Pong2:
        return Pong2()


def operation_ids(document: dict[str, Any]) -> list[str]:
    return list(document["operations"])


def channel_messages(document: dict[str, Any], channel: str) -> list[str]:
    return list(document["channels"][channel]["messages"])


def test_each_route_is_one_channel_with_a_normalised_address(build: Build) -> None:
    """Routes become channels whose addresses carry ``{name}`` parameters only."""
    document = build(
        [
            RouteRecord("/ws/chat/{room_id:int}", Chatty),
            RouteRecord("ws/quiet/<slug:name>/", Quiet),
        ]
    )
    channels = document["channels"]
    assert {c["address"] for c in channels.values()} == {"/ws/chat/{room_id}", "/ws/quiet/{name}/"}
    assert channels["Chatty"]["parameters"] == {
        "room_id": {"description": "The room_id path parameter: an integer."}
    }


def test_channel_name_description_and_tags_come_from_channel_or_the_class(build: Build) -> None:
    """``@channel`` wins; the docstring is the fallback; no docstring means no description."""
    document = build(sample.ROUTES)
    chat = document["channels"]["chat"]
    assert chat["title"] == "chat"
    assert chat["description"].startswith("Chat in one room.")
    assert chat["tags"] == [{"name": "chat"}, {"name": "rooms"}]
    assert "description" not in document["channels"]["EchoConsumer"]
    presence = document["channels"]["PresenceConsumer"]
    assert presence["description"] == "Presence of members in a room."
    assert "None" not in dump_json(document)


def test_path_parameters_keep_what_the_router_knows(build: Build) -> None:
    """A :class:`PathParameter` adds its description, enum, default and examples."""
    record = RouteRecord(
        "/ws/{kind}/{room}",
        Quiet,
        parameters=(
            PathParameter("kind", enum=("public", "private"), default="public"),
            PathParameter("room", description="The room.", examples=("lobby",)),
            PathParameter("unused", description="Not in the address."),
        ),
    )
    parameters = build([record])["channels"]["Quiet"]["parameters"]
    assert parameters == {
        "kind": {
            "description": "The kind path parameter.",
            "enum": ["public", "private"],
            "default": "public",
        },
        "room": {"description": "The room.", "examples": ["lobby"]},
    }


def test_ws_handlers_are_receive_operations_replying_with_their_outputs(build: Build) -> None:
    """A handler's inputs are its messages; its outputs are the reply; no output, no reply."""
    document = build([RouteRecord("/chatty", Chatty), RouteRecord("/quiet", Quiet)])
    chatty = document["operations"]["Chatty.receive.ping"]
    assert chatty["action"] == "receive"
    assert chatty["channel"] == {"$ref": "#/channels/Chatty"}
    assert chatty["summary"] == "Broadcast a pong."
    assert chatty["messages"] == [{"$ref": "#/channels/Chatty/messages/Ping2"}]
    assert chatty["reply"] == {
        "channel": {"$ref": "#/channels/Chatty"},
        "messages": [
            {"$ref": "#/channels/Chatty/messages/Pong2"},
            {"$ref": "#/channels/Chatty/messages/Ping2"},
        ],
    }
    assert "reply" not in document["operations"]["Quiet.receive.ping"]


def test_union_inputs_list_every_message(build: Build) -> None:
    """A handler of ``A | B`` receives both."""
    operation = build(sample.ROUTES)["operations"]["chat.receive.typing"]
    assert operation["messages"] == [
        {"$ref": "#/channels/chat/messages/StartTyping"},
        {"$ref": "#/channels/chat/messages/StopTyping"},
    ]
    assert operation["description"] == "Both frames are answered with ``typing_ack``."


def test_every_sent_message_is_a_send_operation(build: Build) -> None:
    """Event handler outputs and ws handler outputs are each one ``send`` operation."""
    document = build([RouteRecord("/chatty", Chatty), RouteRecord("/quiet", Quiet)])
    assert operation_ids(document) == [
        "Chatty.receive.ping",
        "Chatty.send.ErrorMessage",
        "Chatty.send.Ping2",
        "Chatty.send.Pong2",
        "Quiet.receive.ping",
        "Quiet.send.ErrorMessage",
    ]
    pong = document["operations"]["Chatty.send.Pong2"]
    assert pong["action"] == "send"
    assert pong["messages"] == [{"$ref": "#/channels/Chatty/messages/Pong2"}]
    assert "`ping` handler" in pong["description"]
    assert "`tick` event handler" in pong["description"]


def test_the_error_frame_is_documented_on_every_channel(build: Build) -> None:
    """Any consumer may send ``error``; a consumer without an authenticator never authenticates."""
    document = build([RouteRecord("/quiet", Quiet)])
    assert channel_messages(document, "Quiet") == ["ErrorMessage", "Ping2"]
    assert document["components"]["messages"]["ErrorMessage"]["name"] == "error"


def test_authentication_and_completion_frames_follow_the_consumer_settings(build: Build) -> None:
    """``authentication`` with an authenticator that sends it; completions with send_completion."""
    document = build(sample.ROUTES)
    assert {"AuthenticationMessage", "CompleteMessage", "GroupCompleteMessage"} <= set(
        channel_messages(document, "chat")
    )
    assert "EventCompleteMessage" in channel_messages(document, "chat")
    assert "chat.send.AuthenticationMessage" in document["operations"]

    class Silent(sample.ChatConsumer):
        send_authentication_message = False
        send_completion = False

    silent = build([RouteRecord("/silent", Silent)])
    names = channel_messages(silent, "Silent")
    assert "AuthenticationMessage" not in names
    assert "CompleteMessage" not in names
    assert "ErrorMessage" in names


def test_project_settings_decide_when_the_class_does_not(build: Build) -> None:
    """Completion frames appear when the project turns ``SEND_COMPLETION`` on."""
    HostConsumer.project_settings = {"SEND_COMPLETION": True}
    names = channel_messages(build([RouteRecord("/quiet", Quiet)]), "Quiet")
    assert names == [
        "CompleteMessage",
        "ErrorMessage",
        "EventCompleteMessage",
        "GroupCompleteMessage",
        "Ping2",
    ]


def test_the_document_does_not_depend_on_route_order(build: Build) -> None:
    """Every permutation of the routes gives byte-identical JSON, operation ids included."""
    routes = [*sample.ROUTES, RouteRecord("/quiet", Quiet), RouteRecord("/chatty", Chatty)]
    texts = {dump_json(build(list(order))) for order in itertools.permutations(routes[:4])}
    assert len(texts) == 1
    assert dump_json(build(routes)) == dump_json(build(list(reversed(routes))))


def test_only_routed_consumers_are_documented(build: Build) -> None:
    """A consumer that exists but is not routed leaks no channel, operation or message."""

    class Unrouted(HostConsumer):
        @ws_handler
        async def secret(self, message: sample.WhoAmI) -> sample.YouAre:
            return sample.YouAre(payload=sample.Author(user_id=1))

    document = build([RouteRecord("/quiet", Quiet)])
    text = dump_json(document)
    assert Unrouted.chanx_handlers()
    for leaked in ("Unrouted", "WhoAmI", "YouAre", "who_am_i", "Chatty", "Pong2"):
        assert leaked not in text
    used = {name for channel in document["channels"].values() for name in channel["messages"]}
    assert used == set(document["components"]["messages"])


def test_consumers_with_the_same_name_in_different_modules_get_distinct_channels(
    build: Build,
) -> None:
    """Two ``ChatConsumer`` classes become two channels, each with its own messages."""
    document = build(
        [RouteRecord("/b", twin_b.ChatConsumer), RouteRecord("/a", twin_a.ChatConsumer)]
    )
    channels = document["channels"]
    assert sorted(channels) == [
        "chanx_asyncapi_twin_a.ChatConsumer",
        "chanx_asyncapi_twin_b.ChatConsumer",
    ]
    first, second = channels.values()
    assert first["title"] == second["title"] == "ChatConsumer"
    assert first["description"] == "Chat in the first application."
    assert first["messages"].keys() != second["messages"].keys()
    assert "chanx_asyncapi_twin_a.ChatConsumer.receive.handle" in document["operations"]


def test_one_consumer_routed_twice_gets_a_channel_per_address(build: Build) -> None:
    """The same class at two addresses: two channels, told apart by their address."""
    document = build([RouteRecord("/one", Quiet), RouteRecord("/two", Quiet)])
    assert [c["address"] for c in document["channels"].values()] == ["/one", "/two"]
    assert len(document["channels"]) == 2
    assert build([RouteRecord("/one", Quiet), RouteRecord("/one", Quiet)])["channels"].keys() == {
        "Quiet"
    }


def test_security_schemes_come_from_the_authenticator(build: Build) -> None:
    """An authenticator's ``security_scheme`` is a component every operation requires."""
    document = build(sample.ROUTES)
    assert document["components"]["securitySchemes"] == {
        "TokenAuthenticator": {"type": "httpApiKey", "name": "token", "in": "query"}
    }
    requirement = [{"$ref": "#/components/securitySchemes/TokenAuthenticator"}]
    chat_operations = [v for k, v in document["operations"].items() if k.startswith("chat.")]
    assert all(operation["security"] == requirement for operation in chat_operations)
    echo_operations = [v for k, v in document["operations"].items() if k.startswith("Echo")]
    assert not any("security" in operation for operation in echo_operations)


def test_authenticators_without_a_scheme_declare_no_security(build: Build) -> None:
    """A plain ``BaseAuthenticator`` (scheme None) still sends ``authentication``, no security."""
    from chanx.core import BaseAuthenticator

    class Custom(BaseAuthenticator):
        pass

    class Guarded(Quiet):
        authenticator_class = Custom

    document = build([RouteRecord("/guarded", Guarded)])
    assert "securitySchemes" not in document["components"]
    assert "AuthenticationMessage" in channel_messages(document, "Guarded")
    assert not any("security" in operation for operation in document["operations"].values())


def test_settings_security_schemes_are_added_and_replace_derived_ones(build: Build) -> None:
    """Schemes from the settings join the derived ones; the same name replaces."""
    settings = DocumentSettings(
        security_schemes={
            "TokenAuthenticator": {"type": "httpApiKey", "name": "key", "in": "query"},
            "cookie": {"type": "httpApiKey", "name": "sessionid", "in": "cookie"},
        }
    )
    schemes = build(sample.ROUTES, settings)["components"]["securitySchemes"]
    assert list(schemes) == ["TokenAuthenticator", "cookie"]
    assert schemes["TokenAuthenticator"]["name"] == "key"


def test_header_and_subprotocol_credentials_become_header_api_keys(build: Build) -> None:
    """``CredentialAuthenticator`` subclasses describe where their credential travels."""
    from chanx.core import CredentialAuthenticator

    class Bearer(CredentialAuthenticator):
        location = "header"
        name = "Authorization"
        scheme = "Bearer"

    class ViaSubprotocol(CredentialAuthenticator):
        location = "subprotocol"
        name = "access_token"

    class A(Quiet):
        authenticator_class = Bearer

    class B(Quiet):
        authenticator_class = ViaSubprotocol

    schemes = build([RouteRecord("/a", A), RouteRecord("/b", B)])["components"]["securitySchemes"]
    assert schemes["Bearer"] == {"type": "httpApiKey", "name": "Authorization", "in": "header"}
    assert schemes["ViaSubprotocol"]["name"] == "Sec-WebSocket-Protocol"


def test_settings_fill_info_servers_and_content_type(build: Build) -> None:
    """Title, version, description and servers come from the settings, in a fixed order."""
    settings = DocumentSettings(
        title="Rooms",
        version="2.1.0",
        description="All about rooms.",
        servers={
            "prod": "wss://api.example.com/realtime/",
            "dev": {"host": "localhost:8000", "protocol": "ws", "description": "Local"},
        },
    )
    document = build(sample.ROUTES, settings)
    assert list(document) == [
        "asyncapi",
        "info",
        "servers",
        "defaultContentType",
        "channels",
        "operations",
        "components",
        "x-chanx-close-codes",
    ]
    assert document["asyncapi"] == "3.0.0"
    assert document["info"] == {
        "title": "Rooms",
        "version": "2.1.0",
        "description": "All about rooms.",
    }
    assert document["servers"] == {
        "dev": {"host": "localhost:8000", "protocol": "ws", "description": "Local"},
        "prod": {"host": "api.example.com", "protocol": "wss", "pathname": "/realtime"},
    }
    assert document["defaultContentType"] == "application/json"


def test_a_server_url_without_a_host_is_refused() -> None:
    """A server given as a URL must have a scheme and a host."""
    from chanx.asyncapi import build_document

    with pytest.raises(ValueError, match="scheme and a host"):
        build_document([], DocumentSettings(servers={"x": "localhost"}))


def test_a_route_to_something_else_than_a_consumer_is_refused() -> None:
    """Only Chanx consumer classes can be documented."""
    from chanx.asyncapi import build_document

    with pytest.raises(TypeError, match="ChanxWebsocketMixin subclass"):
        build_document([RouteRecord("/x", object)])


def test_no_routes_give_an_empty_but_valid_document(build: Build) -> None:
    """No route: no channel, no operation, no message."""
    document = build([])
    assert document["channels"] == {}
    assert document["operations"] == {}
    assert document["components"] == {"schemas": {}, "messages": {}}


def test_operation_messages_belong_to_their_channel(build: Build) -> None:
    """Every message an operation or reply names is one of its channel's messages."""
    document = build([*sample.ROUTES, RouteRecord("/chatty", Chatty)])
    for operation in document["operations"].values():
        channel_pointer = operation["channel"]["$ref"]
        references = list(operation["messages"])
        references += operation.get("reply", {}).get("messages", [])
        for reference in references:
            assert reference["$ref"].startswith(channel_pointer + "/messages/")
            name = reference["$ref"].rsplit("/", 1)[1]
            channel_name = channel_pointer.rsplit("/", 1)[1]
            assert name in document["channels"][channel_name]["messages"]


@channel(name="renamed", description="Given.", tags=["x"])
class Described(HostConsumer):
    """Not used: @channel gives the description."""

    @ws_handler(summary="S", description="D", tags=["t1", "t2"])
    async def ping(self, message: Ping2) -> None:
        """Ignored docstring."""


def test_handler_summary_description_and_tags_reach_the_operation(build: Build) -> None:
    """What ``@ws_handler`` records is what the operation says."""
    document = build([RouteRecord("/d", Described)])
    operation = document["operations"]["renamed.receive.ping"]
    assert operation["summary"] == "S"
    assert operation["description"] == "D"
    assert operation["tags"] == [{"name": "t1"}, {"name": "t2"}]
    assert document["channels"]["renamed"]["description"] == "Given."


def only_admins(consumer: Any, message: Any) -> bool:
    return False


class Guarded(HostConsumer[Tick]):
    """Declares every limit a client author must see."""

    max_message_size = 4096
    rate_limit = RateLimit(rate=5, burst=10)
    idle_timeout = 60
    heartbeat_interval = 20
    outbound_overflow = "drop_oldest"

    @ws_handler(
        rate_limit=RateLimit(rate=1, burst=2, close_after=None),
        permissions=[only_admins],
        timeout=2.5,
    )
    async def ping(self, message: Ping2) -> Pong2:
        """Answer."""
        return Pong2()


def test_limits_permissions_and_close_codes_are_published(build: Build) -> None:
    """Client authors find the channel's limits, a handler's own ones and every close code."""
    document = build([RouteRecord("/ws/guarded", Guarded)])
    [channel_key] = document["channels"]
    assert document["channels"][channel_key]["x-chanx-limits"] == {
        "maxMessageSize": 4096,
        "rateLimit": {"rate": 5, "burst": 10, "closeAfter": 50},
        "idleTimeout": 60,
        "heartbeatInterval": 20,
        "maxOutboundMessages": 512,
        "outboundOverflow": "drop_oldest",
    }
    operation = document["operations"][f"{channel_key}.receive.ping"]
    assert operation["x-chanx-rate-limit"] == {"rate": 1, "burst": 2}
    assert operation["x-chanx-timeout"] == 2.5
    assert operation["x-chanx-permissions"] == ["only_admins"]
    sent = {key.rsplit(".", 1)[1] for key in document["operations"] if ".send." in key}
    assert {"PingMessage", "PongMessage"} <= sent
    codes = document["x-chanx-close-codes"]
    assert {"1011", "1013", "4401", "4403", "4408", "4429"} <= set(codes)
