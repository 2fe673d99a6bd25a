"""One person checked in (签到) for one day of a seminar, or for one session of that day."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from seminar.accounts.models import User
    from seminar.seminars.models import Seminar


class CheckInMethod(StrEnum):
    SCAN = "scan"  # the badge's QR code, opened or scanned by staff
    CODE = "code"  # the short code printed on the badge, typed in
    LIST = "list"  # picked from the list, found by name


class CheckIn(Model):
    """A person's 签到 for a day (`session_key` empty) or one session of the published agenda.

    Unique per seminar, person, day and session: a second scan finds this row and says when and by whom.
    """

    id = fields.IntField(primary_key=True)
    seminar: fields.ForeignKeyRelation[Seminar] = fields.ForeignKeyField(
        "models.Seminar", related_name="checkins", on_delete=fields.CASCADE
    )
    seminar_id: int
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="checkins", on_delete=fields.CASCADE
    )
    user_id: int
    day = fields.DateField()
    # The key of a session of the published agenda, or "" for the whole day.
    session_key = fields.CharField(max_length=64, default="")
    session_title = fields.CharField(max_length=200, default="")
    at = fields.DatetimeField()
    by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="checkins_taken", null=True, on_delete=fields.SET_NULL
    )
    by_id: int | None
    method = fields.CharEnumField(CheckInMethod, max_length=10)

    class Meta:
        table = "checkin"
        unique_together = (("seminar", "user", "day", "session_key"),)
        ordering = ["at", "id"]
