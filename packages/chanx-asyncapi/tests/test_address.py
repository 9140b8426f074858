"""Route paths in every router syntax become AsyncAPI addresses with ``{name}`` parameters."""

from __future__ import annotations

import pytest

from chanx.asyncapi import normalize_address
from chanx.asyncapi._address import describe_kind


@pytest.mark.parametrize(
    ("path", "address", "kinds"),
    [
        ("/ws/room/{room_name}", "/ws/room/{room_name}", {"room_name": None}),
        ("/ws/room/{room_id:int}", "/ws/room/{room_id}", {"room_id": "int"}),
        ("/files/{rest:path}", "/files/{rest}", {"rest": "path"}),
        ("ws/room/<room_name>/", "/ws/room/{room_name}/", {"room_name": None}),
        ("ws/room/<int:pk>/", "/ws/room/{pk}/", {"pk": "int"}),
        ("ws/<slug:org>/<uuid:key>/", "/ws/{org}/{key}/", {"org": "slug", "key": "uuid"}),
        (r"^ws/room/(?P<room_id>\d+)/$", "/ws/room/{room_id}/", {"room_id": "int"}),
        (r"^ws/(?P<a>[-\w]+)/(?P<b>(x|y)+)/$", "/ws/{a}/{b}/", {"a": "slug", "b": "(x|y)+"}),
        (r"^ws/v1\.0/(?P<name>[^/]+)$", "/ws/v1.0/{name}", {"name": "str"}),
        ("/ws/plain/", "/ws/plain/", {}),
        ("ws", "/ws", {}),
    ],
)
def test_every_router_syntax_becomes_an_asyncapi_address(
    path: str, address: str, kinds: dict[str, str | None]
) -> None:
    """Starlette, Django path() and re_path() syntaxes all come out as ``{name}`` addresses."""
    result = normalize_address(path)
    assert result.address == address
    assert result.kinds == kinds
    assert list(result.kinds) == list(kinds), "parameters keep their address order"


@pytest.mark.parametrize(
    "path",
    [
        "/ws/room/{room_id:int}",
        "ws/room/<int:room_id>/",
        r"^ws/room/(?P<room_id>\d+)/$",
        r"^ws/(?P<x>(a(b)c|\(d\))+)/(?P<y>.*)$",
    ],
)
def test_no_converter_or_regex_syntax_is_left_in_the_address(path: str) -> None:
    """Neither ``:conv``, ``<...>``, ``(?P`` nor anchors survive normalisation."""
    address = normalize_address(path).address
    for leftover in (":", "<", ">", "(?P", "^", "$", "\\"):
        assert leftover not in address


def test_parameter_descriptions_say_what_the_router_accepts() -> None:
    """Known converters read as words; other patterns are quoted; no kind still describes."""
    assert describe_kind("pk", "int") == "The pk path parameter: an integer."
    assert "regular expression (x|y)+" in describe_kind("b", "(x|y)+")
    assert describe_kind("name", None) == "The name path parameter."
