"""The background work of a process (RUN_WORKER, or `seminar worker`): mail, builds, and a heartbeat
that tells /readyz the worker is alive."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import socket

from seminar.config import Settings
from seminar.mail import worker as mail_worker
from seminar.mail.worker import log_failed_round, repeat_until_stopped
from seminar.operations import actions
from seminar.overlap import worker as overlap_worker
from seminar.proceedings import worker as proceedings_worker
from seminar.proceedings.parts import use_data_dir

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 10.0


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


async def beat_forever(stop: asyncio.Event, name: str = "", seconds: float = HEARTBEAT_SECONDS) -> None:
    """Record a heartbeat every `seconds` until `stop` is set, then remove it.

    It beats from its own task, so a round that takes long (a book typesets for minutes) does not
    silence it: it says the worker's process runs; the outbox's oldest mail and the builds'
    own heartbeats say whether the work moves."""
    name = name or worker_name()
    started = dt.datetime.now(dt.UTC)
    await repeat_until_stopped(
        stop, seconds, lambda: actions.record_heartbeat(name, started), logger, f"worker {name}: heartbeat not recorded"
    )
    try:
        await actions.forget_worker(name)
    except Exception as error:  # noqa: BLE001  # stopping anyway: the row ages out
        log_failed_round(logger, f"worker {name}: heartbeat not removed", error)


async def run_workers(settings: Settings, stop: asyncio.Event) -> None:
    """Mail, builds, 查重 checks and the heartbeat, until `stop` is set."""
    use_data_dir(settings.data_dir)  # the books built here keep their parts there
    await asyncio.gather(
        mail_worker.run_forever(settings, stop),
        proceedings_worker.run_forever(stop),
        overlap_worker.run_forever(stop),
        beat_forever(stop),
    )
