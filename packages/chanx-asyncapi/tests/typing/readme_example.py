from typing import Literal

from chanx.asyncapi import (
    DocumentSettings,
    RouteRecord,
    build_document,
    dump_yaml,
    render_docs_page,
)
from chanx.core import ChanxWebsocketMixin, ws_handler
from chanx.messages import BaseMessage


class Echo(BaseMessage):
    """Any text, sent back as it is."""

    action: Literal["echo"] = "echo"
    payload: str


class EchoConsumer(ChanxWebsocketMixin):  # your adapter's AsyncJsonWebsocketConsumer in an app
    """Echoes every frame back to its sender."""

    @ws_handler
    async def echo(self, message: Echo) -> Echo:
        return message


routes = [RouteRecord("/ws/echo/{room_id:int}", EchoConsumer)]
document = build_document(routes, DocumentSettings(title="Echo", version="1.0.0"))
assert document["channels"]["EchoConsumer"]["address"] == "/ws/echo/{room_id}"

yaml_text = dump_yaml(document)  # or dump_json(document): the same bytes on every run
page = render_docs_page(document)  # a self-contained HTML page
