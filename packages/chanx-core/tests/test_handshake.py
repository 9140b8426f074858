"""Unit tests for ``Handshake``: what a WebSocket scope carries, parsed on demand."""

from http.cookies import CookieError, SimpleCookie
from typing import Any

import pytest

from chanx.core import _handshake
from chanx.core.authenticators import Handshake


def handshake(**scope: Any) -> Handshake:
    """Return a handshake over a WebSocket scope with the given keys."""
    return Handshake({"type": "websocket", **scope})


def test_query_params_keep_repeats_and_blank_values() -> None:
    """Every value of a repeated name is kept in order; blank values are kept as ""."""
    parsed = handshake(query_string=b"a=1&a=2&blank=&bare&space=%20x+y")
    assert dict(parsed.query_params) == {
        "a": ["1", "2"],
        "blank": [""],
        "bare": [""],
        "space": [" x y"],
    }


def test_query_returns_the_last_value_or_none() -> None:
    """``query(name)`` gives the last value, "" for a blank one, None when absent."""
    parsed = handshake(query_string=b"a=1&a=2&blank=")
    assert parsed.query("a") == "2"
    assert parsed.query("blank") == ""
    assert parsed.query("missing") is None


def test_query_string_may_be_missing_or_text() -> None:
    """A scope without a query string has no parameters; a str query string is accepted."""
    assert dict(handshake().query_params) == {}
    assert handshake(query_string="token=abc").query("token") == "abc"


def test_headers_have_lower_case_names_and_joined_repeats() -> None:
    """Header names are lower-cased and repeated headers joined with ", "."""
    parsed = handshake(
        headers=[(b"X-Token", b"one"), (b"x-token", b"two"), (b"Origin", b"https://a.example")]
    )
    assert dict(parsed.headers) == {"x-token": "one, two", "origin": "https://a.example"}
    assert parsed.header("X-TOKEN") == "one, two"
    assert parsed.header("origin") == "https://a.example"
    assert parsed.header("authorization") is None
    assert dict(handshake().headers) == {}


def test_cookies_are_parsed_from_the_cookie_header() -> None:
    """Cookies come from the Cookie header, quoted values unquoted."""
    parsed = handshake(headers=[(b"cookie", b'sessionid=abc; theme="dark"')])
    assert dict(parsed.cookies) == {"sessionid": "abc", "theme": "dark"}


@pytest.mark.parametrize("raw", [b"", b"sessionid=abc; broken", b'"', b"=x"])
def test_malformed_or_empty_cookie_header_gives_no_cookies(raw: bytes) -> None:
    """An empty or unparsable Cookie header yields no cookies rather than an error."""
    assert dict(handshake(headers=[(b"cookie", raw)]).cookies) == {}
    assert dict(handshake().cookies) == {}


def test_cookie_error_from_the_parser_gives_no_cookies(monkeypatch: pytest.MonkeyPatch) -> None:
    """A CookieError raised while parsing is turned into "no cookies"."""

    class Strict(SimpleCookie):
        def load(self, rawdata: Any) -> None:
            raise CookieError(rawdata)

    monkeypatch.setattr(_handshake, "SimpleCookie", Strict)
    assert dict(handshake(headers=[(b"cookie", b"a=b")]).cookies) == {}


def test_subprotocols_keep_the_clients_order() -> None:
    """Offered subprotocols are listed in the client's order; none when absent."""
    assert handshake(subprotocols=["chat.v2", "token.abc"]).subprotocols == ["chat.v2", "token.abc"]
    assert handshake().subprotocols == []


def test_path_params_from_channels_url_route() -> None:
    """Django Channels puts route captures in ``scope["url_route"]["kwargs"]``."""
    parsed = handshake(url_route={"args": (), "kwargs": {"room": "lobby", "id": 3}})
    assert dict(parsed.path_params) == {"room": "lobby", "id": 3}


def test_path_params_from_starlette_path_params() -> None:
    """Starlette-style routers put captures in ``scope["path_params"]``."""
    assert dict(handshake(path_params={"room": "lobby"}).path_params) == {"room": "lobby"}


def test_url_route_wins_and_no_route_means_no_params() -> None:
    """With both keys the url_route kwargs are used; with neither there are no params."""
    both = handshake(url_route={"kwargs": {"a": 1}}, path_params={"b": 2})
    assert dict(both.path_params) == {"a": 1}
    assert dict(handshake().path_params) == {}
    assert dict(handshake(url_route={"args": ()}, path_params={"b": 2}).path_params) == {"b": 2}


def test_path_and_client() -> None:
    """The path and the client address are read from the scope when present."""
    parsed = handshake(path="/ws/chat/", client=["10.0.0.1", 5000])
    assert parsed.path == "/ws/chat/"
    assert parsed.client == ("10.0.0.1", 5000)
    assert handshake().path == ""
    assert handshake().client is None


def test_parsed_values_are_cached() -> None:
    """Query parameters, headers and cookies are parsed once per handshake."""
    parsed = handshake(query_string=b"a=1", headers=[(b"cookie", b"a=b")])
    assert parsed.query_params is parsed.query_params
    assert parsed.headers is parsed.headers
    assert parsed.cookies is parsed.cookies
