"""The arq worker: runs jobs the web process enqueued and streams their progress to clients.

Run it next to the web server, with the same ``REDIS_URL`` and ``CHANX_LAYER_PREFIX``::

    REDIS_URL=redis://127.0.0.1:6379/0 python -m arq fastapi_chat.worker.WorkerSettings
"""

from __future__ import annotations

from typing import Any, ClassVar

from arq.connections import RedisSettings
from arq.worker import func

from fastapi_chat.jobs import JOB_FUNCTION, build_report
from fastapi_chat.settings import Settings, configure_channel_layer

SETTINGS = Settings.from_env()


async def run_report(ctx: dict[str, Any], job_id: str, steps: int, delay: float) -> str:
    """The arq job: build a report, sending typed progress events to its watchers."""
    return await build_report(job_id, steps, delay)


async def startup(ctx: dict[str, Any]) -> None:
    """Register the channel layer, so the job's events reach the web processes."""
    configure_channel_layer(SETTINGS)


class WorkerSettings:
    """What ``arq`` reads: the job functions, the Redis server and the queue."""

    # Registered under the name the web process enqueues it by.
    functions: ClassVar[list[Any]] = [func(run_report, name=JOB_FUNCTION)]
    on_startup = startup
    redis_settings = RedisSettings.from_dsn(SETTINGS.redis_url or "redis://127.0.0.1:6379/0")
    queue_name = SETTINGS.job_queue
    keep_result = 60
