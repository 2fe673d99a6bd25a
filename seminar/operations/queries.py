"""What /readyz checks and what a metrics scrape reads from the database."""

from __future__ import annotations

import asyncio
import datetime as dt
import importlib
import pkgutil
from dataclasses import dataclass
from typing import Any

from tortoise import connections
from tortoise.functions import Count
from tortoise.migrations.recorder import MigrationRecorder
from tortoise.queryset import QuerySet

from seminar.db import column, is_connection_lost
from seminar.mail.models import MailStatus, OutboxMail
from seminar.mail.queries import count_by_status
from seminar.operations.metrics import DatabaseReading
from seminar.operations.models import WorkerHeartbeat
from seminar.proceedings.models import BuildStatus, ProceedingsBuild
from seminar.proceedings.typeset import check_fonts

MIGRATIONS_PACKAGE = "migrations"
MIGRATIONS_APP = "models"
# Three missed beats: the worker is gone or its loop is stuck.
WORKER_SILENT = dt.timedelta(seconds=60)
UNSENT = (MailStatus.PENDING, MailStatus.SENDING)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def _failure(error: Exception) -> str:
    """What went wrong, without the driver's message (it may name the host, the user or a value)."""
    kind = "unreachable" if is_connection_lost(error) else "failed"
    return f"{kind} ({type(error).__name__})"


async def _database() -> Check:
    try:
        await connections.get("default").execute_query("SELECT 1")
    except Exception as error:  # noqa: BLE001  # any failure means "not ready", said as such
        return Check("database", False, _failure(error))
    return Check("database", True, "answers")


def migrations_on_disk() -> set[str]:
    package = importlib.import_module(MIGRATIONS_PACKAGE)
    return {name for _finder, name, is_package in pkgutil.iter_modules(package.__path__) if not is_package and name[0] not in "_~"}


async def pending_migrations() -> list[str]:
    applied = await MigrationRecorder(connections.get("default")).applied_migrations()
    done = {key.name for key in applied if key.app_label == MIGRATIONS_APP}
    return sorted(migrations_on_disk() - done)


async def _migrations() -> Check:
    pending = await pending_migrations()
    if pending:
        return Check("migrations", False, "not applied: " + ", ".join(pending))
    return Check("migrations", True, "all applied")


async def _fonts() -> Check:
    missing = await asyncio.to_thread(check_fonts)
    if missing:
        return Check("fonts", False, "missing: " + ", ".join(missing))
    return Check("fonts", True, "all present")


async def _latest(query: QuerySet[Any], field: str) -> dt.datetime | None:
    """The latest value of a time `field` among the rows of `query`, None without any."""
    rows = await column(query.filter(**{f"{field}__isnull": False}).order_by(f"-{field}").limit(1), field)
    return rows[0] if rows else None


async def last_heartbeat() -> dt.datetime | None:
    return await _latest(WorkerHeartbeat.all(), "beat_at")


async def _worker() -> Check:
    beat = await last_heartbeat()
    if beat is None:
        return Check("worker", False, "no worker has reported (RUN_WORKER=false and no `seminar worker` running?)")
    age = (_now() - beat).total_seconds()
    return Check("worker", age <= WORKER_SILENT.total_seconds(), f"last heartbeat {age:.0f} s ago")


async def readiness() -> list[Check]:
    """The database, the migrations, the fonts and the worker's heartbeat, each ok or not and why."""
    database = await _database()
    if not database.ok:
        unchecked = "not checked: the database does not answer"
        return [database, Check("migrations", False, unchecked), await _fonts(), Check("worker", False, unchecked)]
    return [database, await _migrations(), await _fonts(), await _worker()]


async def database_reading() -> DatabaseReading:
    """The outbox, the builds and the heartbeat, as the metrics show them (five small queries)."""
    now = _now()
    oldest = await column(OutboxMail.filter(status__in=UNSENT).order_by("created_at").limit(1), "created_at")
    builds = await (
        ProceedingsBuild.all().annotate(number=Count("id")).group_by("status").values_list("status", "number")
    )
    counts = dict.fromkeys((status.value for status in BuildStatus), 0)
    counts.update({str(status): number for status, number in builds})
    last_failure = await _latest(ProceedingsBuild.filter(status=BuildStatus.FAILED), "finished_at")
    beat = await last_heartbeat()
    return DatabaseReading(
        mails=await count_by_status(OutboxMail.all()),
        oldest_unsent_mail_seconds=(now - oldest[0]).total_seconds() if oldest else 0.0,
        builds=counts,
        last_build_failure=last_failure.timestamp() if last_failure else None,
        last_heartbeat_seconds=(now - beat).total_seconds() if beat else None,
    )


async def database_server() -> tuple[str, str]:
    """The database's kind and version, as its server reports them ("" when it does not answer)."""
    connection = connections.get("default")
    postgres = connection.capabilities.dialect == "postgres"
    kind = "PostgreSQL server" if postgres else "SQLite"
    try:
        _count, rows = await connection.execute_query("SHOW server_version" if postgres else "SELECT sqlite_version()")
    except Exception as error:  # noqa: BLE001  # the report says it, and goes on
        return kind, f"{_failure(error)}"
    return kind, str(next(iter(dict(rows[0]).values())))
