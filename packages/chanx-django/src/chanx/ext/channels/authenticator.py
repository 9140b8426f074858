"""Authenticating connections with Django REST framework: the authenticator and a token class."""

from chanx.core.authenticators import AuthResult
from chanx.ext.channels._authenticator import (
    DjangoAuthenticator,
    QueryTokenAuthentication,
    security_scheme_for,
)
from chanx.ext.channels._request import build_http_request

__all__ = [
    "AuthResult",
    "DjangoAuthenticator",
    "QueryTokenAuthentication",
    "build_http_request",
    "security_scheme_for",
]
