"""The proceedings worker: builds queued books, beside the mail worker (RUN_WORKER or `seminar worker`).

Any number may run against one PostgreSQL database: `actions.claim_build` gives each build
to exactly one of them. The typesetting runs in a child process, so the loop stays free.
"""

from __future__ import annotations

import asyncio
import logging
import time

from seminar.mail.worker import default_worker_name, repeat_until_stopped
from seminar.operations.logs import working_for
from seminar.operations.metrics import BUILD_SECONDS
from seminar.proceedings import actions

logger = logging.getLogger(__name__)

POLL_SECONDS = 3.0


async def build_pending(worker_name: str = "") -> int:
    """Run every queued build once, oldest first; returns how many ran."""
    worker_name = worker_name or default_worker_name()
    await actions.recover_stale_builds()
    ran = 0
    while build := await actions.claim_build(worker_name):
        with working_for(build.request_id):
            started = time.monotonic()
            result = await actions.run_build(build)
            BUILD_SECONDS.labels(str(result.status)).observe(time.monotonic() - started)
            logger.info("proceedings build %s: %s", result.id, result.status)
        ran += 1
    return ran


async def run_forever(stop: asyncio.Event, worker_name: str = "", poll_seconds: float = POLL_SECONDS) -> None:
    """Build queued books every `poll_seconds` until `stop` is set; errors are logged, never fatal."""
    worker_name = worker_name or default_worker_name()
    await repeat_until_stopped(
        stop, poll_seconds, lambda: build_pending(worker_name), logger, f"proceedings worker {worker_name}: round failed"
    )
