"""The bad-input matrix against a real uvicorn serving the shared consumer on fast-channels.

The cases and what each proves are in ``integration_tests/support/chanx_bad_input.py``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from chanx_bad_input import CASES, Case, run_case
from chanx_bad_input_bench import running
from chanx_it import ServerProcess, free_port
from fastapi_it import APPS_DIR, ROOT, uvicorn_args

APP = "chanx_bad_input_app:app"


@pytest.fixture(scope="module")
def uvicorn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One uvicorn serving the matrix's app for every case of this module."""
    port = free_port()
    log = tmp_path_factory.mktemp("bad-input-uvicorn") / "server.log"
    with running(uvicorn_args(APP, port, APPS_DIR), port, ROOT, log) as server:
        yield server


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
async def test_bad_input_gets_its_documented_answer_and_nobody_else_notices(
    uvicorn: ServerProcess, case: Case
) -> None:
    """The bad client gets its error frame or close code; the room's traffic is untouched."""
    await run_case(case, lambda path: f"ws://127.0.0.1:{uvicorn.port}{path}", uvicorn.output)
