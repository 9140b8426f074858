"""Redis faults under real servers, for either adapter: outages, restarts, lost data, dropped links.

An adapter's ``test_redis_faults.py`` subclasses :class:`RedisFaultSuite` and implements
:meth:`RedisFaultSuite.server`: the command that serves a consumer built on
``chanx_redis_fault_consumer.FaultHandlers`` on a port. The suite's ``start`` fixture runs it
with the layer a test asks for (``redis``, the list-based one, or ``pubsub``) on the test's own
Redis. Everything listens and connects on 127.0.0.1; every wait is bounded.

Each test owns its Redis (``redis_server``), which it stops and starts again on the same port;
it keeps nothing on disk, so a restart loses every key, group memberships included. The
expectations, for both of each adapter's Redis layers:

- During an outage the connections stay open and keep answering ``ping``; a broadcast that
  cannot reach Redis fails with a logged error and an ``error`` frame to its sender, and is
  never delivered later.
- Once Redis is back, or after it lost its data without an error (``FLUSHALL``), the
  connections are still members of their groups (the servers make the lost memberships again)
  and each broadcast reaches every member exactly once; nothing from before comes again.
- The list-based layer keeps messages in Redis until read, so a dropped connection to Redis
  loses nothing it accepted. The pub/sub layer is at-most-once: what is published while a
  server's subscription is down is lost, never repeated.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import re
import time
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path

import pytest
from chanx_it import STARTUP_SECONDS, RedisServer, ServerProcess, free_port, port_answers
from chanx_redis_faults import (
    QUIET,
    RECOVERY,
    Client,
    announcements,
    channel_of,
    close_all,
    error_frames,
    hear_everywhere,
    open_clients,
    recover,
    redis_command,
    tell,
    wait_for_log,
)

SUPPORT = Path(__file__).resolve().parent
LAYERS = pytest.mark.parametrize("layer", ["redis", "pubsub"], ids=["RedisChannelLayer", "PubSub"])
"""Run a test on the list-based Redis layer and on the pub/sub one."""
CRASHED = re.compile(r"Exception in(?:side)? (?:ASGI )?application")
"""What uvicorn or daphne logs when a connection's application raised: the client was dropped."""
SHOUT_FAILED = {"detail": "Failed to process message for shout"}
"""The error frame a shout that could not be broadcast gets."""
SHOUT_ERROR = re.compile(r"\[error\s*\]\s+chanx\.handler\.error\b.*action=shout")
"""The error a server logs for that shout (structlog's console format)."""


def server_env(redis: RedisServer, layer: str, prefix: str) -> dict[str, str]:
    """The environment of a fault server: its Redis, layer and key prefix, and this folder."""
    paths = [str(SUPPORT), *filter(None, [os.environ.get("PYTHONPATH")])]
    return {
        "REDIS_URL": redis.url,
        "CHANX_LAYER": layer,
        "CHANX_LAYER_PREFIX": prefix,
        "PYTHONPATH": os.pathsep.join(paths),
        "PYTHONUNBUFFERED": "1",
    }


@dataclasses.dataclass(frozen=True)
class FaultServer:
    """A server process serving the fault consumer on 127.0.0.1 (it may still be starting)."""

    port: int
    path: str
    """The path of the room."""
    process: ServerProcess

    @property
    def url(self) -> str:
        """The ws:// URL of the room."""
        return f"ws://127.0.0.1:{self.port}{self.path}"

    def output(self) -> str:
        """Everything the process wrote so far."""
        return self.process.output()

    async def listening(self) -> None:
        """Wait until the server accepts connections; fail with its output if it cannot."""
        deadline = time.monotonic() + STARTUP_SECONDS
        while not port_answers(self.port):
            if self.process.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"{self.process.args[:3]} did not listen:\n{self.output()}")
            await asyncio.sleep(0.05)


@dataclasses.dataclass(frozen=True)
class ServerCommand:
    """How an adapter serves the fault consumer on a port."""

    args: list[str]
    """The command line."""
    cwd: Path
    """The folder it runs in."""
    path: str
    """The path of the room."""
    env: dict[str, str] = dataclasses.field(default_factory=dict)
    """Environment beyond :func:`server_env`'s."""


