"""The mail worker: sends due outbox mail, in the web process (RUN_WORKER) or alone (`seminar worker`).

Any number of workers may run against one PostgreSQL database: the claim in
`seminar.mail.actions.claim_due_mails` hands each mail to exactly one of them.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable

from seminar.config import Settings
from seminar.db import is_connection_lost
from seminar.mail import actions
from seminar.operations.logs import working_for
from seminar.workers import default_worker_name

logger = logging.getLogger(__name__)


def log_failed_round(log: logging.Logger, message: str, error: Exception) -> None:
    """A traceback for a fault; one line for a database that is away (it may be for minutes, every round)."""
    if is_connection_lost(error):
        log.warning("%s: database unavailable (%s: %s), trying again", message, type(error).__name__, error)
    else:
        log.error("%s", message, exc_info=error)


async def repeat_until_stopped(
    stop: asyncio.Event, seconds: float, one_round: Callable[[], Awaitable[object]], log: logging.Logger, failure: str,
) -> None:
    """Run `one_round` every `seconds` until `stop` is set (waking at once when it is). A round's
    error is logged (`failure` says whose) and never ends the loop: a database hiccup passes, and
    the next round tries again. The mail, book, 查重 and heartbeat workers all run this way."""
    while not stop.is_set():
        try:
            await one_round()
        except Exception as error:  # noqa: BLE001  # see the docstring
            log_failed_round(log, failure, error)
        try:
            await asyncio.wait_for(stop.wait(), timeout=seconds)
        except TimeoutError:
            pass


async def send_pending(settings: Settings, worker_name: str = "", batch_size: int = actions.BATCH_SIZE) -> int:
    """Try every mail due now once; returns how many were sent.

    Without SMTP settings nothing is sent: mail waits in the outbox, where organizers read it.
    Mail that fails now is rescheduled after this call started, so it is not tried twice here.
    """
    if not settings.smtp_configured:
        return 0
    worker_name = worker_name or default_worker_name()
    started = dt.datetime.now(dt.UTC)
    await actions.release_stale_claims(worker_name)
    sent = 0
    while batch := await actions.claim_due_mails(worker_name, due_before=started, limit=batch_size):
        for mail in batch:
            with working_for(mail.request_id):
                sent += await actions.deliver(settings, mail, worker_name)
    return sent


async def run_forever(settings: Settings, stop: asyncio.Event, worker_name: str = "") -> None:
    """Send due mail every `mail_poll_seconds` until `stop` is set; errors are logged, never fatal."""
    worker_name = worker_name or default_worker_name()
    if not settings.smtp_configured:
        logger.info("mail worker %s: no SMTP_HOST, mail stays in the outbox", worker_name)

    async def one_round() -> None:
        if sent := await send_pending(settings, worker_name):
            logger.info("mail worker %s: sent %d mail", worker_name, sent)

    await repeat_until_stopped(
        stop, settings.mail_poll_seconds, one_round, logger, f"mail worker {worker_name}: sending round failed"
    )
