"""``WebsocketTestCase``: a ``TransactionTestCase`` that builds and cleans up communicators."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Iterable
from typing import Any, ClassVar

from django.test import TransactionTestCase

from chanx.ext.channels._asyncapi import load_application
from chanx.ext.channels.testing._communicator import WebsocketCommunicator


class WebsocketTestCase(TransactionTestCase):
    """A Django test case for WebSocket consumers; ``async def test_...`` methods.

    :meth:`create_communicator` connects to ``settings.ASGI_APPLICATION`` (or
    :attr:`ws_application`) and remembers the communicator; every one still open is
    disconnected when the test method ends, in its own event loop, before ``tearDown``. It is
    a ``TransactionTestCase`` because consumers reach the database from worker threads, which
    see only committed data. It runs under Django's test runner and under pytest-django.
    """

    ws_application: ClassVar[Any] = None
    """The ASGI application to test; ``settings.ASGI_APPLICATION``'s when None."""

    def __init__(self, methodName: str = "runTest") -> None:  # noqa: N803 - unittest's name
        super().__init__(methodName)
        self.communicators: list[WebsocketCommunicator] = []
        method = getattr(self, methodName, None)
        if inspect.iscoroutinefunction(method):
            self._wrap_async_test(methodName, method)

    def _wrap_async_test(self, name: str, method: Any) -> None:
        @functools.wraps(method)
        async def run_then_disconnect() -> None:
            try:
                await method()
            finally:
                await self.disconnect_communicators()

        setattr(self, name, run_then_disconnect)

    def get_ws_application(self) -> Any:
        """Return the application :meth:`create_communicator` connects to."""
        # Looked up statically: a function stored on the class (``Consumer.as_asgi()``) must
        # not become a bound method.
        application = inspect.getattr_static(self, "ws_application", None)
        if isinstance(application, staticmethod):
            application = application.__func__
        return load_application() if application is None else application

    def create_communicator(
        self,
        path: str,
        consumer: type | None = None,
        headers: Iterable[tuple[bytes, bytes]] | dict[str, str] | None = None,
        subprotocols: Iterable[str] | None = None,
        **kwargs: Any,
    ) -> WebsocketCommunicator:
        """Return a communicator for ``path``, disconnected for you when the test ends.

        Call it from the test's event loop (an ``async def`` test).

        Args:
            path: The request path, with an optional query string.
            consumer: The consumer class under test, so messages are encoded as it expects.
            headers: Handshake headers.
            subprotocols: Subprotocols the client offers.
            **kwargs: ``timeout`` and ``scope``, passed to the communicator.
        """
        communicator = WebsocketCommunicator(
            self.get_ws_application(),
            path,
            headers,
            subprotocols,
            consumer=consumer,
            **kwargs,
        )
        self.communicators.append(communicator)
        return communicator

    async def disconnect_communicators(self) -> None:
        """Disconnect every communicator of this test whose application is still running."""
        communicators, self.communicators = self.communicators, []
        for communicator in communicators:
            if not communicator.finished:
                await communicator.disconnect()

    def tearDown(self) -> None:
        """Forget the communicators (a synchronous test's loops are gone by now)."""
        self.communicators.clear()
        super().tearDown()
