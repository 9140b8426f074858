"""One message package, three users: the FastAPI service, the Django service and the worker.

The services run as real processes (uvicorn and daphne) on one Redis; client.py and worker.py
run as the README tells a reader to run them.
"""

from __future__ import annotations

import asyncio
import importlib.metadata
import importlib.resources
import json
import os
import shutil
import subprocess
import sys
import tomllib
import urllib.request
import uuid
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from shared_messages_it import (
    CLIENT,
    COMMAND_SECONDS,
    PACKAGE,
    PACKAGE_NAME,
    REPLY_SECONDS,
    STARTUP_SECONDS,
    WORKER,
    Child,
    Service,
    client_args,
    fetch_json,
    frames,
    free_port,
    layer_environment,
    received,
    run_command,
    start_services,
    stop_services,
)
from ticket_messages import ClientMessages, ServerMessages
from websockets.asyncio.server import ServerConnection, serve

SERVICES = ["fastapi", "django"]

WEB_FRAMEWORKS = {
    "channels",
    "daphne",
    "django",
    "fast_channels",
    "fastapi",
    "rest_framework",
    "starlette",
    "uvicorn",
}


Watch = Callable[[Service, str, dict[str, str]], Child]
"""Starts a client.py that watches a ticket on a service, with an environment of its own."""


def new_ticket() -> str:
    """Return a ticket id no other test uses, so no test sees another's notes."""
    return f"T-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def watchers(tmp_path: Path) -> Iterator[Watch]:
    """Start client.py processes that watch a ticket until it is escalated; stop them after.

    Call it as ``watch(service, ticket_id, env)``; it returns once the client is watching (its
    own note came back), so an escalation sent afterwards must reach it.
    """
    started: list[Child] = []

    def watch(service: Service, ticket_id: str, env: dict[str, str]) -> Child:
        args = client_args(service, ticket_id, "--wait-escalation")
        log = tmp_path / f"watcher-{len(started)}-{service.name}.log"
        child = Child.start(args, env, CLIENT.parent, log)
        started.append(child)
        child.wait_for_output("<- NotePostedMessage", STARTUP_SECONDS)
        return child

    try:
        yield watch
    finally:
        for child in started:
            child.stop()


def escalation_received(child: Child) -> list[Any]:
    """Wait for a watcher to exit, check that it succeeded, and return what it was told."""
    status = child.finish(COMMAND_SECONDS)
    output = child.output()
    assert status == 0, output
    return received(output, "TicketEscalatedMessage")


# ---------------------------------------------------------------------------- the package
def test_the_package_declares_chanx_messages_as_its_only_dependency() -> None:
    """The package's pyproject.toml lists chanx-messages and nothing else, not even extras."""
    project = tomllib.loads((PACKAGE / "pyproject.toml").read_text())["project"]
    assert project["name"] == PACKAGE_NAME
    assert project["dependencies"] == ["chanx-messages"]
    assert "optional-dependencies" not in project


def test_the_installed_package_requires_only_chanx_messages(package_installed: None) -> None:
    """The installed distribution's metadata requires chanx-messages alone and ships py.typed."""
    assert importlib.metadata.requires(PACKAGE_NAME) == ["chanx-messages"]
    assert importlib.resources.files("ticket_messages").joinpath("py.typed").is_file()


def test_importing_the_package_loads_no_web_framework(package_installed: None) -> None:
    """A worker or client that imports the messages imports no web framework and no engine."""
    probe = "import json, sys, ticket_messages; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-I", "-c", probe],
        capture_output=True,
        text=True,
        timeout=COMMAND_SECONDS,
        check=True,
    )
    loaded = set(json.loads(done.stdout))
    assert "ticket_messages" in loaded
    assert "chanx.messages" in loaded
    assert not {name.split(".")[0] for name in loaded} & WEB_FRAMEWORKS
    assert not {name for name in loaded if name.startswith(("chanx.core", "chanx.ext"))}


