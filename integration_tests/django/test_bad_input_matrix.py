"""The bad-input matrix against a real daphne serving the shared consumer on Django Channels.

The cases and what each proves are in ``integration_tests/support/chanx_bad_input.py``; the
Django app checks the ``guarded`` handler with a Django REST framework permission class.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from chanx_bad_input import CASES, Case, run_case
from chanx_bad_input_bench import running
from chanx_it import ServerProcess, free_port

SUPPORT = Path(__file__).resolve().parent / "support"
APP = "chanx_bad_input_django:application"


@pytest.fixture(scope="module")
def daphne(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One daphne serving the matrix's project for every case of this module."""
    port = free_port()
    log = tmp_path_factory.mktemp("bad-input-daphne") / "server.log"
    args = [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), APP]
    with running(args, port, SUPPORT, log) as server:
        yield server


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
async def test_bad_input_gets_its_documented_answer_and_nobody_else_notices(
    daphne: ServerProcess, case: Case
) -> None:
    """The bad client gets its error frame or close code; the room's traffic is untouched."""
    await run_case(case, lambda path: f"ws://127.0.0.1:{daphne.port}{path}", daphne.output)
