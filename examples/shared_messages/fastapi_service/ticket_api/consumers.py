"""The FastAPI service's consumer, built on the shared ``ticket_messages`` package."""

from __future__ import annotations

from ticket_messages import (
    EscalateTicketEvent,
    Note,
    NotePostedMessage,
    PostNoteMessage,
    TicketEscalatedMessage,
    Watching,
    WatchingMessage,
    WatchTicketMessage,
    ticket_group,
)

from chanx.core.decorators import channel, event_handler, ws_handler
from chanx.ext.fast_channels.websocket import AsyncJsonWebsocketConsumer
from chanx.messages import PingMessage, PongMessage

SERVICE = "fastapi"
"""How this service names itself in ``watching`` and ``note_posted`` messages."""


@channel(
    name="tickets", description="Follow tickets: their notes and escalations.", tags=["tickets"]
)
class TicketConsumer(AsyncJsonWebsocketConsumer[EscalateTicketEvent]):
    """A connection at ``/ws/tickets`` watches the tickets it asks for and posts notes."""

    @ws_handler(summary="Answer a ping")
    async def handle_ping(self, message: PingMessage) -> PongMessage:
        return PongMessage()

    @ws_handler(summary="Follow a ticket")
    async def handle_watch(self, message: WatchTicketMessage) -> WatchingMessage:
        ticket_id = message.payload.ticket_id
        await self.join_group(ticket_group(ticket_id))
        return WatchingMessage(payload=Watching(ticket_id=ticket_id, service=SERVICE))

    @ws_handler(summary="Add a note to a ticket", output_type=NotePostedMessage)
    async def handle_post_note(self, message: PostNoteMessage) -> None:
        draft = message.payload
        note = Note(
            ticket_id=draft.ticket_id, author=draft.author, text=draft.text, service=SERVICE
        )
        await self.broadcast_message(
            NotePostedMessage(payload=note), groups=[ticket_group(draft.ticket_id)]
        )

    @event_handler(summary="A watched ticket was escalated")
    async def handle_escalate_ticket(self, event: EscalateTicketEvent) -> TicketEscalatedMessage:
        return TicketEscalatedMessage(payload=event.payload)
