"""Authenticating a connection before anything else runs for it."""

from __future__ import annotations

import asyncio
import dataclasses
import inspect
from collections.abc import Callable
from http import HTTPStatus
from typing import Any, ClassVar, Literal

from chanx.core._handshake import Handshake

CredentialLocation = Literal["query", "header", "cookie", "subprotocol"]


def close_code_for(status_code: int) -> int:
    """Return the WebSocket close code for a failed authentication: ``4000 + status``.

    Args:
        status_code: An HTTP-style status code between 400 and 599.

    Returns:
        The close code, ``4401`` when the status is outside that range.
    """
    return 4000 + status_code if 400 <= status_code <= 599 else 4401


@dataclasses.dataclass(frozen=True)
class AuthResult:
    """What an authenticator decided about a connection."""

    status_code: int = 200
    """200 for success; 401, 403, 404 or 500 otherwise."""
    status_text: str = "OK"
    """A reason phrase or detail, sent to the client in the ``authentication`` frame."""
    user: Any = None
    """The authenticated user, exposed to handlers as ``self.user``."""
    obj: Any = None
    """An object loaded for the connection (say, from the URL), exposed as ``self.obj``."""
    data: Any = None
    """Extra JSON-compatible data for the ``authentication`` frame's payload."""

    @property
    def ok(self) -> bool:
        """True when the status is a 2xx."""
        return 200 <= self.status_code < 300


class AuthenticationFailed(Exception):  # noqa: N818 - the name users know from DRF
    """Raise from an authenticator to refuse a connection.

    Args:
        detail: Sent to the client as ``status_text``; keep it free of secrets.
        status_code: The HTTP-style status; 401 unless given.
    """

    default_status: ClassVar[int] = 401

    def __init__(self, detail: str | None = None, status_code: int | None = None) -> None:
        self.status_code = status_code or self.default_status
        if not detail:
            try:
                detail = HTTPStatus(self.status_code).phrase
            except ValueError:  # a status the standard library has no phrase for, such as 499
                detail = "Authentication failed"
        self.detail = detail
        super().__init__(self.detail)


class PermissionDenied(AuthenticationFailed):
    """The client is known but may not connect (403)."""

    default_status = 403


class NotFound(AuthenticationFailed):
    """The object the connection is about does not exist (404)."""

    default_status = 404


class BaseAuthenticator:
    """Decides whether a connection may proceed, before any handler runs.

    Subclass it and implement :meth:`authenticate`. One instance is created per connection.
    Return an :class:`AuthResult`, or raise :class:`AuthenticationFailed` (or a subclass);
    any other exception counts as a 500 and is logged, its text never sent.

    Args:
        handshake: The connection's handshake (query string, headers, cookies...).
    """

    security_scheme: ClassVar[dict[str, Any] | None] = None
    """How credentials travel, as an AsyncAPI security scheme, or None when not declared."""

    def __init__(self, handshake: Handshake) -> None:
        self.handshake = handshake

    def select_subprotocol(self) -> str | None:
        """Return the subprotocol to accept the connection with, or None for none."""
        return None

    async def authenticate(self) -> AuthResult:
        """Authenticate the connection.

        Returns:
            The decision.

        Raises:
            AuthenticationFailed: To refuse the connection with its status and detail.
        """
        raise NotImplementedError


Verifier = Callable[[str], Any]
"""Checks a credential and returns the user: ``async def`` or plain ``def``."""


