"""The arq worker runs a job the web server enqueued and streams its progress to a client."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Callable

import httpx
import pytest
from chanx_it import ServerProcess
from fastapi_it import EXAMPLE_DIR, TIMEOUT, Serve, app_env, assert_quiet, open_ws, recv, send

pytestmark = pytest.mark.redis


async def test_arq_job_progress_reaches_the_watching_client_in_order(
    serve: Serve,
    run_process: Callable[..., ServerProcess],
    redis_url: str,
    key_prefix: str,
) -> None:
    """watch, POST /api/jobs, then job_progress 1..3 and job_done, sent from the worker process."""
    env = app_env(redis_url, "redis", key_prefix)
    worker = run_process(
        [sys.executable, "-m", "arq", "fastapi_chat.worker.WorkerSettings"],
        env=env,
        cwd=EXAMPLE_DIR,
    )
    server = serve(env=env)
    job_id = f"job-{uuid.uuid4().hex[:12]}"
    async with (
        open_ws(server.ws("/ws/jobs")) as ws,
        httpx.AsyncClient(base_url=server.http, timeout=TIMEOUT) as http,
    ):
        await send(ws, "watch", {"job_id": job_id})
        assert await recv(ws) == {"action": "watching", "payload": {"job_id": job_id}}
        request = {"job_id": job_id, "steps": 3, "delay": 0.05}
        response = await http.post("/api/jobs", json=request)
        assert response.status_code == 202
        assert response.json() == {"job_id": job_id, "runs_on": "arq"}
        for step in (1, 2, 3):
            assert await recv(ws) == {
                "action": "job_progress",
                "payload": {"job_id": job_id, "step": step, "total": 3},
            }
        assert await recv(ws) == {
            "action": "job_done",
            "payload": {"job_id": job_id, "result": f"report {job_id}: 3 steps done"},
        }
        again = await http.post("/api/jobs", json=request)
        assert again.status_code == 409  # arq keeps the finished job's id
    assert "run_report" in worker.output()
    assert "Traceback" not in worker.output()
    assert_quiet(server.process)