# ---------------------------------------------------------------------------- client.py
@pytest.mark.parametrize("name", SERVICES)
def test_client_converses_with_each_service(services: dict[str, Service], name: str) -> None:
    """client.py pings, watches a ticket and gets its note back from either service."""
    service = services[name]
    ticket_id = new_ticket()
    done = run_command(client_args(service, ticket_id, "--note", "printer on fire"), {})
    assert done.returncode == 0, done.stdout + done.stderr
    trace = [(frame.direction, frame.kind, frame.action) for frame in frames(done.stdout)]
    assert trace == [
        ("->", "PingMessage", "ping"),
        ("<-", "PongMessage", "pong"),
        ("->", "WatchTicketMessage", "watch"),
        ("<-", "WatchingMessage", "watching"),
        ("->", "PostNoteMessage", "post_note"),
        ("<-", "NotePostedMessage", "note_posted"),
    ]
    assert received(done.stdout, "WatchingMessage") == [{"ticket_id": ticket_id, "service": name}]
    assert received(done.stdout, "NotePostedMessage") == [
        {"ticket_id": ticket_id, "author": "client.py", "text": "printer on fire", "service": name}
    ]


def test_client_fails_when_no_service_listens() -> None:
    """client.py exits with status 1 and says why when nothing listens at the URL."""
    url = f"ws://127.0.0.1:{free_port()}/ws/tickets"
    done = run_command([sys.executable, str(CLIENT), "--url", url, "--timeout", "2"], {})
    assert done.returncode == 1
    assert f"cannot connect to {url}" in done.stderr


Behaviour = Callable[[ServerConnection], Awaitable[None]]


def answer_with(frame: dict[str, Any]) -> Behaviour:
    """Return a fake service that answers the first frame with ``frame``."""

    async def behave(websocket: ServerConnection) -> None:
        await websocket.recv()
        await websocket.send(json.dumps(frame))
        await websocket.wait_closed()

    return behave


async def stay_silent(websocket: ServerConnection) -> None:
    """A fake service that reads and never answers."""
    await websocket.wait_closed()


async def close_at_once(websocket: ServerConnection) -> None:
    """A fake service that closes the connection when the first frame arrives."""
    await websocket.recv()
    await websocket.close(4400)


UNEXPECTED_REPLIES = {
    "unknown action": (
        answer_with({"action": "surprise", "payload": None}),
        "none of ServerMessages",
    ),
    "error frame": (
        answer_with({"action": "error", "payload": {"detail": "nope"}}),
        "expected PongMessage, received ErrorMessage",
    ),
    "wrong reply": (
        answer_with({"action": "watching", "payload": {"ticket_id": "T-1", "service": "x"}}),
        "expected PongMessage, received WatchingMessage",
    ),
}


@pytest.mark.parametrize("case", sorted(UNEXPECTED_REPLIES))
async def test_client_exits_non_zero_on_an_unexpected_reply(case: str) -> None:
    """client.py parses the reply with ServerMessages and exits with 1 when it is not pong."""
    behave, reason = UNEXPECTED_REPLIES[case]
    status, _, stderr = await converse_with(behave)
    assert status == 1
    assert reason in stderr


async def test_client_gives_up_after_its_timeout() -> None:
    """client.py exits with 1 when an expected reply does not come within --timeout seconds."""
    status, _, stderr = await converse_with(stay_silent, "--timeout", "1")
    assert status == 1
    assert "no reply within 1.0 seconds" in stderr


async def test_client_reports_a_closed_connection() -> None:
    """client.py exits with 1 when the service closes the connection mid-conversation."""
    status, _, stderr = await converse_with(close_at_once)
    assert status == 1
    assert "closed the connection" in stderr
    assert "4400" in stderr


