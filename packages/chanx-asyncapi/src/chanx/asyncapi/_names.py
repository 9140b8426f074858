"""Give things unique, stable names: the keys of channels, operations and components."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TypeVar

K = TypeVar("K")

_NOT_A_KEY_CHARACTER = re.compile(r"[^A-Za-z0-9._\-]+")


def key(text: str) -> str:
    """Return ``text`` as a valid AsyncAPI component key (letters, digits, ``.``, ``_``, ``-``).

    Args:
        text: Any text.

    Returns:
        The text with each run of other characters replaced by ``_``.
    """
    return _NOT_A_KEY_CHARACTER.sub("_", text).strip("_") or "_"


def qualified_name(obj: type) -> str:
    """Return a class's module and qualified name as one key, ``module.Outer.Name``.

    Args:
        obj: A class.

    Returns:
        The key.
    """
    return key(f"{obj.__module__}.{obj.__qualname__}")


def unique_names(candidates: Mapping[K, Sequence[str]]) -> dict[K, str]:
    """Pick a distinct name for each item, as short as the other items allow.

    Each item lists its candidate names from the plainest to the most specific. Every item
    starts with its first; items whose name is taken by another move to their next candidate,
    round after round. Items still equal after their last candidate get ``_2``, ``_3`` ...
    in the order of ``candidates``, so the result depends only on the candidates and the order
    they are given in.

    Args:
        candidates: For each item, its candidate names (at least one).

    Returns:
        Each item's name.
    """
    level = dict.fromkeys(candidates, 0)
    while True:
        names = {item: candidates[item][level[item]] for item in candidates}
        counts = Counter(names.values())
        clashing = [item for item, name in names.items() if counts[name] > 1]
        movable = [item for item in clashing if level[item] + 1 < len(candidates[item])]
        if not movable:
            break
        for item in movable:
            level[item] += 1
    seen: Counter[str] = Counter()
    taken = set(names.values())
    result: dict[K, str] = {}
    for item, name in names.items():
        seen[name] += 1
        if counts[name] > 1 and seen[name] > 1:
            number = seen[name]
            while f"{name}_{number}" in taken:
                number += 1
            name = f"{name}_{number}"
            taken.add(name)
        result[item] = name
    return result
