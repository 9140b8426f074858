"""Unit tests for authentication results, failures and the credential authenticator."""

from typing import Any

import pytest

from chanx.core.authenticators import (
    AuthenticationFailed,
    AuthResult,
    BaseAuthenticator,
    CredentialAuthenticator,
    CredentialLocation,
    Handshake,
    NotFound,
    PermissionDenied,
    close_code_for,
)

SECRET = "s3cret-value"


def handshake(
    query: bytes = b"",
    headers: list[tuple[bytes, bytes]] | None = None,
    subprotocols: list[str] | None = None,
) -> Handshake:
    """Return a handshake over a minimal WebSocket scope."""
    return Handshake(
        {
            "type": "websocket",
            "query_string": query,
            "headers": headers or [],
            "subprotocols": subprotocols or [],
        }
    )


class Users:
    """A tiny user store that records every credential it was asked about."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    async def verify(self, credential: str) -> Any:
        self.seen.append(credential)
        return {"id": 1} if credential == SECRET else None


# ---------------------------------------------------------------------------- results


@pytest.mark.parametrize(
    ("status", "code"),
    [(401, 4401), (403, 4403), (404, 4404), (500, 4500), (400, 4400), (599, 4599)],
)
def test_close_code_is_4000_plus_the_status(status: int, code: int) -> None:
    """A failure status between 400 and 599 closes with 4000 + status."""
    assert close_code_for(status) == code


@pytest.mark.parametrize("status", [0, 200, 302, 399, 600, 1000, -1])
def test_close_code_outside_the_error_range_is_4401(status: int) -> None:
    """Any other status closes with 4401."""
    assert close_code_for(status) == 4401


def test_auth_result_defaults_to_an_anonymous_success() -> None:
    """A bare AuthResult is a 200 OK with nothing attached."""
    result = AuthResult()
    assert (result.status_code, result.status_text, result.user, result.obj, result.data) == (
        200,
        "OK",
        None,
        None,
        None,
    )
    assert result.ok


@pytest.mark.parametrize(
    ("status", "ok"),
    [(200, True), (204, True), (299, True), (199, False), (300, False), (401, False)],
)
def test_auth_result_ok_means_2xx(status: int, ok: bool) -> None:
    """``ok`` is true exactly for 2xx statuses."""
    assert AuthResult(status_code=status).ok is ok


@pytest.mark.parametrize(
    ("exception", "status", "detail"),
    [
        (AuthenticationFailed, 401, "Unauthorized"),
        (PermissionDenied, 403, "Forbidden"),
        (NotFound, 404, "Not Found"),
    ],
)
def test_failures_have_default_statuses_and_details(
    exception: type[AuthenticationFailed], status: int, detail: str
) -> None:
    """Each failure class carries its own status and the standard reason phrase."""
    error = exception()
    assert (error.status_code, error.detail, str(error)) == (status, detail, detail)
    assert isinstance(error, AuthenticationFailed)


def test_failure_detail_and_status_can_be_given() -> None:
    """A given detail and status replace the defaults."""
    error = PermissionDenied("Banned from this room", status_code=451)
    assert (error.status_code, error.detail, str(error)) == (
        451,
        "Banned from this room",
        "Banned from this room",
    )
    assert AuthenticationFailed(status_code=500).detail == "Internal Server Error"


def test_failure_with_a_status_without_a_phrase_still_has_a_detail() -> None:
    """A status the standard library does not name (499) gets a generic detail, not a crash."""
    error = AuthenticationFailed(status_code=499)
    assert (error.status_code, error.detail) == (499, "Authentication failed")


async def test_base_authenticator_must_be_subclassed() -> None:
    """The base class accepts no subprotocol and has no authenticate implementation."""
    authenticator = BaseAuthenticator(handshake())
    assert authenticator.select_subprotocol() is None
    assert BaseAuthenticator.security_scheme is None
    with pytest.raises(NotImplementedError):
        await authenticator.authenticate()


# ---------------------------------------------------------------------------- credentials


class QueryAuth(CredentialAuthenticator):
    location = "query"
    name = "token"

    async def verify(self, credential: str) -> Any:
        return {"token": credential} if credential == SECRET else None


class HeaderAuth(CredentialAuthenticator):
    location = "header"
    name = "X-Api-Key"

    async def verify(self, credential: str) -> Any:
        return {"key": credential} if credential == SECRET else None


class BearerAuth(CredentialAuthenticator):
    location = "header"
    name = "Authorization"
    scheme = "Bearer"

    async def verify(self, credential: str) -> Any:
        return {"bearer": credential} if credential == SECRET else None


class CookieAuth(CredentialAuthenticator):
    location = "cookie"
    name = "sessionid"

    async def verify(self, credential: str) -> Any:
        return {"session": credential} if credential == SECRET else None


class SubprotocolAuth(CredentialAuthenticator):
    location = "subprotocol"
    name = "token"

    async def verify(self, credential: str) -> Any:
        return {"sub": credential} if credential == SECRET else None


ACCEPTED = [
    (QueryAuth, handshake(query=f"other=1&token={SECRET}".encode())),
    (HeaderAuth, handshake(headers=[(b"x-api-key", SECRET.encode())])),
    (BearerAuth, handshake(headers=[(b"Authorization", f"Bearer {SECRET}".encode())])),
    (BearerAuth, handshake(headers=[(b"authorization", f"bearer   {SECRET} ".encode())])),
    (CookieAuth, handshake(headers=[(b"cookie", f"theme=dark; sessionid={SECRET}".encode())])),
    (SubprotocolAuth, handshake(subprotocols=["chat.v1", f"token.{SECRET}"])),
]


@pytest.mark.parametrize(
    ("authenticator", "shake"),
    ACCEPTED,
    ids=["query", "header", "bearer", "bearer-lower-case", "cookie", "subprotocol"],
)
async def test_credential_is_read_from_its_location_and_verified(
    authenticator: type[CredentialAuthenticator], shake: Handshake
) -> None:
    """Each location yields the credential, and verify's user becomes the result's user."""
    instance = authenticator(shake)
    assert instance.credential() == SECRET
    result = await instance.authenticate()
    assert result.ok
    assert result.user is not None
    assert SECRET in result.user.values()


MISSING = [
    (QueryAuth, handshake(query=b"tok=abc")),
    (QueryAuth, handshake(query=b"token=")),
    (HeaderAuth, handshake(headers=[(b"x-other", b"abc")])),
    (BearerAuth, handshake(headers=[(b"authorization", SECRET.encode())])),
    (BearerAuth, handshake(headers=[(b"authorization", f"Basic {SECRET}".encode())])),
    (BearerAuth, handshake(headers=[(b"authorization", b"Bearer ")])),
    (CookieAuth, handshake(headers=[(b"cookie", b"theme=dark")])),
    (CookieAuth, handshake(headers=[(b"cookie", b"sessionid=abc; broken")])),
    (SubprotocolAuth, handshake(subprotocols=["chat.v1", "token."])),
    (SubprotocolAuth, handshake(subprotocols=[SECRET])),
]


@pytest.mark.parametrize(
    ("authenticator", "shake"),
    MISSING,
    ids=[
        "query-absent",
        "query-blank",
        "header-absent",
        "bearer-no-scheme",
        "bearer-wrong-scheme",
        "bearer-empty",
        "cookie-absent",
        "cookie-malformed",
        "subprotocol-empty",
        "subprotocol-unprefixed",
    ],
)
async def test_missing_credential_is_a_401(
    authenticator: type[CredentialAuthenticator], shake: Handshake
) -> None:
    """Without a usable credential authentication fails with 401, and verify is never asked."""
    instance = authenticator(shake)
    assert instance.credential() is None
    with pytest.raises(AuthenticationFailed) as info:
        await instance.authenticate()
    assert info.value.status_code == 401
    assert info.value.detail == "Authentication credentials were not provided."
    assert type(info.value) is AuthenticationFailed


async def test_header_without_scheme_takes_the_whole_value() -> None:
    """With no scheme configured the header's full value is the credential."""
    instance = HeaderAuth(handshake(headers=[(b"x-api-key", b"Bearer abc")]))
    assert instance.credential() == "Bearer abc"


