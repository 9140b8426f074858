"""Redis faults under real daphne servers, on both of channels_redis' layers.

The tests are ``chanx_redis_fault_suite.RedisFaultSuite``'s; this module serves its consumer
with daphne (``support/chanx_redis_fault_django.py``) on the test's own Redis.
"""

from __future__ import annotations

import sys
from pathlib import Path

from chanx_redis_fault_suite import RedisFaultSuite, ServerCommand

SUPPORT = Path(__file__).resolve().parent / "support"


class TestRedisFaultsUnderDaphne(RedisFaultSuite):
    """The Redis fault tests against daphne serving a Django Channels project."""

    def server(self, port: int) -> ServerCommand:
        """Serve the fault project with daphne (its route ``/ws/room/``; it sets itself up)."""
        app = "chanx_redis_fault_django:application"
        args = [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), app]
        env = {"DJANGO_SETTINGS_MODULE": ""}
        return ServerCommand(args=args, cwd=SUPPORT, path="/ws/room/", env=env)
