"""What the ``fanout`` scenario's servers and its load generator agree on: paths, frames, layer.

Only the standard library is imported here (fast-channels inside :func:`channel_layer`), so the
load generator, the bare ASGI baseline and the app of the released chanx 2.13.0 (run in a
virtualenv of its own) all use the very same definitions.

The members connect to :data:`MEMBER_PATH` and are in :data:`GROUP`; one more connection, the
sender, connects to :data:`SENDER_PATH` (in no group) and sends :func:`shout_frame`. The server
answers every shout by sending :func:`news` to every member of the group, once.
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fast_channels.layers import BaseChannelLayer

MEMBER_PATH = "/ws/fanout"
"""Where the receiving connections connect; they join :data:`GROUP`."""
SENDER_PATH = "/ws/fanout/sender"
"""Where the sender connects; it joins no group, so it never receives its own broadcasts."""
GROUP = "fanout"
"""The group every member is in."""
TEXT = (
    "Deploy of build 4812 finished: 12 services updated, 0 failed, "
    "rollout took 3 min 41 s. Dashboards are green."
)
"""The text of every broadcast (about 100 characters)."""

LAYER_VARIABLE = "FANOUT_LAYER"
"""The environment variable naming the server's channel layer: memory, redis or pubsub."""
REDIS_URL_VARIABLE = "FANOUT_REDIS_URL"
"""The environment variable holding the Redis URL of the Redis layers."""
PREFIX_VARIABLE = "FANOUT_PREFIX"
"""The environment variable holding the Redis layers' key prefix, unique to one deployment."""
LAYERS = ("memory", "redis", "pubsub")
"""The channel layers a server can run on."""


def shout_frame(seq: int) -> str:
    """Return the frame the sender sends to trigger broadcast number ``seq``."""
    return json.dumps(
        {"action": "shout", "payload": {"seq": seq, "text": TEXT}}, separators=(",", ":")
    )


def news(seq: int) -> dict[str, Any]:
    """Return what every member must receive for broadcast ``seq``, decoded from JSON."""
    return {"action": "news", "payload": {"seq": seq, "text": TEXT}}


def news_text(payload: Any) -> str:
    """Return the ``news`` frame for a shout's payload, encoded once (the baseline's encoding)."""
    return json.dumps({"action": "news", "payload": payload}, separators=(",", ":"))


def channel_layer() -> BaseChannelLayer:
    """Return a new fast-channels layer as the environment asks (the in-memory one by default).

    Raises:
        ValueError: When :data:`LAYER_VARIABLE` names no known layer.
    """
    kind = os.environ.get(LAYER_VARIABLE) or "memory"
    if kind not in LAYERS:
        msg = f"{LAYER_VARIABLE}={kind!r}: expected one of {', '.join(LAYERS)}"
        raise ValueError(msg)
    if kind == "memory":
        from fast_channels.layers import InMemoryChannelLayer

        return InMemoryChannelLayer()
    # Imported here: the Redis layers need fast-channels' "redis" extra.
    from fast_channels.layers.redis import RedisChannelLayer, RedisPubSubChannelLayer

    url = os.environ.get(REDIS_URL_VARIABLE) or "redis://127.0.0.1:6379/0"
    prefix = os.environ.get(PREFIX_VARIABLE) or "chanx-bench-fanout"
    if kind == "pubsub":
        return RedisPubSubChannelLayer(hosts=[url], prefix=prefix)
    return RedisChannelLayer(hosts=[url], prefix=prefix)
