"""The Dispatcher's backstop: work that raises is reported as Chanx's and does not stop the next."""

from __future__ import annotations

import asyncio

import pytest
import structlog

from chanx.core._dispatch import Dispatcher


@pytest.mark.parametrize("max_concurrent", [1, 3])
async def test_work_that_raises_is_logged_and_the_next_item_still_runs(max_concurrent: int) -> None:
    """In both modes an exception escaping the work is logged as chanx.dispatch.unexpected_error."""
    dispatcher = Dispatcher(max_concurrent, max_pending=4)
    done = asyncio.Event()

    async def broken(_: object) -> None:
        raise RuntimeError("boom")

    async def fine(_: object) -> None:
        done.set()

    with structlog.testing.capture_logs() as logs:
        await dispatcher.submit(broken, None)
        await dispatcher.submit(fine, None)
        await asyncio.wait_for(done.wait(), 1)
        await asyncio.sleep(0)
    await dispatcher.close()
    errors = [entry for entry in logs if entry["event"] == "chanx.dispatch.unexpected_error"]
    assert len(errors) == 1
    assert dispatcher.in_flight == 0
