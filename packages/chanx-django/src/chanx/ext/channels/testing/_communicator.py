"""The Django-flavoured test communicator: the core's, plus authentication helpers."""

from __future__ import annotations

from chanx.core.introspection import snake_keys
from chanx.core.testing import WebsocketCommunicator as CoreWebsocketCommunicator
from chanx.messages import AuthenticationMessage

TEST_HOST = "testserver"
"""The host Django's test client uses, and the one these communicators send by default."""


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

    default_headers = {"host": TEST_HOST, "origin": f"http://{TEST_HOST}"}

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
