"""Server-side events: sent by any code to the services' consumers over the channel layer."""

from __future__ import annotations

from typing import Literal

from chanx.messages import BaseMessage
from ticket_messages._payloads import Escalation


class EscalateTicketEvent(BaseMessage):
    """Tell the watchers of a ticket that it was escalated.

    Send it to :func:`~ticket_messages.ticket_group` of the ticket with a consumer's
    ``broadcast_event``; each watcher's consumer turns it into a ``ticket_escalated`` message.
    """

    action: Literal["escalate_ticket"] = "escalate_ticket"
    """Always ``escalate_ticket``."""
    payload: Escalation
    """The escalation."""
