"""The background job, and how the web process starts it: on arq with Redis, in-process without.

The job reports its progress as typed events to the group of the connections watching it, so
the same code works in the web process and in the arq worker: only the channel layer connects
them.
"""

from __future__ import annotations

import asyncio
from typing import Literal

from arq import create_pool
from arq.connections import ArqRedis, RedisSettings

from fastapi_chat.consumers import JobsConsumer, job_group
from fastapi_chat.messages import (
    JobDoneEvent,
    JobProgress,
    JobProgressEvent,
    JobResult,
)
from fastapi_chat.settings import Settings

JOB_FUNCTION = "run_report"
"""The arq name of the job (the worker's function of that name)."""


async def build_report(job_id: str, steps: int, delay: float) -> str:
    """Do the job's work in steps, reporting each to the job's watchers.

    Args:
        job_id: The job's id; its watchers are in :func:`~fastapi_chat.consumers.job_group`.
        steps: How many steps to do.
        delay: Seconds each step takes (the work is simulated).

    Returns:
        A summary of the result, also sent to the watchers in a ``job_done`` message.
    """
    groups = [job_group(job_id)]
    for step in range(1, steps + 1):
        await asyncio.sleep(delay)
        progress = JobProgress(job_id=job_id, step=step, total=steps)
        await JobsConsumer.broadcast_event(JobProgressEvent(payload=progress), groups=groups)
    result = f"report {job_id}: {steps} steps done"
    await JobsConsumer.broadcast_event(
        JobDoneEvent(payload=JobResult(job_id=job_id, result=result)), groups=groups
    )
    return result


class DuplicateJobError(Exception):
    """A job with this id is already queued, running or recently finished."""


class JobRunner:
    """Starts jobs: enqueues them for the arq worker with Redis, runs them here without.

    Args:
        settings: The app's settings.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._pool: ArqRedis | None = None
        self._tasks: set[asyncio.Task[str]] = set()

    @property
    def where(self) -> Literal["arq", "inline"]:
        """``arq`` when jobs go to the worker, ``inline`` when they run in this process."""
        return "arq" if self.settings.redis_url else "inline"

    async def start(self) -> None:
        """Connect to Redis when jobs go to the worker."""
        if self.settings.redis_url:
            self._pool = await create_pool(
                RedisSettings.from_dsn(self.settings.redis_url),
                default_queue_name=self.settings.job_queue,
            )

    async def submit(self, job_id: str, steps: int, delay: float) -> None:
        """Start a job.

        Args:
            job_id: The job's id, chosen by the client.
            steps: How many steps the job does.
            delay: Seconds per step.

        Raises:
            DuplicateJobError: When arq already knows a job with this id.
        """
        if self._pool is None:
            task = asyncio.create_task(build_report(job_id, steps, delay))
            self._tasks.add(task)  # keep a reference until it finishes
            task.add_done_callback(self._tasks.discard)
            return
        # arq's own keys are global; the prefix keeps this app's job ids apart from others'.
        arq_id = f"{self.settings.prefix}:{job_id}"
        job = await self._pool.enqueue_job(JOB_FUNCTION, job_id, steps, delay, _job_id=arq_id)
        if job is None:
            raise DuplicateJobError(job_id)

    async def close(self) -> None:
        """Cancel in-process jobs and disconnect from Redis."""
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._pool is not None:
            await self._pool.aclose()
            self._pool = None
