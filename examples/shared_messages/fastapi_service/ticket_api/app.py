"""The FastAPI service: the ticket WebSocket, an HTTP endpoint that escalates, the API docs.

Serve it from ``examples/shared_messages/fastapi_service`` with
``uvicorn ticket_api.app:app --port 8000``.
"""

from __future__ import annotations

from typing import Literal

from fastapi import FastAPI
from pydantic import BaseModel
from ticket_messages import EscalateTicketEvent, Escalation, ticket_group

from chanx.ext.fast_channels import AsyncAPIConfig, asyncapi_router, websocket_route
from ticket_api.consumers import TicketConsumer
from ticket_api.settings import configure_channel_layer

configure_channel_layer()

app = FastAPI(
    title="Ticket desk (FastAPI)",
    version="1.0.0",
    description="Watch tickets over a WebSocket; escalate them over HTTP.",
)
app.router.routes.append(websocket_route("/ws/tickets", TicketConsumer))
# /asyncapi/docs, /asyncapi/schema.json and /asyncapi/schema.yaml: the same messages as the
# Django service's document, since both come from ticket_messages.
app.include_router(
    asyncapi_router(app, AsyncAPIConfig(description="The FastAPI service of the ticket desk."))
)


class Accepted(BaseModel):
    """The escalation was sent to the ticket's watchers."""

    status: Literal["accepted"] = "accepted"


@app.post("/api/escalations", status_code=202)
async def escalate(escalation: Escalation) -> Accepted:
    """Escalate a ticket: every watcher connected to this service is told.

    The request body is the shared ``Escalation`` model, the payload the worker sends too.
    """
    await TicketConsumer.broadcast_event(
        EscalateTicketEvent(payload=escalation), groups=[ticket_group(escalation.ticket_id)]
    )
    return Accepted()
