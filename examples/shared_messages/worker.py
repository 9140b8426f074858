"""Escalate a ticket from a plain script: both services' watchers hear it through Redis.

The worker is neither web server and imports neither service's consumers: it builds the shared
``EscalateTicketEvent`` and publishes it with ``chanx.core.events.broadcast_event_sync`` on each
service's Redis channel layer. Every process watching the ticket then runs its
``@event_handler`` and sends ``ticket_escalated`` to its clients. Sending to the FastAPI
service takes ``chanx-core``, ``ticket-messages`` and ``fast-channels[redis]``, not FastAPI;
sending to the Django service reads the layer from the project's Django settings::

    python worker.py T-1 "the customer called twice" --level urgent
    python worker.py T-1 "only the Django watchers" --to django

It reads the same ``REDIS_URL``, ``FASTAPI_LAYER_PREFIX`` and ``DJANGO_LAYER_PREFIX`` as the
services, and imports their layer settings from the folders beside it.
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

from chanx.core.events import broadcast_event_sync

HERE = Path(__file__).resolve().parent
SERVICE_FOLDERS = (HERE / "fastapi_service", HERE / "django_service")
"""The services are folders, not installed packages: the worker imports them from here."""


def send_to_fastapi(event: EscalateTicketEvent) -> None:
    """Send the event to the FastAPI service's watchers of the ticket.

    Args:
        event: The escalation to announce.
    """
    # Imported here, like the Django side: `--to django` needs neither service's layer.
    # ticket_api.settings imports fast-channels' Redis layer and nothing of FastAPI.
    from ticket_api.settings import configure_channel_layer

    layer = configure_channel_layer()
    broadcast_event_sync(event, ticket_group(event.payload.ticket_id), layer=layer)


def send_to_django(event: EscalateTicketEvent) -> None:
    """Send the event to the Django service's watchers of the ticket.

    Args:
        event: The escalation to announce.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ticket_site.settings")
    import django
    from channels.layers import get_channel_layer

    # The layer is the service's CHANNEL_LAYERS["default"], read from its Django settings.
    django.setup()
    layer = get_channel_layer()
    assert layer is not None, "ticket_site.settings configures CHANNEL_LAYERS"
    broadcast_event_sync(event, ticket_group(event.payload.ticket_id), layer=layer)


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