async def converse_with(behave: Behaviour, *extra: str) -> tuple[int, str, str]:
    """Run client.py against a fake service on loopback; return its status, stdout, stderr."""
    async with asyncio.timeout(COMMAND_SECONDS), serve(behave, "127.0.0.1", 0) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            str(CLIENT),
            "--url",
            f"ws://127.0.0.1:{port}/ws/tickets",
            *extra,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        stdout, stderr = await process.communicate()
        assert process.returncode is not None
        return process.returncode, stdout.decode(), stderr.decode()


# ---------------------------------------------------------------------------- events
def test_worker_event_reaches_watchers_of_both_services(
    services: dict[str, Service],
    layer_env: dict[str, str],
    watchers: Watch,
) -> None:
    """worker.py escalates a ticket once; the watchers on both services receive it, typed."""
    ticket_id = new_ticket()
    watching = {name: watchers(services[name], ticket_id, layer_env) for name in SERVICES}
    reason = "the customer called twice"
    done = run_command(
        [sys.executable, str(WORKER), ticket_id, reason, "--level", "urgent"], layer_env
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines() == [
        f"sent escalate_ticket for ticket {ticket_id} to {name}" for name in sorted(SERVICES)
    ]
    expected = {"ticket_id": ticket_id, "level": "urgent", "reason": reason}
    for name in SERVICES:
        assert escalation_received(watching[name]) == [expected], name


def test_the_worker_sends_to_fastapi_without_importing_a_web_framework(
    services: dict[str, Service],
    layer_env: dict[str, str],
    watchers: Watch,
) -> None:
    """Escalating in the FastAPI service loads its layer, not FastAPI and no Chanx adapter."""
    ticket_id = new_ticket()
    watcher = watchers(services["fastapi"], ticket_id, layer_env)
    # Run the worker as __main__, then list what it imported.
    probe = (
        "import json, runpy, sys; sys.argv = sys.argv[1:]; "
        "runpy.run_path(sys.argv[0], run_name='__main__'); "
        "print(json.dumps(sorted(sys.modules)))"
    )
    done = run_command(
        [sys.executable, "-c", probe, str(WORKER), ticket_id, "lean", "--to", "fastapi"],
        layer_env,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    sent, modules = done.stdout.splitlines()
    assert sent == f"sent escalate_ticket for ticket {ticket_id} to fastapi"
    loaded = set(json.loads(modules))
    assert {"chanx.core.events", "fast_channels.layers.redis"} <= loaded
    assert not {name.split(".")[0] for name in loaded} & WEB_FRAMEWORKS - {"fast_channels"}
    assert not {name for name in loaded if name.startswith("chanx.ext")}
    assert escalation_received(watcher) == [
        {"ticket_id": ticket_id, "level": "high", "reason": "lean"}
    ]


def test_worker_reaches_only_the_services_it_is_told_to(
    services: dict[str, Service],
    layer_env: dict[str, str],
    watchers: Watch,
) -> None:
    """``--to`` picks the services: each watcher hears only the escalation sent to its own."""
    ticket_id = new_ticket()
    watching = {name: watchers(services[name], ticket_id, layer_env) for name in SERVICES}
    for name in ("django", "fastapi"):
        done = run_command(
            [sys.executable, str(WORKER), ticket_id, f"{name} only", "--to", name], layer_env
        )
        assert done.returncode == 0, done.stdout + done.stderr
    # Each watcher stops at the first escalation it receives: the other one's would show here.
    for name in SERVICES:
        assert escalation_received(watching[name]) == [
            {"ticket_id": ticket_id, "level": "high", "reason": f"{name} only"}
        ]


def test_the_fastapi_endpoint_escalates_to_its_watchers(
    services: dict[str, Service],
    layer_env: dict[str, str],
    watchers: Watch,
) -> None:
    """POST /api/escalations takes the shared Escalation as its body and reaches the watchers."""
    service = services["fastapi"]
    ticket_id = new_ticket()
    watcher = watchers(service, ticket_id, layer_env)
    body = {"ticket_id": ticket_id, "level": "urgent", "reason": "from HTTP"}
    request = urllib.request.Request(
        f"http://127.0.0.1:{service.port}/api/escalations",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=REPLY_SECONDS) as response:
        assert response.status == 202
        assert json.loads(response.read()) == {"status": "accepted"}
    assert escalation_received(watcher) == [body]


def test_worker_rejects_an_invalid_ticket_before_sending() -> None:
    """The shared model validates the worker's input: a bad ticket id is a usage error."""
    done = run_command([sys.executable, str(WORKER), "no spaces allowed", "why"], {})
    assert done.returncode == 2
    assert "ticket_id" in done.stderr
    assert "sent" not in done.stdout


# ---------------------------------------------------------------------------- one contract
def message_actions(document: dict[str, Any], direction: str) -> set[str]:
    """Return the actions an AsyncAPI document says the service receives or sends."""
    messages = document["components"]["messages"]
    names: set[str] = set()
    for operation in document["operations"].values():
        refs = []
        if operation["action"] == direction:
            refs += operation["messages"]
        if direction == "send" and "reply" in operation:
            refs += operation["reply"]["messages"]
        names.update(messages[ref["$ref"].rsplit("/", 1)[1]]["name"] for ref in refs)
    return names


def test_both_services_document_the_same_messages(services: dict[str, Service]) -> None:
    """Both AsyncAPI documents hold the same message schemas: the package's unions, exactly."""
    documents = {name: fetch_json(services[name].schema_url) for name in SERVICES}
    assert documents["fastapi"]["components"] == documents["django"]["components"]
    for document in documents.values():
        assert message_actions(document, "receive") == set(ClientMessages.by_action)
        assert message_actions(document, "send") == set(ServerMessages.by_action)


CHANGED_LEVELS = (
    'EscalationLevel = Literal["high", "urgent"]',
    'EscalationLevel = Literal["high", "urgent", "critical"]',
)
"""The change made to the package: a new escalation level."""


def test_the_unchanged_worker_refuses_the_new_level() -> None:
    """Before the change, "critical" is no level: the worker's choices come from the package."""
    done = run_command([sys.executable, str(WORKER), "T-1", "why", "--level", "critical"], {})
    assert done.returncode == 2
    assert "invalid choice: 'critical'" in done.stderr


def test_one_change_to_the_package_is_seen_by_all_three(
    package_installed: None,
    redis_url: str,
    tmp_path: Path,
    watchers: Watch,
) -> None:
    """Add a level to the package: the worker sends it, both services relay it, clients parse it.

    A process that kept the old package would fail: the worker's ``--level`` would refuse
    it, a service would drop the event as invalid, a client would reject the frame.
    """
    changed = tmp_path / "changed"
    shutil.copytree(PACKAGE / "src" / "ticket_messages", changed / "ticket_messages")
    payloads = changed / "ticket_messages" / "_payloads.py"
    old, new = CHANGED_LEVELS
    source = payloads.read_text()
    assert source.count(old) == 1, "the test's edit no longer applies to _payloads.py"
    payloads.write_text(source.replace(old, new))
    with layer_environment(redis_url) as env:
        # Ahead of the installed package for every process: services, watchers and worker.
        env["PYTHONPATH"] = os.pathsep.join(
            filter(None, [str(changed), os.environ.get("PYTHONPATH")])
        )
        services = start_services(env, tmp_path)
        try:
            ticket_id = new_ticket()
            watching = {name: watchers(services[name], ticket_id, env) for name in SERVICES}
            done = run_command(
                [sys.executable, str(WORKER), ticket_id, "fire", "--level", "critical"], env
            )
            assert done.returncode == 0, done.stdout + done.stderr
            expected = {"ticket_id": ticket_id, "level": "critical", "reason": "fire"}
            for name in SERVICES:
                assert escalation_received(watching[name]) == [expected], name
        finally:
            stop_services(services)
