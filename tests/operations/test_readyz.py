"""/readyz: 200 when the database answers, every migration is applied, the book's fonts are there and
a worker beat lately; otherwise 503 naming what failed. /healthz stays the cheap liveness check."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from tortoise import connections
from tortoise.migrations.recorder import MigrationRecorder

from seminar.db import is_postgres
from seminar.operations.background import beat_forever
from seminar.operations.models import WorkerHeartbeat
from seminar.operations.queries import migrations_on_disk
from tests.conftest import Client
from tests.faults.network import TcpProxy
from tests.faults.processes import served_site
from tests.proceedings.test_actions import _no_fonts


async def readiness(client: httpx.AsyncClient) -> tuple[int, dict]:  # type: ignore[type-arg]
    response = await client.get("/readyz")
    assert response.headers["cache-control"] == "no-store"
    return response.status_code, response.json()


async def beat(seconds_ago: float = 0) -> None:
    now = dt.datetime.now(dt.UTC)
    await WorkerHeartbeat.create(name="host:4242", started_at=now, beat_at=now - dt.timedelta(seconds=seconds_ago))


async def test_ready_when_everything_is_in_place(client: Client) -> None:
    await beat(seconds_ago=5)

    status, body = await readiness(client)

    assert status == 200 and body["status"] == "ready" and body["failed"] == []
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True, "migrations": True, "fonts": True, "worker": True,
    }
    assert body["checks"]["worker"]["detail"] == "last heartbeat 5 s ago"


async def test_the_workers_heartbeat_makes_it_ready_and_stopping_removes_it(client: Client) -> None:
    stop = asyncio.Event()
    beating = asyncio.create_task(beat_forever(stop, "host:1", seconds=0.05))
    for _attempt in range(100):
        if await WorkerHeartbeat.exists():
            break
        await asyncio.sleep(0.05)

    ready, _body = await readiness(client)
    stop.set()
    await beating
    gone, body = await readiness(client)

    assert ready == 200
    assert gone == 503 and body["failed"] == ["worker"]
    assert body["checks"]["worker"]["detail"].startswith("no worker has reported")


async def test_a_silent_worker_is_not_ready(client: Client) -> None:
    await beat(seconds_ago=300)

    status, body = await readiness(client)

    assert status == 503 and body["status"] == "not ready" and body["failed"] == ["worker"]
    assert body["checks"]["worker"] == {"ok": False, "detail": "last heartbeat 300 s ago"}
    # The liveness check does not care.
    assert (await client.get("/healthz")).status_code == 200


async def test_a_migration_not_applied_is_named(client: Client) -> None:
    await beat()
    latest = max(migrations_on_disk())
    recorder = MigrationRecorder(connections.get("default"))
    await recorder.record_unapplied("models", latest)
    try:
        status, body = await readiness(client)
    finally:
        await recorder.record_applied("models", latest)

    assert status == 503 and body["failed"] == ["migrations"]
    assert body["checks"]["migrations"] == {"ok": False, "detail": f"not applied: {latest}"}
    assert (await readiness(client))[0] == 200


async def test_missing_fonts_are_named(client: Client, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    await beat()
    _no_fonts(monkeypatch, tmp_path)

    status, body = await readiness(client)

    assert status == 503 and body["failed"] == ["fonts"]
    assert body["checks"]["fonts"]["detail"] == (
        "missing: Noto Serif CJK SC, Noto Sans CJK SC, Noto Serif CJK TC, Noto Sans CJK TC"
    )


async def test_a_lost_database_is_named_and_what_needs_it_is_not_checked(database: str, tmp_path: Path) -> None:
    if not is_postgres(database):
        pytest.skip("SQLite has no connection to lose: the file is opened inside the process")
    target = urlsplit(database)
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 5432).start()
    site_database = f"postgres://{target.netloc.rsplit('@', 1)[0]}@127.0.0.1:{proxy.port}{target.path}"
    try:
        with served_site(site_database, tmp_path) as base_url:
            async with httpx.AsyncClient(base_url=base_url) as client:
                proxy.cut()
                status, body = await readiness(client)
                proxy.restore()
                healed, _body = await readiness(client)
    finally:
        proxy.stop()

    assert status == 503 and body["failed"] == ["database", "migrations", "worker"]
    assert body["checks"]["database"]["detail"].startswith("unreachable (")
    assert body["checks"]["worker"]["detail"] == "not checked: the database does not answer"
    assert body["checks"]["fonts"]["ok"] is True
    # No worker runs beside that site (RUN_WORKER=false): once the database is back, only that is missing.
    assert healed == 503 and _body["failed"] == ["worker"]
