"""Ticket ids, and the channel-layer group of a ticket's connections."""

from __future__ import annotations

import re

TICKET_ID_PATTERN = r"^[A-Za-z0-9_-]{1,40}$"
"""A ticket id: letters, digits, ``_`` and ``-``, so it fits in a channel-layer group name."""

_TICKET_ID = re.compile(TICKET_ID_PATTERN)


def ticket_group(ticket_id: str) -> str:
    """Return the group that every connection watching a ticket joins, in every service.

    The services and the worker all name groups with this function, so an event the worker
    sends to a ticket reaches that ticket's watchers whichever service they are connected to.

    Args:
        ticket_id: The ticket's id.

    Returns:
        The group name.

    Raises:
        ValueError: When the id does not match :data:`TICKET_ID_PATTERN`.
    """
    if _TICKET_ID.fullmatch(ticket_id) is None:
        msg = f"{ticket_id!r} is not a ticket id: use 1 to 40 letters, digits, '_' or '-'"
        raise ValueError(msg)
    return f"ticket.{ticket_id}"
