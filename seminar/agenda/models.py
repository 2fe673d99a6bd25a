"""Rooms, drafting settings, the working draft and the published releases of a seminar's agenda.

The draft and every release hold the whole agenda as one JSON document (`snapshot.agenda_to_data`):
the editor reads and writes it in one piece, guarded by `version`, and a release is a frozen copy.
Times inside are ISO strings with the offset of the seminar's zone (aware, never naive).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from seminar.accounts.models import User
    from seminar.seminars.models import Seminar
    from seminar.submissions.models import Paper


class Room(Model):
    """A room of the seminar's venue. The first by position is the plenary hall."""

    id = fields.IntField(primary_key=True)
    seminar: fields.ForeignKeyRelation[Seminar] = fields.ForeignKeyField(
        "models.Seminar", related_name="agenda_rooms", on_delete=fields.CASCADE
    )
    seminar_id: int
    name = fields.CharField(max_length=100)
    capacity = fields.IntField(null=True)
    position = fields.IntField(default=0)

    class Meta:
        table = "agenda_room"
        ordering = ["position", "id"]


class AgendaSettings(Model):
    """What the automatic draft lays out: days, day times and minutes per kind of slot."""

    id = fields.IntField(primary_key=True)
    seminar: fields.OneToOneRelation[Seminar] = fields.OneToOneField(
        "models.Seminar", related_name="agenda_settings", on_delete=fields.CASCADE
    )
    seminar_id: int
    days: fields.JSONField[list[str]] = fields.JSONField(default=list)  # ISO dates
    day_start = fields.CharField(max_length=5, default="09:00")
    lunch_start = fields.CharField(max_length=5, default="12:00")  # empty: no lunch break
    lunch_end = fields.CharField(max_length=5, default="14:00")
    day_end = fields.CharField(max_length=5, default="17:30")
    keynote_minutes = fields.IntField(default=10)
    discussion_minutes = fields.IntField(default=20)
    per_speaker_minutes = fields.IntField(default=4)
    commentary_minutes = fields.IntField(default=10)
    break_minutes = fields.IntField(default=15)
    opening_minutes = fields.IntField(default=20)
    lecture_minutes = fields.IntField(default=60)
    lecture_title = fields.CharField(max_length=200, default="")
    lecturer = fields.CharField(max_length=100, default="")
    lecturer_unit = fields.CharField(max_length=200, default="")
    lecturer_position = fields.CharField(max_length=100, default="")
    # ISO date → when that day's 签到 opens ("08:30"), or "" for no 签到 that day; a day not here
    # opens its 签到 half an hour before its first session.
    sign_in: fields.JSONField[dict[str, str]] = fields.JSONField(default=dict)
    closing_commentary_minutes = fields.IntField(default=30)
    closing_minutes = fields.IntField(default=30)
    parallel_rooms = fields.BooleanField(default=False)

    class Meta:
        table = "agenda_settings"


class AgendaDraft(Model):
    """The organizers' working copy. `version` is bumped on every save: a stale edit is refused."""

    id = fields.IntField(primary_key=True)
    seminar: fields.OneToOneRelation[Seminar] = fields.OneToOneField(
        "models.Seminar", related_name="agenda_draft", on_delete=fields.CASCADE
    )
    seminar_id: int
    data: fields.JSONField[dict[str, Any]] = fields.JSONField()
    version = fields.IntField(default=1)
    updated_at = fields.DatetimeField(auto_now=True)
    updated_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="agenda_drafts_edited", null=True, on_delete=fields.SET_NULL
    )
    updated_by_id: int | None
    # The draft as it was before the last drafting from the decisions, for one undo (which swaps the two).
    previous_data: fields.JSONField[dict[str, Any] | None] = fields.JSONField(null=True)
    previous_saved_at = fields.DatetimeField(null=True)

    class Meta:
        table = "agenda_draft"


class AgendaRelease(Model):
    """A published version (v1, v2 …): never changed after it is created.

    `changelog` lists the changes since the previous release as objects with `kind`, `slot`
    and `summary` (in the publisher's language).
    """

    id = fields.IntField(primary_key=True)
    seminar: fields.ForeignKeyRelation[Seminar] = fields.ForeignKeyField(
        "models.Seminar", related_name="agenda_releases", on_delete=fields.CASCADE
    )
    seminar_id: int
    number = fields.IntField()
    data: fields.JSONField[dict[str, Any]] = fields.JSONField()
    changelog: fields.JSONField[list[dict[str, str]]] = fields.JSONField(default=list)
    published_at = fields.DatetimeField()
    published_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="agenda_releases_published", null=True, on_delete=fields.SET_NULL
    )
    published_by_id: int | None

    class Meta:
        table = "agenda_release"
        unique_together = (("seminar", "number"),)
        ordering = ["-number"]


class AgendaLeftOut(Model):
    """A decided paper an organizer leaves out of the agenda on purpose, and why.

    The agenda's checks stop asking where the paper goes, and drafting from the decisions passes
    over it. A new or removed decision takes the mark away (`submissions.consequences`).
    """

    id = fields.IntField(primary_key=True)
    seminar: fields.ForeignKeyRelation[Seminar] = fields.ForeignKeyField(
        "models.Seminar", related_name="agenda_left_out", on_delete=fields.CASCADE
    )
    seminar_id: int
    paper: fields.OneToOneRelation[Paper] = fields.OneToOneField(
        "models.Paper", related_name="agenda_left_out", on_delete=fields.CASCADE
    )
    paper_id: int
    reason = fields.CharField(max_length=300)
    left_out_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="agenda_papers_left_out", null=True, on_delete=fields.SET_NULL
    )
    left_out_by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "agenda_left_out"


class AgendaFile(Model):
    """An expensive export (PDF, .xlsx) of a release, made once and shared by every server process."""

    id = fields.IntField(primary_key=True)
    release: fields.ForeignKeyRelation[AgendaRelease] = fields.ForeignKeyField(
        "models.AgendaRelease", related_name="files", on_delete=fields.CASCADE
    )
    release_id: int
    kind = fields.CharField(max_length=20)
    locale = fields.CharField(max_length=10)
    content = fields.BinaryField()
    etag = fields.CharField(max_length=80)

    class Meta:
        table = "agenda_file"
        unique_together = (("release", "kind", "locale"),)
