"""What the receive-path fuzz tests send: any text, any JSON value, nearly valid messages.

The nearly valid ones are valid messages of the fuzz consumers (``chanx_fuzz_consumer``) bent
in up to three ways (a wrong action, a dropped, renamed, extra or mistyped key, a huge number,
deep nesting) and written as a client might write them (spaced, with a BOM, twice, cut short).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from chanx_fuzz_consumer import ACTIONS, CANARY
from hypothesis import strategies as st

# ---------------------------------------------------------------------------- strategies
ODD_CHARACTERS = (
    "\x00\x01\x1f\x7f"  # control characters
    "\u00a0\u2028\u2029\u200b\u200d\u200e\u200f\u202e\u2066\ufeff\ufffd\uffff"  # spaces, marks
    "\u0301\u0336"  # combining marks
    "\u0440\u0456\u0131\u0130\u212a"  # homoglyphs: Cyrillic r and i, dotless i, dotted I, Kelvin
    "\U0001f600\U0001f468\u200d\U0001f469\U0010ffff"  # beyond the BMP, a ZWJ sequence
    '"\\/{}[]:,'  # JSON's own punctuation
)
unicode_text = st.text(st.characters(codec="utf-8") | st.sampled_from(ODD_CHARACTERS), max_size=40)
"""Text a real client can send: valid Unicode, no lone surrogates."""
odd_text = unicode_text | st.just(CANARY)
"""The same, or the canary: for values, which no error frame may repeat. Keys may appear in an
error's ``loc`` (the key of a mapping field is where the error is), so they never hold it."""
surrogate_text = st.text(
    st.characters(categories=["Cs"]) | st.sampled_from("ab\U0001f600"), min_size=1, max_size=4
)
"""Text with lone surrogates: reaches the server only as JSON escapes (``\\ud800``)."""
text_frames = (
    st.text(max_size=200)
    | odd_text
    | st.text(st.sampled_from('{}[]":,0123456789.eE+- \\utrfalsnNI'), max_size=60)
)
"""Any text frame: mostly not JSON, sometimes nearly."""

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(10**400), max_value=10**400)
    | st.floats()  # NaN and infinities included: json.dumps writes them, clients may too
    | odd_text
    | surrogate_text
)
json_keys = unicode_text | st.sampled_from(["action", "payload", "text", "replyTo", "reply_to"])
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(json_keys, children, max_size=4)
    ),
    max_leaves=12,
)


def dump(value: Any, ascii_only: bool) -> str:
    """JSON text as a client would write it; lone surrogates always travel as escapes."""
    text = json.dumps(value, ensure_ascii=ascii_only)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(value, ensure_ascii=True)
    return text


DEEP = "\x00deep:"
"""Marks a value to be replaced by deeply nested JSON text, which json.dumps cannot write."""


def splice_deep(text: str) -> str:
    """Replace every deep-nesting marker with that many nested arrays or objects."""
    while (start := text.find(json.dumps(DEEP)[:-1])) != -1:
        end = text.index('"', start + 1)
        depth_text, kind = json.loads(text[start : end + 1])[len(DEEP) :].split(":")
        depth = int(depth_text)
        nested = (
            "[" * depth + "]" * depth if kind == "list" else '{"a":' * depth + "1" + "}" * depth
        )
        text = text[:start] + nested + text[end + 1 :]
    return text


lines = st.fixed_dictionaries(
    {"text": odd_text},
    optional={
        "reply_to": st.none() | st.integers(),
        "tags": st.lists(odd_text | surrogate_text, max_size=3),
        "mood": st.sampled_from(["happy", "sad"]),
        "counts": st.dictionaries(unicode_text | surrogate_text, st.integers(), max_size=3),
        "sent_at": st.datetimes().map(lambda moment: moment.isoformat()),
        "ident": st.uuids().map(str),
    },
)
SIMPLE_MESSAGES: list[dict[str, Any]] = [
    {"action": "ping"},
    {"action": "ping", "payload": None},
    {"action": "boom"},
]
valid_messages: st.SearchStrategy[dict[str, Any]] = st.sampled_from(SIMPLE_MESSAGES) | lines.map(
    lambda line: {"action": "chat", "payload": line}
)

