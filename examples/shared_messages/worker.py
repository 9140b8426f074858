"""Escalate a ticket from a plain script: both services' watchers hear it through Redis.

The worker is neither web server: it builds the shared ``EscalateTicketEvent`` and hands it to
each service's consumer class with ``broadcast_event_sync``, which publishes it on that
service's Redis channel layer. Every process watching the ticket then runs its
``@event_handler`` and sends ``ticket_escalated`` to its clients::

    python worker.py T-1 "the customer called twice" --level urgent
    python worker.py T-1 "only the Django watchers" --to django

It reads the same ``REDIS_URL``, ``FASTAPI_LAYER_PREFIX`` and ``DJANGO_LAYER_PREFIX`` as the
services, and imports the services from their folders beside it.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import get_args

from pydantic import ValidationError
from ticket_messages import EscalateTicketEvent, Escalation, EscalationLevel, ticket_group

HERE = Path(__file__).resolve().parent
SERVICE_FOLDERS = (HERE / "fastapi_service", HERE / "django_service")
"""The services are folders, not installed packages: the worker imports them from here."""


def send_to_fastapi(event: EscalateTicketEvent) -> None:
    """Send the event to the FastAPI service's watchers of the ticket.

    Args:
        event: The escalation to announce.
    """
    # Imported here, like the Django side: `--to django` needs neither FastAPI nor its layer.
    from ticket_api.consumers import TicketConsumer
    from ticket_api.settings import configure_channel_layer

    configure_channel_layer()
    TicketConsumer.broadcast_event_sync(event, groups=[ticket_group(event.payload.ticket_id)])


def send_to_django(event: EscalateTicketEvent) -> None:
    """Send the event to the Django service's watchers of the ticket.

    Args:
        event: The escalation to announce.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ticket_site.settings")
    import django

    # The consumer module needs Django's settings (its layer is CHANNEL_LAYERS["default"]).
    django.setup()
    from ticket_desk.consumers import TicketConsumer

    TicketConsumer.broadcast_event_sync(event, groups=[ticket_group(event.payload.ticket_id)])


SENDERS: dict[str, Callable[[EscalateTicketEvent], None]] = {
    "fastapi": send_to_fastapi,
    "django": send_to_django,
}


def main(argv: Sequence[str] | None = None) -> None:
    """Escalate the ticket named on the command line in the chosen services."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("ticket_id", help="the ticket to escalate")
    parser.add_argument("reason", help="why it is escalated")
    parser.add_argument(
        "--level",
        # The choices are the shared model's: a level added to the package is accepted here.
        choices=get_args(EscalationLevel),
        default="high",
        help="how urgent the ticket now is (default: high)",
    )
    parser.add_argument(
        "--to",
        nargs="+",
        choices=sorted(SENDERS),
        default=sorted(SENDERS),
        help="the services to tell (default: both)",
    )
    args = parser.parse_args(argv)
    try:
        escalation = Escalation(ticket_id=args.ticket_id, level=args.level, reason=args.reason)
    except ValidationError as exc:
        parser.error(str(exc))
    sys.path[:0] = [str(folder) for folder in SERVICE_FOLDERS]
    event = EscalateTicketEvent(payload=escalation)
    for service in args.to:
        SENDERS[service](event)
        print(f"sent {event.action} for ticket {escalation.ticket_id} to {service}", flush=True)


if __name__ == "__main__":
    main()
