"""Who may connect: DRF authentication and permission classes run against the handshake."""

from __future__ import annotations

from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import IsAuthenticated

from chanx.ext.channels.authenticator import DjangoAuthenticator, QueryTokenAuthentication


class SignedInAuthenticator(DjangoAuthenticator):
    """A signed-in user: a DRF token in ``?token=`` (scripts) or the session cookie (browsers).

    Browsers cannot set headers on a WebSocket, but they send the session cookie of the page
    with the handshake; scripts put the token from ``/api/token/`` in the query string.
    """

    # The first class Chanx knows names the security scheme in the AsyncAPI document.
    authentication_classes = [QueryTokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated]
