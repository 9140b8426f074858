"""A WebSocket test client that speaks ASGI to any application, Chanx-aware."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping
from types import TracebackType
from typing import Any, ClassVar, Self
from urllib.parse import unquote, urlsplit

from asgiref.testing import ApplicationCommunicator

from chanx.core._camel import camelize_keys
from chanx.core._wire import encode
from chanx.messages import ACTION_AUTHENTICATION, ACTION_COMPLETE, BaseMessage

DEFAULT_TIMEOUT = 2.0
"""Seconds a receive waits before the test fails, unless told otherwise."""


class WebsocketCommunicator:
    """Drive an ASGI WebSocket application from a test, with Chanx's message helpers.

    Usable as ``async with`` (connects on entry, disconnects and waits for the application on
    exit). Every receive has a default timeout, so a test never hangs: a timeout that was not
    expected fails with what had been received so far.

    Args:
        application: The ASGI application (a router, a FastAPI app, ``Consumer.as_asgi()``).
        path: The request path, with an optional query string.
        headers: Handshake headers as ``(name, value)`` byte pairs or a dict of strings.
        subprotocols: Subprotocols the client offers.
        consumer: The consumer class under test, so :meth:`send_message` encodes like it
            (camelCase when it camelizes).
        timeout: The default timeout of every receive, in seconds.
        scope: Extra scope keys (``user``, ``url_route``...) merged into the scope.
    """

    default_headers: ClassVar[Mapping[str, str]] = {}
    """Headers (lower-case names) sent unless the test gives its own with the same name."""

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
        parts = urlsplit(path)
        if isinstance(headers, dict):
            header_list = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
        else:
            header_list = list(headers or [])
        given = {name.lower() for name, _ in header_list}
        header_list += [
            (name.encode(), value.encode())
            for name, value in self.default_headers.items()
            if name.encode() not in given
        ]
        full_scope: dict[str, Any] = {
            "type": "websocket",
            "asgi": {"version": "3.0"},
            "scheme": "ws",
            "path": unquote(parts.path),
            "raw_path": parts.path.encode(),
            "query_string": parts.query.encode(),
            "headers": header_list,
            "subprotocols": list(subprotocols or []),
            "client": ("127.0.0.1", 50000),
            "server": ("testserver", 80),
        }
        full_scope.update(scope or {})
        self.scope = full_scope
        # asgiref's communicator is untyped; it is held, not inherited, to keep ours typed.
        communicator: Any = ApplicationCommunicator
        self._io: Any = communicator(application, full_scope)
        self.consumer = consumer
        self.timeout = timeout
        self.connected = False
        self.subprotocol: str | None = None
        self.close_code: int | None = None

    # --------------------------------------------------------------- connection
    async def connect(self, timeout: float | None = None) -> tuple[bool, int | str | None]:
        """Open the connection.

        Returns:
            ``(True, subprotocol)`` when accepted, ``(False, close_code)`` when refused.
        """
        await self._io.send_input({"type": "websocket.connect"})
        response = await self._io.receive_output(timeout or self.timeout)
        if response["type"] == "websocket.accept":
            self.connected = True
            self.subprotocol = response.get("subprotocol")
            return True, self.subprotocol
        if response["type"] == "websocket.close":
            self.close_code = response.get("code", 1000)
            return False, self.close_code
        return False, response.get("status", None)

    async def disconnect(self, code: int = 1000, timeout: float | None = None) -> None:
        """Close from the client side and wait for the application to finish."""
        await self._io.send_input({"type": "websocket.disconnect", "code": code})
        try:
            await self._io.wait(timeout or self.timeout)
        finally:
            self.connected = False

    @property
    def finished(self) -> bool:
        """True once the application has returned (or was cancelled)."""
        return bool(self._io.future.done())

    async def __aenter__(self) -> Self:
        await self.connect()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if not self.finished:
            await self.disconnect()

    # --------------------------------------------------------------- sending
    async def send_text(self, text: str) -> None:
        """Send one text frame."""
        await self._io.send_input({"type": "websocket.receive", "text": text})

    async def send_bytes(self, data: bytes) -> None:
        """Send one binary frame."""
        await self._io.send_input({"type": "websocket.receive", "bytes": data})

    async def send_json(self, data: Any) -> None:
        """Send JSON-compatible data as one text frame, exactly as given."""
        await self.send_text(json.dumps(data))

    async def send_message(self, message: BaseMessage) -> None:
        """Send a message model, encoded as the consumer under test expects it."""
        camelize = False
        if self.consumer is not None and hasattr(self.consumer, "chanx_config"):
            camelize = self.consumer.chanx_config().camelize
        if camelize:
            await self.send_text(json.dumps(camelize_keys(message.model_dump(mode="json"))))
        else:
            await self.send_text(encode(message, camelize=False))

    # --------------------------------------------------------------- receiving
    async def receive_frame(self, timeout: float | None = None) -> dict[str, Any]:
        """Return the next ASGI event the application sent (``websocket.send``/``close``)."""
        try:
            frame: dict[str, Any] = await self._io.receive_output(timeout or self.timeout)
        except TimeoutError:
            msg = f"nothing received within {timeout or self.timeout}s"
            raise AssertionError(msg) from None
        return frame

    async def receive_json(self, timeout: float | None = None) -> Any:
        """Return the next text frame, decoded; fail if the connection closed instead."""
        frame = await self.receive_frame(timeout)
        if frame["type"] == "websocket.close":
            self.close_code = frame.get("code", 1000)
            msg = f"the connection closed with code {self.close_code} instead of sending"
            raise AssertionError(msg)
        assert frame.get("text") is not None, f"expected a text frame, got {frame!r}"
        return json.loads(frame["text"])

    async def receive_all_messages(
        self, stop_action: str = ACTION_COMPLETE, timeout: float | None = None
    ) -> list[dict[str, Any]]:
        """Collect frames until one with ``stop_action`` arrives.

        The default stop action, ``complete``, is left out of the result; a custom stop action
        is included, since it usually carries data the test wants.

        Args:
            stop_action: The action that ends the collection.
            timeout: Seconds for the whole collection.

        Returns:
            The decoded frames, in order.

        Raises:
            AssertionError: On timeout (with what was received so far) or a close.
        """
        budget = timeout or self.timeout
        deadline = time.monotonic() + budget
        received: list[dict[str, Any]] = []
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                msg = f"no {stop_action!r} frame within {budget}s; received: {received!r}"
                raise AssertionError(msg)
            try:
                frame = await self.receive_json(remaining)
            except AssertionError as exc:
                msg = f"{exc} while waiting for {stop_action!r}; received: {received!r}"
                raise AssertionError(msg) from None
            if isinstance(frame, dict) and frame.get("action") == stop_action:
                if stop_action != ACTION_COMPLETE:
                    received.append(frame)
                return received
            received.append(frame)

    async def receive_authentication(self, timeout: float | None = None) -> dict[str, Any]:
        """Return the payload of the ``authentication`` frame, which must come next."""
        frame = await self.receive_json(timeout)
        assert isinstance(frame, dict), frame
        assert frame.get("action") == ACTION_AUTHENTICATION, (
            f"expected authentication, got {frame!r}"
        )
        payload: dict[str, Any] = frame["payload"]
        return payload

    async def receive_nothing(self, timeout: float = 0.1, interval: float = 0.01) -> bool:
        """Return True when the application sends nothing within ``timeout`` seconds."""
        return bool(await self._io.receive_nothing(timeout, interval))

    async def wait(self, timeout: float | None = None) -> None:
        """Wait for the application to finish (it is cancelled after ``timeout``)."""
        await self._io.wait(timeout or self.timeout)

    async def assert_closed(self, code: int | None = None, timeout: float | None = None) -> None:
        """Fail unless the next event is a close (with ``code``, when given).

        Frames still queued before the close are skipped.
        """
        budget = timeout or self.timeout
        deadline = time.monotonic() + budget
        skipped: list[Any] = []
        while True:
            frame = await self.receive_frame(max(deadline - time.monotonic(), 0.001))
            if frame["type"] == "websocket.close":
                self.close_code = frame.get("code", 1000)
                assert code is None or self.close_code == code, (
                    f"closed with {self.close_code}, expected {code}"
                )
                return
            skipped.append(frame.get("text", frame))
            if time.monotonic() > deadline:
                msg = f"not closed within {budget}s; received {skipped!r}"
                raise AssertionError(msg)
