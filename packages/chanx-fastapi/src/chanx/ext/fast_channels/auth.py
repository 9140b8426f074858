"""Authenticating connections in FastAPI and other ASGI apps.

The core's authenticator classes and results, re-exported, and
:func:`credential_authenticator`, which turns the function your HTTP endpoints use to check a
token (plain or ``async``, raising FastAPI's ``HTTPException``) into an authenticator class.
A refused connection is closed with ``4000 + status`` (4401, 4403, 4404, 4500).
"""

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
from chanx.ext.fast_channels._auth import Verify, credential_authenticator, failure_for

__all__ = [
    "AuthResult",
    "AuthenticationFailed",
    "BaseAuthenticator",
    "CredentialAuthenticator",
    "CredentialLocation",
    "Handshake",
    "NotFound",
    "PermissionDenied",
    "Verify",
    "close_code_for",
    "credential_authenticator",
    "failure_for",
]