Start = Callable[[str], FaultServer]
"""The ``start`` fixture: ``start(layer)`` starts one more server on the test's Redis and returns
at once (the servers of a test start side by side)."""


@dataclasses.dataclass
class Room:
    """Clients in the room on one or more servers; the first client is the usual sender.

    Every room starts with a shout, ``"before"``, that reached every client.
    """

    servers: list[FaultServer]
    clients: list[Client]

    @property
    def sender(self) -> Client:
        """The client that shouts unless another is named."""
        return self.clients[0]

    async def shout(self, text: str, sender: Client | None = None) -> None:
        """Shout ``text`` and wait until every client has heard it."""
        await (sender or self.sender).send("shout", text)
        await hear_everywhere(self.clients, text)

    async def assert_heard_once(self, *texts: str, never: Sequence[str] = ()) -> None:
        """After a quiet pause: ``"before"`` and each text reached each client once, none twice."""
        await asyncio.sleep(QUIET)
        for client in self.clients:
            client.assert_open()
            heard = client.heard()
            assert all(heard[text] == 1 for text in ("before", *texts)), client.describe()
            assert not any(heard[text] for text in never), client.describe()
            assert max(heard.values()) == 1, client.describe()


@contextlib.asynccontextmanager
async def room(start: Start, layer: str, servers: int = 2, clients: int = 2) -> AsyncIterator[Room]:
    """Start servers, open clients on each, shout ``"before"``; at the end close the clients.

    Fails when any connection's application crashed (the server dropped the client).
    """
    started = [start(layer) for _ in range(servers)]
    await asyncio.gather(*(server.listening() for server in started))
    opened: list[Client] = []
    try:
        for index, server in enumerate(started):
            opened += await open_clients(server.url, clients, f"server{index}")
        chat = Room(started, opened)
        await chat.shout("before")
        yield chat
    finally:
        await close_all(opened)
    for server in started:
        output = server.output()
        assert not CRASHED.search(output), f"a connection crashed:\n{output}"


async def outage(redis: RedisServer, clients: list[Client]) -> None:
    """Stop Redis and give the servers time to notice (their reads of Redis fail at once)."""
    redis.stop()
    await asyncio.sleep(0.5)
    for client in clients:
        client.assert_open()


async def shout_accepted(sender: Client, text: str) -> bool:
    """Shout; return False when the sender was told it failed (the ping orders the answers)."""
    errors = len(error_frames(sender))
    await sender.send("shout", text)
    await sender.ping()
    new = error_frames(sender)[errors:]
    assert new in ([], [SHOUT_FAILED]), sender.describe()
    return not new