@pytest.mark.parametrize(
    ("authenticator", "shake"),
    [
        (QueryAuth, handshake(query=b"token=wrong")),
        (BearerAuth, handshake(headers=[(b"authorization", b"Bearer wrong")])),
        (SubprotocolAuth, handshake(subprotocols=["token.wrong"])),
    ],
    ids=["query", "bearer", "subprotocol"],
)
async def test_verify_returning_none_is_a_401(
    authenticator: type[CredentialAuthenticator], shake: Handshake
) -> None:
    """A credential that verify rejects with None fails with 401 and no secret in the detail."""
    with pytest.raises(AuthenticationFailed) as info:
        await authenticator(shake).authenticate()
    assert (info.value.status_code, info.value.detail) == (401, "Invalid credentials.")


async def test_failure_raised_by_verify_propagates() -> None:
    """A verify function may refuse with its own status and detail."""

    async def banned(credential: str) -> Any:
        raise PermissionDenied("Banned")

    authenticator = CredentialAuthenticator.using(banned)
    with pytest.raises(PermissionDenied, match="Banned"):
        await authenticator(handshake(query=b"token=x")).authenticate()


async def test_base_credential_authenticator_verify_must_be_overridden() -> None:
    """CredentialAuthenticator itself does not know how to verify."""
    with pytest.raises(NotImplementedError):
        await CredentialAuthenticator(handshake(query=b"token=x")).authenticate()


