"""The Django-flavoured test communicator: the core's, plus authentication helpers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Self

from chanx.core.introspection import snake_keys
from chanx.core.testing import DEFAULT_TIMEOUT
from chanx.core.testing import WebsocketCommunicator as CoreWebsocketCommunicator
from chanx.messages import AuthenticationMessage

TEST_HOST = "testserver"
"""The host Django's test client uses, and the one these communicators send by default."""


def _header_list(
    headers: Iterable[tuple[bytes, bytes]] | dict[str, str] | None,
) -> list[tuple[bytes, bytes]]:
    if isinstance(headers, dict):
        return [(name.lower().encode(), value.encode()) for name, value in headers.items()]
    return list(headers or [])


class WebsocketCommunicator(CoreWebsocketCommunicator):
    """Drive a Channels application from a test (no daphne needed).

    It is :class:`chanx.core.testing.WebsocketCommunicator` with two Django touches: unless
    given, the ``Host`` and ``Origin`` headers name ``testserver`` (so applications behind
    ``AllowedHostsOriginValidator`` accept it, as Django's test client is accepted), and
    :meth:`wait_for_auth` / :meth:`assert_authenticated_status_ok` read the ``authentication``
    frame.

    Args:
        application: The ASGI application (``settings.ASGI_APPLICATION``'s, a router, or
            ``Consumer.as_asgi()``).
        path: The request path, with an optional query string (``/ws/room/1/?token=...``).
        headers: Handshake headers as ``(name, value)`` byte pairs or a dict of strings.
        subprotocols: Subprotocols the client offers.
        consumer: The consumer class under test, so messages are encoded as it expects.
        timeout: The default timeout of every receive, in seconds.
        scope: Extra scope keys merged into the scope.
    """

    def __init__(
        self,
        application: Any,
        path: str,
        headers: Iterable[tuple[bytes, bytes]] | dict[str, str] | None = None,
        subprotocols: Iterable[str] | None = None,
        *,
        consumer: type | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        scope: dict[str, Any] | None = None,
    ) -> None:
        header_list = _header_list(headers)
        names = {name.lower() for name, _ in header_list}
        if b"host" not in names:
            header_list.append((b"host", TEST_HOST.encode()))
        if b"origin" not in names:
            header_list.append((b"origin", f"http://{TEST_HOST}".encode()))
        super().__init__(
            application,
            path,
            header_list,
            subprotocols,
            consumer=consumer,
            timeout=timeout,
            scope=scope,
        )

    async def __aenter__(self) -> Self:
        # The core's __aenter__ is annotated with its own class; this keeps ours.
        await self.connect()
        return self

    @property
    def finished(self) -> bool:
        """True once the application has returned (after a disconnect, or a crash)."""
        # The core communicator keeps its asgiref communicator private; it exposes no flag.
        return bool(self._io.future.done())

    async def wait_for_auth(self, timeout: float | None = None) -> AuthenticationMessage:
        """Return the ``authentication`` frame, which must be the next frame.

        Args:
            timeout: Seconds to wait; the communicator's default when None.

        Returns:
            The frame as a message (camelCase keys, if the consumer uses them, undone).
        """
        payload = await self.receive_authentication(timeout)
        return AuthenticationMessage.model_validate(
            {"action": "authentication", "payload": snake_keys(payload)}
        )

    async def assert_authenticated_status_ok(
        self, timeout: float | None = None
    ) -> AuthenticationMessage:
        """Fail unless the ``authentication`` frame reports status 200; return it.

        Args:
            timeout: Seconds to wait; the communicator's default when None.
        """
        message = await self.wait_for_auth(timeout)
        status = message.payload.status_code
        assert status == 200, f"authentication failed: {status} {message.payload.status_text}"
        return message
