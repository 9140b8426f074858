"""Post an announcement to a chat room from a plain script: ``python -m fastapi_chat.announce``.

Any process that registers the same channel layer can send typed events to connected clients;
this one runs no server and no event loop of its own::

    REDIS_URL=redis://127.0.0.1:6379/0 python -m fastapi_chat.announce "Deploy at 5pm" lobby
"""

from __future__ import annotations

import argparse

from fastapi_chat.consumers import ChatConsumer, room_group
from fastapi_chat.messages import Announcement, AnnouncementEvent
from fastapi_chat.settings import Settings, configure_channel_layer


def main(argv: list[str] | None = None) -> None:
    """Send one announcement to the rooms named on the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("text", help="the announcement")
    parser.add_argument("rooms", nargs="+", help="the rooms to show it in")
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    if settings.redis_url is None:
        parser.error("set REDIS_URL: without Redis the server's in-memory layer is unreachable")
    configure_channel_layer(settings)
    ChatConsumer.broadcast_event_sync(
        AnnouncementEvent(payload=Announcement(text=args.text)),
        groups=[room_group(room) for room in args.rooms],
    )


if __name__ == "__main__":
    main()