@pytest.mark.parametrize(
    ("offered", "expected"),
    [
        (["chat.v1", f"token.{SECRET}"], "chat.v1"),
        ([f"token.{SECRET}", "chat.v1", "chat.v2"], "chat.v1"),
        ([f"token.{SECRET}"], None),
        ([], None),
    ],
)
def test_select_subprotocol_never_returns_the_credential(
    offered: list[str], expected: str | None
) -> None:
    """The accepted subprotocol is the first offered one that carries no credential."""
    chosen = SubprotocolAuth(handshake(subprotocols=offered)).select_subprotocol()
    assert chosen == expected
    assert SECRET not in (chosen or "")


def test_select_subprotocol_with_a_configured_protocol() -> None:
    """With ``subprotocol`` set, it is accepted only when the client offered it."""

    class Pinned(SubprotocolAuth):
        subprotocol = "chat.v2"

    assert (
        Pinned(
            handshake(subprotocols=["chat.v1", "chat.v2", f"token.{SECRET}"])
        ).select_subprotocol()
        == "chat.v2"
    )
    assert (
        Pinned(handshake(subprotocols=["chat.v1", f"token.{SECRET}"])).select_subprotocol() is None
    )


@pytest.mark.parametrize(
    ("location", "name", "scheme", "shake"),
    [
        ("query", "access", None, handshake(query=f"access={SECRET}".encode())),
        (
            "header",
            "Authorization",
            "Bearer",
            handshake(headers=[(b"authorization", f"Bearer {SECRET}".encode())]),
        ),
        ("cookie", "jwt", None, handshake(headers=[(b"cookie", f"jwt={SECRET}".encode())])),
        ("subprotocol", "auth", None, handshake(subprotocols=["v1", f"auth.{SECRET}"])),
    ],
    ids=["query", "header", "cookie", "subprotocol"],
)
async def test_using_builds_a_working_subclass(
    location: CredentialLocation, name: str, scheme: str | None, shake: Handshake
) -> None:
    """``using(verify, ...)`` makes a subclass that reads the credential and calls verify."""
    users = Users()
    authenticator = CredentialAuthenticator.using(
        users.verify, location=location, name=name, scheme=scheme
    )
    assert issubclass(authenticator, CredentialAuthenticator)
    assert authenticator is not CredentialAuthenticator
    assert (authenticator.location, authenticator.name, authenticator.scheme) == (
        location,
        name,
        scheme,
    )
    result = await authenticator(shake).authenticate()
    assert result.user == {"id": 1}
    assert users.seen == [SECRET]
    with pytest.raises(AuthenticationFailed):
        await authenticator(handshake()).authenticate()


def test_using_defaults_to_the_token_query_parameter() -> None:
    """Without options, ``using`` reads the ``token`` query parameter; the name says what it wraps."""
    authenticator = CredentialAuthenticator.using(Users().verify)
    assert (authenticator.location, authenticator.name, authenticator.scheme) == (
        "query",
        "token",
        None,
    )
    assert "verify" in authenticator.__name__
    assert authenticator(handshake(query=b"token=abc")).credential() == "abc"


@pytest.mark.parametrize(
    ("authenticator", "scheme"),
    [
        (QueryAuth, {"type": "httpApiKey", "name": "token", "in": "query"}),
        (HeaderAuth, {"type": "httpApiKey", "name": "X-Api-Key", "in": "header"}),
        (BearerAuth, {"type": "httpApiKey", "name": "Authorization", "in": "header"}),
        (CookieAuth, {"type": "httpApiKey", "name": "sessionid", "in": "cookie"}),
        (
            SubprotocolAuth,
            {
                "type": "httpApiKey",
                "name": "Sec-WebSocket-Protocol",
                "in": "header",
                "description": "A subprotocol 'token.<credential>' offered by the client",
            },
        ),
    ],
    ids=["query", "header", "bearer", "cookie", "subprotocol"],
)
def test_security_scheme_reflects_location_and_name(
    authenticator: type[CredentialAuthenticator], scheme: dict[str, Any]
) -> None:
    """Each subclass declares how its credential travels, for the AsyncAPI document."""
    assert authenticator.security_scheme == scheme


def test_security_scheme_of_a_using_subclass() -> None:
    """Subclasses built by ``using`` declare their scheme too."""
    authenticator = CredentialAuthenticator.using(Users().verify, location="cookie", name="sid")
    assert authenticator.security_scheme == {"type": "httpApiKey", "name": "sid", "in": "cookie"}
