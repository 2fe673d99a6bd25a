"""The 查重 worker: runs queued checks, beside the mail and book workers (RUN_WORKER or `seminar worker`).

Any number may run against one PostgreSQL database: `actions.claim_check` gives each check to
exactly one of them.
"""

from __future__ import annotations

import asyncio
import logging

from seminar.mail.worker import default_worker_name, repeat_until_stopped
from seminar.overlap import actions

logger = logging.getLogger(__name__)

POLL_SECONDS = 3.0


async def check_pending(worker_name: str = "") -> int:
    """Run every queued check once, oldest first; returns how many ran."""
    worker_name = worker_name or default_worker_name()
    await actions.recover_stale_checks()
    ran = 0
    while check := await actions.claim_check(worker_name):
        result = await actions.run_check(check)
        logger.info("overlap check %s: %s", result.id, result.state)
        ran += 1
    return ran


async def run_forever(stop: asyncio.Event, worker_name: str = "", poll_seconds: float = POLL_SECONDS) -> None:
    """Run queued checks every `poll_seconds` until `stop` is set; errors are logged, never fatal."""
    worker_name = worker_name or default_worker_name()
    await repeat_until_stopped(
        stop, poll_seconds, lambda: check_pending(worker_name), logger, f"overlap worker {worker_name}: round failed"
    )
