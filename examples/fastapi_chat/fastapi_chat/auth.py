"""Token authentication for the notifications stream, against a tiny in-memory user table.

A real app would look the token up in its database or verify a JWT; the shape stays the same:
a function that returns the user, returns None (401) or raises FastAPI's ``HTTPException``
(403 here), so the check your HTTP endpoints use can guard the WebSocket too.
"""

from __future__ import annotations

import dataclasses

from fastapi import HTTPException, status

from chanx.ext.fast_channels.auth import credential_authenticator


@dataclasses.dataclass(frozen=True)
class User:
    """A signed-in user."""

    username: str
    """The user's name, also the name of their private group."""
    active: bool = True
    """False for a suspended account, which may not connect."""


DEMO_TOKENS: dict[str, User] = {
    "alice-token": User("alice"),
    "bob-token": User("bob"),
    "mallory-token": User("mallory", active=False),
}
"""The demo's tokens: alice and bob may connect, mallory is suspended."""


async def verify_token(token: str) -> User | None:
    """Return the user a token belongs to.

    Args:
        token: The token from the ``token`` query parameter.

    Returns:
        The user, or None for an unknown token (the connection closes with 4401).

    Raises:
        HTTPException: 403 for a suspended account (the connection closes with 4403).
    """
    user = DEMO_TOKENS.get(token)
    if user is not None and not user.active:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "This account is suspended.")
    return user


TokenAuthenticator = credential_authenticator(verify_token, location="query", name="token")
"""Reads ``?token=...`` from the WebSocket URL (browsers cannot set headers on a WebSocket)."""
