"""The audit log: who changed what, when and from where."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from seminar.accounts.models import User
    from seminar.seminars.models import Seminar


class AuditEntry(Model):
    """One state-changing request by a signed-in person, kept for the retention period."""

    id = fields.IntField(primary_key=True)
    at = fields.DatetimeField(auto_now_add=True, db_index=True)
    # Names are copied: the entry must still say who it was after the account is gone.
    user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="audit_entries", null=True, on_delete=fields.SET_NULL
    )
    user_id: int | None
    user_email = fields.CharField(max_length=254, default="", db_index=True)
    user_name = fields.CharField(max_length=100, default="")
    seminar: fields.ForeignKeyNullableRelation[Seminar] = fields.ForeignKeyField(
        "models.Seminar", related_name="audit_entries", null=True, on_delete=fields.SET_NULL
    )
    seminar_id: int | None
    action = fields.CharField(max_length=100, db_index=True)
    method = fields.CharField(max_length=10)
    path = fields.CharField(max_length=500)
    target: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    field_names: fields.JSONField[list[str]] = fields.JSONField(default=list)
    status_code = fields.IntField()
    ip = fields.CharField(max_length=45, default="")
    user_agent = fields.CharField(max_length=200, default="")

    class Meta:
        table = "audit_entry"
        ordering = ["-id"]
