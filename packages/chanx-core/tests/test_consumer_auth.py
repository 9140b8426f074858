"""Authentication of a connection: the frame, the close codes and what runs before and after."""

from __future__ import annotations

import json
from typing import Any, ClassVar, Literal

import pytest
import structlog
from chanx_core_host import HostConsumer, MemoryLayer

from chanx.core.authenticators import (
    AuthenticationFailed,
    AuthResult,
    BaseAuthenticator,
    CredentialAuthenticator,
    NotFound,
    PermissionDenied,
)
from chanx.core.decorators import ws_handler
from chanx.core.testing import WebsocketCommunicator
from chanx.messages import BaseMessage

SECRET = "database-password-in-an-exception"


class WhoAmIMessage(BaseMessage):
    action: Literal["whoami"] = "whoami"


class IdentityMessage(BaseMessage):
    action: Literal["identity"] = "identity"
    payload: dict[str, Any]


class FixedAuthenticator(BaseAuthenticator):
    """Returns ``outcome`` or raises it, and records the layer's groups at that moment."""

    outcome: ClassVar[AuthResult | BaseException] = AuthResult()
    layer: ClassVar[MemoryLayer | None] = None
    groups_seen: ClassVar[list[dict[str, set[str]]]] = []

    async def authenticate(self) -> AuthResult:
        if self.layer is not None:
            type(self).groups_seen.append(self.layer.members())
        if isinstance(self.outcome, BaseException):
            raise self.outcome
        return self.outcome


class AuthedConsumer(HostConsumer):
    authenticator_class: ClassVar[type[BaseAuthenticator] | None] = FixedAuthenticator
    groups = ["vip"]
    handled: ClassVar[int] = 0

    @ws_handler
    async def whoami(self, message: WhoAmIMessage) -> IdentityMessage:
        type(self).handled += 1
        return IdentityMessage(payload={"user": self.user, "obj": self.obj})


@pytest.fixture(autouse=True)
def reset(layer: MemoryLayer) -> None:
    FixedAuthenticator.outcome = AuthResult()
    FixedAuthenticator.layer = layer
    FixedAuthenticator.groups_seen = []
    AuthedConsumer.handled = 0


def connect(consumer: type[HostConsumer] = AuthedConsumer, **kwargs: Any) -> WebsocketCommunicator:
    return WebsocketCommunicator(consumer.as_asgi(), "/ws", consumer=consumer, **kwargs)


def authentication(status_code: int, status_text: str, data: Any = None) -> dict[str, Any]:
    payload = {"status_code": status_code, "status_text": status_text, "data": data}
    return {"action": "authentication", "payload": payload}


async def test_success_sends_the_frame_then_handlers_see_user_and_obj() -> None:
    """A successful authentication sends a 200 frame and exposes user and obj to handlers."""
    FixedAuthenticator.outcome = AuthResult(user="alice", obj={"room": 7}, data={"name": "Alice"})
    async with connect() as communicator:
        assert await communicator.receive_json() == authentication(200, "OK", {"name": "Alice"})
        await communicator.send_json({"action": "whoami"})
        assert await communicator.receive_json() == {
            "action": "identity",
            "payload": {"user": "alice", "obj": {"room": 7}},
        }


@pytest.mark.parametrize(
    ("error", "status_code", "status_text", "close_code"),
    [
        (AuthenticationFailed(), 401, "Unauthorized", 4401),
        (AuthenticationFailed("Token expired"), 401, "Token expired", 4401),
        (PermissionDenied("Members only"), 403, "Members only", 4403),
        (NotFound(), 404, "Not Found", 4404),
    ],
)
async def test_refusal_sends_the_status_then_closes_with_4000_plus_it(
    error: AuthenticationFailed, status_code: int, status_text: str, close_code: int
) -> None:
    """A refused connection gets the frame with the status, then a 4000 + status close."""
    FixedAuthenticator.outcome = error
    async with connect() as communicator:
        assert await communicator.receive_json() == authentication(status_code, status_text)
        await communicator.assert_closed(code=close_code)


