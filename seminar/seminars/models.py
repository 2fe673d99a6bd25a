"""A seminar (研讨班) and its topics (专题); everything seminar-scoped hangs off `Seminar`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from seminar.accounts.models import Unit


class Seminar(Model):
    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=50, unique=True)
    title = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    organizer_unit: fields.ForeignKeyNullableRelation[Unit] = fields.ForeignKeyField(
        "models.Unit", related_name="organized_seminars", null=True, on_delete=fields.SET_NULL
    )
    organizer_unit_id: int | None
    venue = fields.CharField(max_length=200, default="")
    starts_on = fields.DateField()
    ends_on = fields.DateField()
    submission_opens_at = fields.DatetimeField(null=True)
    submission_deadline = fields.DatetimeField(null=True)
    review_deadline = fields.DatetimeField(null=True)
    notification_on = fields.DateField(null=True)
    # Cities with a positive decision upload their final version (定稿) until then; None: no deadline.
    final_version_deadline = fields.DatetimeField(null=True)
    reviews_per_paper = fields.IntField(default=3)
    blind_review = fields.BooleanField(default=True)
    # Papers one city may submit; None means no limit.
    city_quota = fields.IntField(null=True)
    proceedings_public = fields.BooleanField(default=False)
    time_zone = fields.CharField(max_length=50, default="Asia/Shanghai")
    # Incremented on every save through the settings form: a stale form is refused.
    version = fields.IntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    topics: fields.ReverseRelation[Topic]

    class Meta:
        table = "seminar"
        ordering = ["-starts_on", "id"]

    def __str__(self) -> str:
        return self.title


class Topic(Model):
    id = fields.IntField(primary_key=True)
    seminar: fields.ForeignKeyRelation[Seminar] = fields.ForeignKeyField(
        "models.Seminar", related_name="topics", on_delete=fields.CASCADE
    )
    seminar_id: int
    position = fields.IntField()
    title = fields.CharField(max_length=200)
    description = fields.TextField(default="")

    class Meta:
        table = "topic"
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title
