"""Authenticating connections: the base class, the credential reader and their results."""

from chanx.core._auth import (
    AuthenticationFailed,
    AuthResult,
    BaseAuthenticator,
    CredentialAuthenticator,
    CredentialLocation,
    NotFound,
    PermissionDenied,
    close_code_for,
)
from chanx.core._handshake import Handshake

__all__ = [
    "AuthResult",
    "AuthenticationFailed",
    "BaseAuthenticator",
    "CredentialAuthenticator",
    "CredentialLocation",
    "Handshake",
    "NotFound",
    "PermissionDenied",
    "close_code_for",
]
