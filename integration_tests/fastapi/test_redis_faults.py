"""Redis faults under real uvicorn servers, on both of fast-channels' Redis layers.

The tests are ``chanx_redis_fault_suite.RedisFaultSuite``'s; this module serves its consumer
with uvicorn (``apps/chanx_redis_fault_app.py``) on the test's own Redis.
"""

from __future__ import annotations

from chanx_redis_fault_suite import RedisFaultSuite, ServerCommand
from fastapi_it import APPS_DIR, ROOT, uvicorn_args


class TestRedisFaultsUnderUvicorn(RedisFaultSuite):
    """The Redis fault tests against uvicorn serving a FastAPI app."""

    def server(self, port: int) -> ServerCommand:
        """Serve the fault app with uvicorn (its route ``/ws/room``)."""
        args = uvicorn_args("chanx_redis_fault_app:app", port, APPS_DIR)
        return ServerCommand(args=args, cwd=ROOT, path="/ws/room")