class CredentialAuthenticator(BaseAuthenticator):
    """Reads one credential from the handshake and hands it to :meth:`verify`.

    Set :attr:`location` and :attr:`name` (and :attr:`scheme` for an ``Authorization``-style
    header), then override :meth:`verify`, or build a subclass in one line with :meth:`using`.
    Browsers cannot set headers on a WebSocket, so the query string, a cookie or the
    subprotocol are the usual places for a browser client.

    For ``subprotocol``, the client offers ``["<protocol>", "<name>.<credential>"]`` and the
    server accepts with ``<protocol>`` (:attr:`subprotocol`), so the secret never comes back.
    """

    location: ClassVar[CredentialLocation] = "query"
    """Where the credential travels."""
    name: ClassVar[str] = "token"
    """The query parameter, header or cookie name, or the subprotocol prefix."""
    scheme: ClassVar[str | None] = None
    """For headers: a scheme word the value must start with, such as ``Bearer``."""
    subprotocol: ClassVar[str | None] = None
    """The subprotocol to accept with; the first offered one that carries no credential."""

    @classmethod
    def using(
        cls,
        verify: Verifier,
        *,
        location: CredentialLocation = "query",
        name: str = "token",
        scheme: str | None = None,
    ) -> type[CredentialAuthenticator]:
        """Build an authenticator class around an ``async`` function that checks a credential.

        Args:
            verify: ``async def verify(credential) -> user`` or a plain ``def`` (run in a
                worker thread); raise
                :class:`AuthenticationFailed` (or return None) to refuse.
            location: Where the credential travels.
            name: Its parameter, header or cookie name, or the subprotocol prefix.
            scheme: For headers, the required scheme word (``Bearer``).

        Returns:
            A new subclass.
        """

        async def _verify(self: CredentialAuthenticator, credential: str) -> Any:
            if inspect.iscoroutinefunction(verify):
                return await verify(credential)
            # A plain function may block (a database lookup): keep it off the event loop.
            return await asyncio.to_thread(verify, credential)

        namespace = {"location": location, "name": name, "scheme": scheme, "verify": _verify}
        return type(
            f"{cls.__name__}For{getattr(verify, '__name__', 'Verifier')}", (cls,), namespace
        )

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        in_ = {"query": "query", "header": "header", "cookie": "cookie"}.get(cls.location)
        if in_ is not None:
            scheme: dict[str, Any] = {"type": "httpApiKey", "name": cls.name, "in": in_}
        else:
            scheme = {
                "type": "httpApiKey",
                "name": "Sec-WebSocket-Protocol",
                "in": "header",
                "description": f"A subprotocol '{cls.name}.<credential>' offered by the client",
            }
        cls.security_scheme = scheme

    def credential(self) -> str | None:
        """Return the credential from the handshake, or None when it is absent."""
        handshake = self.handshake
        if self.location == "query":
            return handshake.query(self.name) or None
        if self.location == "cookie":
            return handshake.cookies.get(self.name) or None
        if self.location == "header":
            value = handshake.header(self.name)
            if not value:
                return None
            if self.scheme:
                word, _, rest = value.partition(" ")
                if word.lower() != self.scheme.lower() or not rest.strip():
                    return None
                return rest.strip()
            return value
        prefix = f"{self.name}."
        for offered in handshake.subprotocols:
            if offered.startswith(prefix) and len(offered) > len(prefix):
                return offered[len(prefix) :]
        return None

    def select_subprotocol(self) -> str | None:
        """Accept with :attr:`subprotocol`, or the first offered one that carries no secret."""
        offered = self.handshake.subprotocols
        if self.subprotocol is not None:
            return self.subprotocol if self.subprotocol in offered else None
        prefix = f"{self.name}."
        plain = [item for item in offered if not item.startswith(prefix)]
        return plain[0] if plain else None

    async def verify(self, credential: str) -> Any:
        """Check a credential and return the user it belongs to.

        Args:
            credential: The credential as sent.

        Returns:
            The user (any object); None refuses the connection with 401.

        Raises:
            AuthenticationFailed: To refuse with a specific status and detail.
        """
        raise NotImplementedError

    async def authenticate(self) -> AuthResult:
        """Read the credential, verify it and report the outcome."""
        credential = self.credential()
        if credential is None:
            raise AuthenticationFailed("Authentication credentials were not provided.")
        user = await self.verify(credential)
        if user is None:
            raise AuthenticationFailed("Invalid credentials.")
        return AuthResult(user=user)