async def test_an_authenticator_crash_is_a_500_that_reveals_nothing() -> None:
    """An unexpected exception sends a 500 frame and closes with 4500; its text is only logged."""
    FixedAuthenticator.outcome = RuntimeError(SECRET)
    communicator = connect()
    with structlog.testing.capture_logs() as logs:
        await communicator.connect()
        frame = await communicator.receive_frame()
    assert SECRET not in frame["text"]
    assert json.loads(frame["text"]) == authentication(500, "Internal Server Error")
    await communicator.assert_closed(code=4500)
    [entry] = [log for log in logs if log["event"] == "chanx.authentication.error"]
    assert entry["exc_info"] is True
    await communicator.disconnect()


async def test_no_authentication_frame_when_disabled_but_refusal_still_closes() -> None:
    """With send_authentication_message False a refused connection is closed without a frame."""

    class Silent(AuthedConsumer):
        send_authentication_message = False

    FixedAuthenticator.outcome = PermissionDenied()
    async with connect(Silent) as communicator:
        frame = await communicator.receive_frame()
        assert frame == {"type": "websocket.close", "code": 4403}


async def test_no_authentication_frame_when_disabled_and_accepted() -> None:
    """With send_authentication_message False an accepted connection just starts serving."""

    class Silent(AuthedConsumer):
        send_authentication_message = False

    FixedAuthenticator.outcome = AuthResult(user="bob")
    async with connect(Silent) as communicator:
        assert await communicator.receive_nothing()
        await communicator.send_json({"action": "whoami"})
        reply = await communicator.receive_json()
        assert reply["payload"]["user"] == "bob"


async def test_frames_after_a_refusal_reach_no_handler() -> None:
    """Frames a refused client keeps sending are dropped before any handler runs."""
    FixedAuthenticator.outcome = AuthenticationFailed()
    async with connect() as communicator:
        await communicator.receive_authentication()
        await communicator.assert_closed(code=4401)
        for _ in range(3):
            await communicator.send_json({"action": "whoami"})
        await communicator.send_bytes(b"\x01")
        assert await communicator.receive_nothing()
    assert AuthedConsumer.handled == 0


async def test_groups_are_joined_only_after_a_successful_authentication(
    layer: MemoryLayer,
) -> None:
    """A refused connection joins no group; an accepted one joins after its authenticator ran."""
    FixedAuthenticator.outcome = PermissionDenied()
    async with connect() as refused:
        await refused.receive_authentication()
        await refused.assert_closed(code=4403)
        assert layer.members() == {}
    FixedAuthenticator.outcome = AuthResult(user="carol")
    async with connect() as accepted:
        assert (await accepted.receive_authentication())["status_code"] == 200
        assert list(layer.members()) == ["vip"]
    assert FixedAuthenticator.groups_seen == [{}, {}]


class SubprotocolToken(CredentialAuthenticator):
    location = "subprotocol"
    name = "token"

    async def verify(self, credential: str) -> Any:
        return {"id": 1} if credential == "good-secret" else None


class SubprotocolConsumer(AuthedConsumer):
    authenticator_class = SubprotocolToken


async def test_a_subprotocol_credential_is_never_echoed_as_the_accepted_protocol() -> None:
    """The connection is accepted with the plain subprotocol, not the one carrying the secret."""
    communicator = connect(SubprotocolConsumer, subprotocols=["chat.v1", "token.good-secret"])
    async with communicator:
        assert communicator.subprotocol == "chat.v1"
        assert (await communicator.receive_authentication())["status_code"] == 200
        await communicator.send_json({"action": "whoami"})
        assert (await communicator.receive_json())["payload"]["user"] == {"id": 1}


async def test_a_wrong_subprotocol_credential_is_refused() -> None:
    """A credential the verifier rejects closes the connection with 4401."""
    communicator = connect(SubprotocolConsumer, subprotocols=["chat.v1", "token.bad"])
    async with communicator:
        assert communicator.subprotocol == "chat.v1"
        payload = await communicator.receive_authentication()
        assert payload["status_code"] == 401
        await communicator.assert_closed(code=4401)
