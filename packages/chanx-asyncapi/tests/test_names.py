"""Unique, stable names for channels, operations and components."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from chanx.asyncapi._names import key, qualified_name, unique_names


def test_keys_only_hold_characters_asyncapi_allows() -> None:
    """Anything outside letters, digits, ``.``, ``_`` and ``-`` turns into ``_``."""
    assert key("/ws/room/{room_id}/") == "ws_room_room_id"
    assert key("tests.<locals>.Chat") == "tests._locals_.Chat"
    assert key("///") == "_"


def test_qualified_names_include_the_module() -> None:
    """A class's qualified key names its module and nesting."""
    assert qualified_name(int) == "builtins.int"


def test_plain_names_win_when_nothing_clashes() -> None:
    """Each item keeps its first candidate when no other item wants it."""
    assert unique_names({1: ["a", "x.a"], 2: ["b", "y.b"]}) == {1: "a", 2: "b"}


def test_clashing_items_move_to_their_next_candidate() -> None:
    """Two items wanting the same name both move on; a third, unclashing item stays plain."""
    names = unique_names({1: ["chat", "app1.chat"], 2: ["chat", "app2.chat"], 3: ["echo"]})
    assert names == {1: "app1.chat", 2: "app2.chat", 3: "echo"}


def test_items_equal_to_the_end_get_numbered_in_the_given_order() -> None:
    """Items whose every candidate clashes are numbered, the first keeping the name."""
    names = unique_names({"x": ["n", "m.n"], "y": ["n", "m.n"], "z": ["n", "m.n"]})
    assert names == {"x": "m.n", "y": "m.n_2", "z": "m.n_3"}


def test_numbering_skips_names_already_taken() -> None:
    """A number that would repeat another item's name is skipped."""
    names = unique_names({1: ["n"], 2: ["n"], 3: ["n_2"]})
    assert sorted(names.values()) == ["n", "n_2", "n_3"]


@given(
    st.dictionaries(
        st.integers(min_value=0, max_value=20),
        st.lists(st.sampled_from(["a", "b", "a_2", "x.a", "x.b"]), min_size=1, max_size=3),
        max_size=12,
    )
)
def test_names_are_always_distinct_and_built_from_the_candidates(
    candidates: dict[int, list[str]],
) -> None:
    """Every item gets its own name: a candidate of its own, or its last one numbered."""
    names = unique_names(candidates)
    assert set(names) == set(candidates)
    assert len(set(names.values())) == len(names)
    for item, name in names.items():
        options = candidates[item]
        assert name in options or name.startswith(f"{options[-1]}_")
    assert unique_names(candidates) == names
