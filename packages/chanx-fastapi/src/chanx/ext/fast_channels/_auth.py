"""Reusing a FastAPI app's own credential checks to authenticate WebSocket connections."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException, WebSocketException

from chanx.core.authenticators import (
    AuthenticationFailed,
    CredentialAuthenticator,
    CredentialLocation,
    NotFound,
    PermissionDenied,
)

Verify = Callable[[str], Any]
"""``verify(credential) -> user``, plain or ``async``; it may raise FastAPI's HTTPException."""


def failure_for(exc: HTTPException) -> AuthenticationFailed:
    """Return the Chanx refusal that matches an HTTP error (401, 403, 404, others as given).

    Args:
        exc: A Starlette or FastAPI ``HTTPException``.

    Returns:
        :class:`AuthenticationFailed`, :class:`PermissionDenied` or :class:`NotFound`, with
        the exception's detail; the connection closes with ``4000 + status``.
    """
    # FastAPI's HTTPException allows any JSON detail; the authentication frame carries text.
    raw: Any = exc.detail
    detail = raw if isinstance(raw, str) else None
    if exc.status_code == 403:
        return PermissionDenied(detail)
    if exc.status_code == 404:
        return NotFound(detail)
    return AuthenticationFailed(detail, exc.status_code)


def credential_authenticator(
    verify: Verify,
    *,
    location: CredentialLocation = "query",
    name: str = "token",
    scheme: str | None = None,
) -> type[CredentialAuthenticator]:
    """Build an authenticator class around the function your HTTP endpoints already use.

    Like :meth:`CredentialAuthenticator.using`, with three conveniences for FastAPI code:
    ``verify`` may be a plain function (it runs in the thread pool, as FastAPI runs sync
    dependencies) or an ``async`` one; an ``HTTPException`` it raises refuses the connection
    with that status and detail (401 closes with 4401, 403 with 4403), a
    ``WebSocketException`` refuses it with 401; and returning None refuses with 401.

    Args:
        verify: Takes the credential and returns the user; a dependency function whose
            first parameter is the token fits as it is.
        location: Where the credential travels: ``query``, ``header``, ``cookie`` or
            ``subprotocol``.
        name: Its query parameter, header or cookie name, or the subprotocol prefix.
        scheme: For headers, the scheme word the value must start with (``Bearer``).

    Returns:
        A :class:`CredentialAuthenticator` subclass, for a consumer's ``authenticator_class``;
        its ``security_scheme`` documents the credential in the AsyncAPI document.
    """
    is_async = inspect.iscoroutinefunction(verify)

    async def checked(credential: str) -> Any:
        try:
            if is_async:
                result = await verify(credential)
            else:
                result = await run_in_threadpool(verify, credential)
                if inspect.isawaitable(result):
                    result = await result
        except HTTPException as exc:
            raise failure_for(exc) from exc
        except WebSocketException as exc:
            # What a WebSocket dependency raises (FastAPI's docs use 1008, policy violation)
            # to refuse a connection that brought no valid credential.
            raise AuthenticationFailed(exc.reason or None) from exc
        return result

    label = getattr(verify, "__name__", "verify")
    checked.__name__ = checked.__qualname__ = label
    return CredentialAuthenticator.using(checked, location=location, name=name, scheme=scheme)
