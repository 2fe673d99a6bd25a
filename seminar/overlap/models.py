"""The 查重 index (fingerprints of every indexed text), the checks, their matches, the reference library."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from seminar.accounts.models import User
    from seminar.seminars.models import Seminar
    from seminar.submissions.models import Blob, Manuscript, Paper


class CheckState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class OverlapSettings(Model):
    """A seminar's 查重 settings: when a paper is flagged, and whether reviewers read its report."""

    id = fields.IntField(primary_key=True)
    seminar: fields.OneToOneRelation[Seminar] = fields.OneToOneField(
        "models.Seminar", related_name="overlap_settings", on_delete=fields.CASCADE
    )
    seminar_id: int
    # 去除引用复制比 at or above this (0..1) flags the paper on the list.
    threshold = fields.FloatField(default=0.3)
    reviewers_see_reports = fields.BooleanField(default=False)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "overlap_settings"


class ReferenceDocument(Model):
    """A document of a seminar's reference library (policy documents, speeches): sharing its text is 引用."""

    id = fields.IntField(primary_key=True)
    seminar: fields.ForeignKeyRelation[Seminar] = fields.ForeignKeyField(
        "models.Seminar", related_name="reference_documents", on_delete=fields.CASCADE
    )
    seminar_id: int
    title = fields.CharField(max_length=200)
    original_filename = fields.CharField(max_length=255)
    blob: fields.ForeignKeyRelation[Blob] = fields.ForeignKeyField(
        "models.Blob", related_name="reference_documents", on_delete=fields.RESTRICT
    )
    blob_id: str
    uploaded_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="reference_documents", null=True, on_delete=fields.SET_NULL
    )
    uploaded_by_id: int | None
    uploaded_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "reference_document"
        ordering = ["title", "id"]


class OverlapSource(Model):
    """One indexed text: the newest checked manuscript of a paper, or a reference document."""

    id = fields.IntField(primary_key=True)
    seminar: fields.ForeignKeyRelation[Seminar] = fields.ForeignKeyField(
        "models.Seminar", related_name="overlap_sources", on_delete=fields.CASCADE
    )
    seminar_id: int
    paper: fields.ForeignKeyNullableRelation[Paper] = fields.ForeignKeyField(
        "models.Paper", related_name="overlap_sources", null=True, on_delete=fields.CASCADE
    )
    paper_id: int | None
    manuscript: fields.ForeignKeyNullableRelation[Manuscript] = fields.ForeignKeyField(
        "models.Manuscript", related_name="overlap_sources", null=True, on_delete=fields.CASCADE
    )
    manuscript_id: int | None
    document: fields.ForeignKeyNullableRelation[ReferenceDocument] = fields.ForeignKeyField(
        "models.ReferenceDocument", related_name="overlap_sources", null=True, on_delete=fields.CASCADE
    )
    document_id: int | None
    text = fields.TextField()  # the plain text as read from the file
    normalised = fields.TextField()  # what is compared (seminar.textsim.normalise)
    indexed_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "overlap_source"

    @property
    def is_library(self) -> bool:
        return self.document_id is not None


class OverlapFingerprint(Model):
    """One winnowed fingerprint of an indexed text: the index the new text's fingerprints are looked up in."""

    id = fields.BigIntField(primary_key=True)
    hash = fields.BigIntField(db_index=True)
    # indexed too (migration 0018), for the ON DELETE CASCADE when a paper's older version leaves
    source: fields.ForeignKeyRelation[OverlapSource] = fields.ForeignKeyField(
        "models.OverlapSource", related_name="fingerprints", on_delete=fields.CASCADE
    )
    source_id: int
    position = fields.IntField()

    class Meta:
        table = "overlap_fingerprint"


class OverlapCheck(Model):
    """The 查重 of one submitted manuscript version: its state, progress and ratios."""

    id = fields.IntField(primary_key=True)
    seminar: fields.ForeignKeyRelation[Seminar] = fields.ForeignKeyField(
        "models.Seminar", related_name="overlap_checks", on_delete=fields.CASCADE
    )
    seminar_id: int
    paper: fields.ForeignKeyRelation[Paper] = fields.ForeignKeyField(
        "models.Paper", related_name="overlap_checks", on_delete=fields.CASCADE
    )
    paper_id: int
    manuscript: fields.OneToOneRelation[Manuscript] = fields.OneToOneField(
        "models.Manuscript", related_name="overlap_check", on_delete=fields.CASCADE
    )
    manuscript_id: int
    state = fields.CharEnumField(CheckState, max_length=10, default=CheckState.QUEUED, db_index=True)
    error = fields.CharField(max_length=500, default="")
    progress_done = fields.IntField(default=0)
    progress_total = fields.IntField(null=True)
    # Normalised characters checked, and the ratios (0..1) once done.
    length = fields.IntField(null=True)
    copied = fields.FloatField(null=True)
    copied_without_quotation = fields.FloatField(null=True)
    claimed_by = fields.CharField(max_length=200, default="")
    requested_at = fields.DatetimeField()
    started_at = fields.DatetimeField(null=True)
    finished_at = fields.DatetimeField(null=True)

    matches: fields.ReverseRelation[OverlapMatch]

    class Meta:
        table = "overlap_check"


class OverlapMatch(Model):
    """What a checked text shares with one source: its passages, and an organizer's word that it is acceptable."""

    id = fields.IntField(primary_key=True)
    overlap_check: fields.ForeignKeyRelation[OverlapCheck] = fields.ForeignKeyField(
        "models.OverlapCheck", related_name="matches", on_delete=fields.CASCADE
    )
    overlap_check_id: int
    source: fields.ForeignKeyRelation[OverlapSource] = fields.ForeignKeyField(
        "models.OverlapSource", related_name="matches", on_delete=fields.CASCADE
    )
    source_id: int
    library = fields.BooleanField(default=False)
    shared_characters = fields.IntField()
    # [start, end, original start, original end, source original start, source original end] per passage:
    # normalised offsets of the checked text (for the ratios), original offsets of both texts (to show them).
    passages: fields.JSONField[list[list[int]]] = fields.JSONField(default=list)
    acceptable = fields.BooleanField(default=False)
    acceptable_reason = fields.CharField(max_length=500, default="")
    marked_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="overlap_marks", null=True, on_delete=fields.SET_NULL
    )
    marked_by_id: int | None
    marked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "overlap_match"
        ordering = ["-shared_characters", "id"]
