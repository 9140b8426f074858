"""The shared fixtures do what the other integration tests rely on."""

from __future__ import annotations

import sys
from collections.abc import Callable

from chanx_it import RedisServer, ServerProcess, free_port, port_answers, redis_answers


def test_redis_url_answers_ping(redis_url: str) -> None:
    """The session's Redis (the machine's or one started for the run) answers PING."""
    host, port = redis_url.removeprefix("redis://").split("/")[0].split(":")
    assert redis_answers(host, int(port))


def test_an_owned_redis_server_can_be_stopped_and_started_again(redis_server: RedisServer) -> None:
    """A test's own Redis goes away when stopped and answers again on the same port."""
    assert redis_answers("127.0.0.1", redis_server.port)
    redis_server.stop()
    assert not redis_answers("127.0.0.1", redis_server.port)
    redis_server.start()
    assert redis_answers("127.0.0.1", redis_server.port)


def test_run_process_waits_for_the_port_and_stops_by_pid(
    run_process: Callable[..., ServerProcess],
) -> None:
    """A started server listens when run_process returns, and its PID is gone after stopping."""
    port = free_port()
    server = run_process(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"], port=port
    )
    assert port_answers(port)
    server.process.terminate()
    server.process.wait(5)
    assert not port_answers(port)
