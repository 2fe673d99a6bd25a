"""The workers' heartbeats: readiness asks when a worker last showed it was alive."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class WorkerHeartbeat(Model):
    """One running worker process, which writes `beat_at` every few seconds and removes its row when it stops.

    The mail and build loops of a web process (RUN_WORKER) or of `seminar worker` beat as one."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100, unique=True)  # host:pid, as its log lines name it
    started_at = fields.DatetimeField()
    beat_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "worker_heartbeat"
