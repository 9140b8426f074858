"""The FastAPI soak server: an authenticating Chanx consumer and the process's live figures.

Served by uvicorn from this folder: ``uvicorn chanx_soak_app:app``. The layer is fast-channels'
in-memory one unless ``REDIS_URL`` is set, then its ``RedisChannelLayer`` under
``CHANX_LAYER_PREFIX``.
"""

from __future__ import annotations

import os
from typing import Any, cast

from chanx_soak_common import LIVE_CONSUMERS, STATS_PATH, NudgeEvent, SoakHandlers, check_token
from chanx_soak_common import live_figures as collect_figures
from fast_channels.layers import (
    BaseChannelLayer,
    InMemoryChannelLayer,
    get_channel_layer,
    register_channel_layer,
)
from fast_channels.layers.redis import RedisChannelLayer
from fastapi import FastAPI

from chanx.core.layers import ChannelLayer
from chanx.ext.fast_channels import websocket_route
from chanx.ext.fast_channels.auth import credential_authenticator
from chanx.ext.fast_channels.websocket import AsyncJsonWebsocketConsumer


def build_layer() -> BaseChannelLayer:
    """The in-memory layer, or the Redis layer ``REDIS_URL`` names."""
    url = os.environ.get("REDIS_URL")
    if not url:
        return InMemoryChannelLayer()
    prefix = os.environ.get("CHANX_LAYER_PREFIX") or "chanx-soak"
    return RedisChannelLayer(hosts=[url], prefix=prefix)


register_channel_layer("default", build_layer())


class SoakConsumer(SoakHandlers, AsyncJsonWebsocketConsumer[NudgeEvent]):
    """The soak behaviour on fast-channels; the token travels in the query string."""

    authenticator_class = credential_authenticator(check_token, location="query", name="token")


app = FastAPI(title="Chanx soak")
app.router.routes.append(websocket_route("/ws/soak", SoakConsumer))


@app.get(STATS_PATH)
async def live_figures() -> dict[str, Any]:
    """The process's live figures (see ``chanx_soak_common.live_figures``)."""
    layer = cast(ChannelLayer, get_channel_layer("default"))
    return collect_figures(layer, LIVE_CONSUMERS)
