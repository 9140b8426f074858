"""Scenario ``logging``: what Chanx's message logging costs a server, on against off.

The ``roundtrip`` scenario's Chanx-on-fast-channels server, twice: once as it is
(``log_websocket_message`` off, the baseline) and once with ``log_websocket_message = True``,
so every ping and every pong is logged (``chanx.websocket.receive`` with a message id bound to
the handler's context, ``chanx.websocket.send``). Both servers configure structlog as a
production app would (:func:`bench.apps._serving.configure_structlog`: context variables, level,
timestamp, JSON lines written and flushed to a file), so the ratio is the price of turning the
setting on in such an app. The module is not named ``logging``: a script run from this folder
would import it in place of the standard library's.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

from bench._harness import measure, scenario_json
from bench.scenarios._live import ROUND_TRIP_LABELS, PingPong, Server, start_all, stop_all
from bench.scenarios.roundtrip import messages_per_round

NAME = "logging"
SUMMARY = (
    "Server CPU per ping/pong round trip of Chanx on fast-channels (uvicorn) with message "
    "logging on, as a ratio to the same server with it off; structlog renders JSON lines to a "
    "file in both."
)
RECEIVED = "chanx.websocket.receive"
"""The event Chanx logs for every frame it receives while logging is on."""


def check_log(path: Path, logging_on: bool) -> None:
    """Check that the server logged the check's pings exactly when logging is on.

    Raises:
        RuntimeError: When it did not.
    """
    logged = RECEIVED in (path.read_text(encoding="utf-8") if path.exists() else "")
    if logged != logging_on:
        state = "on" if logging_on else "off"
        msg = f"with message logging {state}, {path.name} {'lacks' if logging_on else 'has'} {RECEIVED}"
        raise RuntimeError(msg)


async def run(options: argparse.Namespace) -> dict[str, Any]:
    """Measure Chanx with message logging off (the baseline) and on; return the report.

    Args:
        options: The command line: ``rounds``, ``messages`` and ``connections``.

    Returns:
        The scenario's data (see :func:`bench._harness.scenario_json`).

    Raises:
        RuntimeError: When a server cannot run, or logs when it should not (or the reverse).
    """
    connections = int(options.connections)
    messages = messages_per_round(options)
    with tempfile.TemporaryDirectory(prefix="chanx-bench-log-") as folder:
        off, on = Path(folder) / "off.log", Path(folder) / "on.log"
        live = [
            PingPong(
                "Chanx on fast-channels, logging off",
                "`bench.apps.ping_fastapi:chanx`, the `roundtrip` scenario's Chanx server: "
                "nothing is logged per message.",
                Server("uvicorn", "bench.apps.ping_fastapi:chanx"),
                connections,
                log_file=off,
            ),
            PingPong(
                "Chanx on fast-channels, logging on",
                "`bench.apps.ping_fastapi:chanx_logged`: the same consumer with "
                "`log_websocket_message = True`, two JSON lines per round trip.",
                Server("uvicorn", "bench.apps.ping_fastapi:chanx_logged"),
                connections,
                log_file=on,
            ),
        ]
        started, failed = await start_all(live)
        try:
            if failed:
                msg = f"a logging contender could not run: {failed[0]}"
                raise RuntimeError(msg)
            check_log(off, logging_on=False)
            check_log(on, logging_on=True)
            results = await measure([p.contender() for p in started], options.rounds, messages)
        finally:
            await stop_all(started)
    return scenario_json(
        NAME,
        SUMMARY,
        results,
        [],
        options.rounds,
        messages,
        unit="message",
        extra_labels={
            **{k: v for k, v in ROUND_TRIP_LABELS.items() if k != "loadgen_cpu_us"},
            "log_bytes": "log bytes/msg",
        },
    )