Mutation = Callable[[dict[str, Any]], dict[str, Any]]


def homoglyphs(action: str) -> str:
    """The action spelled with look-alike Cyrillic letters."""
    return action.replace("i", "\u0456").replace("p", "\u0440").replace("o", "\u043e")


ACTION_TWISTS: list[Callable[[str], Any]] = [
    str.upper,
    str.title,
    homoglyphs,
    lambda action: f" {action}",
    lambda action: f"{action}\u200b",
    lambda action: action[:-1],
    lambda action: f"{action}s",
    lambda action: [action],
    lambda action: {"action": action},
]
"""Ways a client gets an action almost right."""
wrong_actions = st.sampled_from(
    ["", "error", "complete", "pong", CANARY, None, 7]
) | json_values.filter(lambda value: not (isinstance(value, str) and value in ACTIONS))
"""Actions no handler takes."""
HUGE_NUMBERS = [2**63, 2**64, -(2**63) - 1, 10**100, -(10**300), 10**4000, 1e308, 5e-324]
DEPTHS = [2, 64, 127, 128, 200, 255, 256, 1000, 5000, 20000]
KINDS = ["action", "drop", "extra", "wrong_type", "huge_int", "deep", "rename", "payload"]
WRAPPINGS: dict[str, Callable[[str], str]] = {
    "spaces": lambda text: f" \n\t{text}\r\n ",
    "bom": lambda text: f"\ufeff{text}",
    "trailing": lambda text: f"{text}x",
    "twice": lambda text: text + text,
}
"""Ways a client wraps a whole frame wrongly (cutting it short is drawn separately)."""


def camel(key: str) -> str:
    """The key in camelCase."""
    head, *rest = key.split("_")
    return head + "".join(part.title() for part in rest)


def snake(key: str) -> str:
    """The key in snake_case."""
    return "".join(f"_{char.lower()}" if char.isupper() else char for char in key)


@st.composite
def mutations(draw: st.DrawFn) -> Mutation:
    """One change that turns a valid message into a nearly valid one (all choices drawn here)."""
    kind = draw(st.sampled_from(KINDS))
    in_payload = draw(st.booleans())
    pick = draw(st.integers(min_value=0, max_value=20))
    twist = draw(st.sampled_from(ACTION_TWISTS)) if draw(st.booleans()) else None
    wrong_action = draw(wrong_actions)
    extra_key = draw(json_keys)
    value: Any = draw(json_values)
    if kind == "huge_int":
        value = draw(st.sampled_from(HUGE_NUMBERS))
    elif kind == "deep":
        value = f"{DEEP}{draw(st.sampled_from(DEPTHS))}:{draw(st.sampled_from(['list', 'dict']))}"

    def change(message: dict[str, Any]) -> dict[str, Any]:
        message = dict(message)
        if kind == "action":
            action = message.get("action")
            if twist is not None and isinstance(action, str) and action:
                message["action"] = twist(action)
            else:
                message["action"] = wrong_action
            return message
        if kind == "payload":
            message["payload"] = value
            return message
        holder = message
        if in_payload and isinstance(message.get("payload"), dict):
            holder = message["payload"] = dict(message["payload"])
        keys = sorted(holder)
        key = keys[pick % len(keys)] if keys else "payload"
        if kind == "drop":
            holder.pop(key, None)
        elif kind == "extra":
            holder[extra_key] = value
        elif kind == "rename":
            renamed = camel(key) if "_" in key else snake(key)
            holder[renamed if renamed != key else key.title()] = holder.pop(key, None)
        else:
            holder[key] = value
        return message

    return change


@st.composite
def near_valid_frames(draw: st.DrawFn) -> str:
    """A valid message with up to three mutations, written as a client might write it."""
    message: dict[str, Any] = draw(valid_messages)
    for change in draw(st.lists(mutations(), max_size=3)):
        message = change(message)
    text = splice_deep(dump(message, draw(st.booleans())))
    wrapping = draw(st.sampled_from(["none", "none", "none", "cut", *WRAPPINGS]))
    if wrapping == "cut":
        return text[: draw(st.integers(0, max(len(text) - 1, 0)))]
    return WRAPPINGS[wrapping](text) if wrapping in WRAPPINGS else text
