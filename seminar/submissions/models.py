"""Papers, their authors and manuscript versions, content-addressed blobs, per-city deadline extensions."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

# Defined with the pure code that reads uploads; imported from here too (migrations, tests).
from seminar.submissions.intake import ManuscriptKind as ManuscriptKind

if TYPE_CHECKING:
    from seminar.accounts.models import Unit, User
    from seminar.seminars.models import Seminar, Topic


class PaperStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"


class FinalVersionStatus(StrEnum):
    """Where a final version (定稿) stands: waiting for the organizers, accepted for the book, or returned."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    RETURNED = "returned"
    # A newer final version came before the organizers looked at this one.
    SUPERSEDED = "superseded"


class Paper(Model):
    """A paper of one city for one topic of a seminar, known to everyone by its number (#12)."""

    id = fields.IntField(primary_key=True)
    seminar: fields.ForeignKeyRelation[Seminar] = fields.ForeignKeyField(
        "models.Seminar", related_name="papers", on_delete=fields.CASCADE
    )
    seminar_id: int
    # Deleting a topic must not delete the papers filed under it.
    topic: fields.ForeignKeyNullableRelation[Topic] = fields.ForeignKeyField(
        "models.Topic", related_name="papers", null=True, on_delete=fields.SET_NULL
    )
    topic_id: int | None
    city: fields.ForeignKeyRelation[Unit] = fields.ForeignKeyField(
        "models.Unit", related_name="papers", on_delete=fields.RESTRICT
    )
    city_id: int
    number = fields.IntField()
    title = fields.CharField(max_length=200)
    subtitle = fields.CharField(max_length=200, default="")
    abstract = fields.TextField(default="")
    keywords: fields.JSONField[list[str]] = fields.JSONField(default=list)
    status = fields.CharEnumField(PaperStatus, max_length=20, default=PaperStatus.DRAFT, db_index=True)
    originality_confirmed = fields.BooleanField(default=False)
    # Bumped on every change: a form opened before a change is refused, not applied.
    version = fields.IntField(default=1)
    # The version last sent in: a submitted paper changed since then may be submitted again.
    submitted_version = fields.IntField(null=True)
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="papers", null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
    submitted_at = fields.DatetimeField(null=True)
    withdrawn_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    authors: fields.ReverseRelation[Author]
    manuscripts: fields.ReverseRelation[Manuscript]

    class Meta:
        table = "paper"
        unique_together = (("seminar", "number"),)
        ordering = ["number"]

    def __str__(self) -> str:
        return f"#{self.number} {self.title}"


class Author(Model):
    """One author, kept apart from the manuscript so blind review can hide it."""

    id = fields.IntField(primary_key=True)
    paper: fields.ForeignKeyRelation[Paper] = fields.ForeignKeyField(
        "models.Paper", related_name="authors", on_delete=fields.CASCADE
    )
    paper_id: int
    position = fields.IntField()
    name = fields.CharField(max_length=100)
    unit = fields.CharField(max_length=200, default="")
    job_title = fields.CharField(max_length=100, default="")
    phone = fields.CharField(max_length=30, default="")
    email = fields.CharField(max_length=254, default="")
    is_contact = fields.BooleanField(default=False)
    is_presenter = fields.BooleanField(default=False)

    class Meta:
        table = "paper_author"
        ordering = ["position", "id"]


class Blob(Model):
    """Uploaded bytes, stored once per content (SHA-256) however many uploads carry them."""

    sha256 = fields.CharField(max_length=64, primary_key=True)
    size = fields.BigIntField()
    content = fields.BinaryField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "blob"


class Manuscript(Model):
    """One uploaded version of a paper's manuscript, with its text converted at upload."""

    id = fields.IntField(primary_key=True)
    paper: fields.ForeignKeyRelation[Paper] = fields.ForeignKeyField(
        "models.Paper", related_name="manuscripts", on_delete=fields.CASCADE
    )
    paper_id: int
    version = fields.IntField()
    blob: fields.ForeignKeyRelation[Blob] = fields.ForeignKeyField(
        "models.Blob", related_name="manuscripts", on_delete=fields.RESTRICT
    )
    blob_id: str
    # Shown and offered as the download name, never used as a path.
    original_filename = fields.CharField(max_length=255)
    content_type = fields.CharField(max_length=100)
    kind = fields.CharEnumField(ManuscriptKind, max_length=10)
    html = fields.TextField(default="")
    word_count = fields.IntField(null=True)
    # Names found in the document properties (blind review would reveal them).
    author_in_properties = fields.CharField(max_length=300, default="")
    uploaded_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="manuscripts", null=True, on_delete=fields.SET_NULL
    )
    uploaded_by_id: int | None
    uploaded_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "manuscript"
        unique_together = (("paper", "version"),)
        ordering = ["-version"]


class FinalVersion(Model):
    """A manuscript version the city sent as its final version (定稿) after a positive decision.

    The book prints the newest accepted one; until the organizers accept one it prints the
    version that was reviewed (`Decision.reviewed_version`).
    """

    id = fields.IntField(primary_key=True)
    manuscript: fields.OneToOneRelation[Manuscript] = fields.OneToOneField(
        "models.Manuscript", related_name="final_version", on_delete=fields.CASCADE
    )
    manuscript_id: int
    paper: fields.ForeignKeyRelation[Paper] = fields.ForeignKeyField(
        "models.Paper", related_name="final_versions", on_delete=fields.CASCADE
    )
    paper_id: int
    status = fields.CharEnumField(
        FinalVersionStatus, max_length=10, default=FinalVersionStatus.PENDING, db_index=True
    )
    reviewed_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="final_versions_reviewed", null=True, on_delete=fields.SET_NULL
    )
    reviewed_by_id: int | None
    reviewed_at = fields.DatetimeField(null=True)
    # Why the organizers returned it, as the city reads it.
    return_reason = fields.CharField(max_length=500, default="")

    class Meta:
        table = "final_version"
        ordering = ["id"]


class DeadlineExtension(Model):
    """A later submission deadline granted to one city."""

    id = fields.IntField(primary_key=True)
    seminar: fields.ForeignKeyRelation[Seminar] = fields.ForeignKeyField(
        "models.Seminar", related_name="deadline_extensions", on_delete=fields.CASCADE
    )
    seminar_id: int
    city: fields.ForeignKeyRelation[Unit] = fields.ForeignKeyField(
        "models.Unit", related_name="deadline_extensions", on_delete=fields.CASCADE
    )
    city_id: int
    until = fields.DatetimeField()
    granted_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="granted_extensions", null=True, on_delete=fields.SET_NULL
    )
    granted_by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "deadline_extension"
        unique_together = (("seminar", "city"),)
