"""The worker's heartbeat rows: written every few seconds, removed when the worker stops."""

from __future__ import annotations

import datetime as dt

from seminar.operations.models import WorkerHeartbeat

# A worker killed without stopping leaves its row; after a day nobody needs it to tell anything.
FORGET_AFTER = dt.timedelta(days=1)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def record_heartbeat(name: str, started_at: dt.datetime) -> None:
    now = _now()
    if not await WorkerHeartbeat.filter(name=name).update(beat_at=now):
        await WorkerHeartbeat.create(name=name, started_at=started_at, beat_at=now)
        await WorkerHeartbeat.filter(beat_at__lt=now - FORGET_AFTER).delete()


async def forget_worker(name: str) -> None:
    await WorkerHeartbeat.filter(name=name).delete()