class RedisFaultSuite:
    """The Redis fault tests; an adapter's ``Test...`` subclass implements :meth:`server`."""

    pytestmark = [pytest.mark.redis]

    def server(self, port: int) -> ServerCommand:
        """Return how to serve the fault consumer on ``port`` (on 127.0.0.1)."""
        raise NotImplementedError

    @pytest.fixture
    def start(
        self,
        run_process: Callable[..., ServerProcess],
        redis_server: RedisServer,
        key_prefix: str,
    ) -> Start:
        """Start one more server with the given layer on the test's Redis (not waiting)."""

        def run(layer: str) -> FaultServer:
            port = free_port()
            command = self.server(port)
            env = {**server_env(redis_server, layer, key_prefix), **command.env}
            process = run_process(command.args, env=env, cwd=command.cwd)
            return FaultServer(port=port, path=command.path, process=process)

        return run

    @LAYERS
    async def test_clients_stay_connected_and_served_through_a_redis_outage(
        self, start: Start, redis_server: RedisServer, layer: str
    ) -> None:
        """While Redis is down every client answers ping; a shout fails, logged, and never comes."""
        async with room(start, layer, servers=1, clients=3) as chat:
            await outage(redis_server, chat.clients)
            for client in chat.clients:
                await client.ping()
            server = chat.servers[0]
            logged = len(server.output())
            assert not await shout_accepted(chat.sender, "during"), chat.sender.describe()
            await wait_for_log(server.output, logged, SHOUT_ERROR, "error for the failed shout")
            redis_server.start()
            for client in chat.clients:
                await client.ping()
            await chat.assert_heard_once(never=["during"])

    @LAYERS
    async def test_broadcasts_after_a_redis_restart_reach_every_member_exactly_once(
        self, start: Start, redis_server: RedisServer, layer: str
    ) -> None:
        """After a restart that lost every key, members on two servers hear each shout once."""
        async with room(start, layer) as chat:
            await outage(redis_server, chat.clients)
            redis_server.start()
            probe = await recover(chat.sender, chat.clients)
            await chat.shout("after-1")
            await chat.shout("after-2", sender=chat.clients[-1])
            await chat.assert_heard_once(probe, "after-1", "after-2")

    @LAYERS
    async def test_events_sent_to_one_connection_still_arrive_once_after_a_redis_restart(
        self, start: Start, redis_server: RedisServer, layer: str
    ) -> None:
        """``send_event`` to a connection's own channel reaches it once after the outage ends."""
        async with room(start, layer) as chat:
            names = [await channel_of(client) for client in chat.clients]
            for index, (client, name) in enumerate(zip(chat.clients, names, strict=True)):
                await tell(chat.sender, name, f"before-{index}")
                await client.expect("announcement", f"before-{index}")
            await outage(redis_server, chat.clients)
            redis_server.start()
            await recover(chat.sender, chat.clients)  # the servers reach Redis again
            for index, (client, name) in enumerate(zip(chat.clients, names, strict=True)):
                await tell(chat.sender, name, f"after-{index}")
                await client.expect("announcement", f"after-{index}", RECOVERY)
            await asyncio.sleep(QUIET)
            for index, client in enumerate(chat.clients):
                client.assert_open()
                expected = {f"before-{index}": 1, f"after-{index}": 1}
                assert announcements(client) == expected, client.describe()

    @LAYERS
    async def test_members_keep_hearing_broadcasts_after_redis_loses_its_data(
        self, start: Start, redis_server: RedisServer, layer: str
    ) -> None:
        """Redis losing its keys without an error (FLUSHALL) costs members their groups < 20 s.

        A failover to an empty replica, an operator's FLUSHALL or eviction look like this: no
        read fails, so only the servers' periodic renewal (every 15 s) makes the memberships
        of the list-based layer again; pub/sub subscriptions are no keys and survive.
        """
        async with room(start, layer) as chat:
            redis_command(redis_server.port, "FLUSHALL")
            probe = await recover(chat.sender, chat.clients, RECOVERY)
            await chat.shout("after", sender=chat.clients[-1])
            await chat.assert_heard_once(probe, "after")

    async def test_list_layer_loses_nothing_when_redis_drops_its_connections(
        self, start: Start, redis_server: RedisServer
    ) -> None:
        """Redis closing every client link (data kept): accepted shouts arrive once, none lost."""
        async with room(start, "redis") as chat:
            redis_command(redis_server.port, "CLIENT", "KILL", "TYPE", "normal")
            texts = [f"while-reconnecting-{number}" for number in range(5)]
            accepted = [text for text in texts if await shout_accepted(chat.sender, text)]
            # A refused shout never reached Redis (its sender was told); the others must arrive.
            for text in accepted:
                await hear_everywhere(chat.clients, text)
            await chat.shout("after")
            refused = [text for text in texts if text not in accepted]
            await chat.assert_heard_once(*accepted, "after", never=refused)

    async def test_pubsub_layer_is_at_most_once_when_subscriptions_drop(
        self, start: Start, redis_server: RedisServer
    ) -> None:
        """Pub/sub: shouts published while subscriptions are down are lost, never repeated."""
        async with room(start, "pubsub") as chat:
            redis_command(redis_server.port, "CLIENT", "KILL", "TYPE", "pubsub")
            for text in [f"unsubscribed-{number}" for number in range(5)]:
                assert await shout_accepted(chat.sender, text), chat.sender.describe()
            probe = await recover(chat.sender, chat.clients)
            await chat.shout("after")
            await chat.assert_heard_once(probe, "after")
