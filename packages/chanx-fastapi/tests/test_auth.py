"""Authentication on FastAPI: reusing the app's token check, close codes, AsyncAPI security."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import pytest
from chanx_fastapi_sample import SecureConsumer, app, get_current_user
from fastapi import HTTPException, WebSocketException, status
from fastapi.testclient import TestClient

import chanx.core
from chanx.asyncapi import build_document, discover_routes
from chanx.core.decorators import ws_handler
from chanx.ext.fast_channels import auth
from chanx.ext.fast_channels.auth import (
    AuthenticationFailed,
    AuthResult,
    BaseAuthenticator,
    PermissionDenied,
    credential_authenticator,
)
from chanx.ext.fast_channels.testing import WebsocketCommunicator
from chanx.ext.fast_channels.websocket import AsyncJsonWebsocketConsumer
from chanx.messages import PingMessage, PongMessage


def test_auth_reexports_the_core_classes() -> None:
    """The auth module's classes are the core's own, not copies."""
    for name in (
        "BaseAuthenticator",
        "CredentialAuthenticator",
        "AuthResult",
        "AuthenticationFailed",
        "PermissionDenied",
        "NotFound",
    ):
        assert getattr(auth, name) is getattr(chanx.core, name)


async def test_a_valid_token_authenticates_and_sets_the_user() -> None:
    """The app's own sync token check lets a known user in; handlers see self.user."""
    async with WebsocketCommunicator(app, "/ws/secure?token=alice-token") as comm:
        assert comm.consumer is SecureConsumer
        assert (await comm.receive_authentication())["status_code"] == 200
        await comm.send_json({"action": "where"})
        assert await comm.receive_json() == {"action": "room", "payload": {"user": "alice"}}


@pytest.mark.parametrize(
    ("query", "code", "text"),
    [
        ("?token=nope", 4401, "Invalid token"),
        ("?token=banned-token", 4403, "Banned"),
        ("", 4401, "Authentication credentials were not provided."),
    ],
    ids=["invalid", "forbidden", "missing"],
)
async def test_refusals_close_with_4000_plus_status(query: str, code: int, text: str) -> None:
    """HTTPException(401/403) from the app's check closes with 4401/4403 and its detail."""
    async with WebsocketCommunicator(app, f"/ws/secure{query}") as comm:
        payload = await comm.receive_authentication()
        assert (payload["status_code"], payload["status_text"]) == (code - 4000, text)
        await comm.assert_closed(code=code)


def test_the_http_endpoint_uses_the_same_check() -> None:
    """The token check the consumer reuses is the one the HTTP endpoint depends on."""
    client = TestClient(app)
    assert client.get("/me", params={"token": "bob-token"}).json() == {"user": "bob"}
    assert client.get("/me", params={"token": "nope"}).status_code == 401


async def lookup(token: str) -> dict[str, str] | None:
    """An async check: None for unknown tokens, 404 for a vanished account."""
    if token == "gone":
        raise HTTPException(status_code=404, detail="No such account")
    if token == "ws":
        raise WebSocketException(code=status.WS_1008_POLICY_VIOLATION, reason="Go away")
    return {"name": "carol"} if token == "carol" else None


class HeaderConsumer(AsyncJsonWebsocketConsumer):
    """Reads a Bearer token from the Authorization header, checked by an async function."""

    authenticator_class = credential_authenticator(
        lookup, location="header", name="Authorization", scheme="Bearer"
    )

    @ws_handler
    async def handle_ping(self, message: PingMessage) -> PongMessage:
        return PongMessage()


@pytest.mark.parametrize(
    ("token", "code"),
    [("carol", None), ("gone", 4404), ("ws", 4401), ("unknown", 4401)],
    ids=["ok", "not-found", "websocket-exception", "returns-none"],
)
async def test_async_checks_and_their_exceptions(token: str, code: int | None) -> None:
    """Async checks work too; 404 closes with 4404, WebSocketException and None with 4401."""
    headers = {"Authorization": f"Bearer {token}"}
    async with WebsocketCommunicator(HeaderConsumer, "/", headers=headers) as comm:
        result = await comm.receive_authentication()
        if code is None:
            assert result["status_code"] == 200
            await comm.send_message(PingMessage())
            assert (await comm.receive_json())["action"] == "pong"
        else:
            assert result["status_code"] == code - 4000
            await comm.assert_closed(code=code)


def test_the_authenticator_class_is_named_after_the_check() -> None:
    """The generated class names the function it wraps, for logs and the AsyncAPI document."""
    authenticator = credential_authenticator(get_current_user)
    assert authenticator.__name__ == "CredentialAuthenticatorForget_current_user"
    assert authenticator.security_scheme == {"type": "httpApiKey", "name": "token", "in": "query"}


class StaffOnly(BaseAuthenticator):
    """A hand-written authenticator: only staff may connect."""

    security_scheme = {"type": "httpApiKey", "name": "X-Staff", "in": "header"}

    async def authenticate(self) -> AuthResult:
        if self.handshake.header("x-staff") != "yes":
            raise PermissionDenied("Staff only")
        return AuthResult(user="staff")


class StaffConsumer(AsyncJsonWebsocketConsumer):
    authenticator_class = StaffOnly

    @ws_handler
    async def handle_ping(self, message: PingMessage) -> PongMessage:
        return PongMessage()


async def test_a_hand_written_authenticator_refuses_with_4403() -> None:
    """BaseAuthenticator subclasses work as in the core: PermissionDenied closes with 4403."""
    async with WebsocketCommunicator(StaffConsumer, "/") as comm:
        assert (await comm.receive_authentication())["status_code"] == 403
        await comm.assert_closed(code=4403)
    async with WebsocketCommunicator(StaffConsumer, "/", headers={"X-Staff": "yes"}) as comm:
        assert (await comm.receive_authentication())["status_code"] == 200


def test_failures_keep_their_detail() -> None:
    """A refusal keeps the HTTPException's text detail; a non-text detail gets the phrase."""
    from chanx.ext.fast_channels.auth import failure_for

    assert failure_for(HTTPException(401, "Expired")).detail == "Expired"
    structured = failure_for(HTTPException(422, detail={"field": "token"}))
    assert (structured.status_code, structured.detail) == (422, HTTPStatus(422).phrase)
    assert isinstance(failure_for(HTTPException(403)), PermissionDenied)
    assert type(failure_for(HTTPException(401))) is AuthenticationFailed


def test_security_schemes_flow_into_the_asyncapi_document() -> None:
    """An authenticator's security_scheme is declared and required by its channel's operations."""
    document: dict[str, Any] = build_document(discover_routes(app))
    schemes = document["components"]["securitySchemes"]
    assert {"type": "httpApiKey", "name": "token", "in": "query"} in schemes.values()
    secured = [
        operation
        for operation in document["operations"].values()
        if operation["channel"]["$ref"].endswith("SecureConsumer")
    ]
    assert secured
    assert all("security" in operation for operation in secured)
