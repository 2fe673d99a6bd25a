"""What organizers set for their book, and every build of it (queued, running, done, failed)."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from seminar.proceedings.progress import BuildStatus
from seminar.proceedings.styles import HouseStyle

if TYPE_CHECKING:
    from seminar.accounts.models import User
    from seminar.seminars.models import Seminar, Topic
    from seminar.submissions.models import Blob

DEFAULT_MARK = "内部资料 注意保存"


class BuildKind(StrEnum):
    """What a build typesets: the 论文集 (or one topic's volume), or the 会议手册 (`seminar.handbook`)."""

    BOOK = "book"
    HANDBOOK = "handbook"


class ProceedingsSettings(Model):
    """The 前言 and 后记 with their signatures, the cover mark and 编印 line, and which appendices the book has.

    The 点评 of the book is the commentary on each 专题 (`TopicCommentary`), never the reviewers'
    anonymous comments on the papers: the option that printed those is gone (migration 0014).
    """

    id = fields.IntField(primary_key=True)
    seminar: fields.OneToOneRelation[Seminar] = fields.OneToOneField(
        "models.Seminar", related_name="proceedings_settings", on_delete=fields.CASCADE
    )
    seminar_id: int
    preface = fields.TextField(default="")
    # Set apart under the 前言, right-aligned: who signs it (编者, or a unit) and the month (二〇二一年十一月).
    preface_signature = fields.CharField(max_length=100, default="")
    preface_date = fields.DateField(null=True)
    afterword = fields.TextField(default="")  # 后记; none when empty
    afterword_signature = fields.CharField(max_length=100, default="")
    afterword_date = fields.DateField(null=True)
    mark = fields.CharField(max_length=50, default=DEFAULT_MARK)
    # The cover's "…编印" line: the office that compiles the book; empty: the organizing unit's 全称.
    compiled_by = fields.CharField(max_length=100, default="")
    include_agenda = fields.BooleanField(default=True)
    include_participants = fields.BooleanField(default=False)
    # The book's typefaces and page: academic (Noto) or 公文 (GB/T 9704-like, see `styles.py`).
    house_style = fields.CharEnumField(HouseStyle, max_length=10, default=HouseStyle.ACADEMIC)
    # A tagged PDF declared PDF/UA-1 (screen readers, reflow); costs about a third more typesetting time.
    tagged_pdf = fields.BooleanField(default=False)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "proceedings_settings"


class ProceedingsBuild(Model):
    """One build of the whole book (volume None) or of the volume of one topic (volume = topic position).

    `dedupe_key` (seminar, volume, input hash) is unique while the build is queued, running or
    done: two requests for the same inputs get the same row, and an unchanged book is not built
    again. A failed build gives its key up, so asking again builds anew.
    """

    id = fields.IntField(primary_key=True)
    seminar: fields.ForeignKeyRelation[Seminar] = fields.ForeignKeyField(
        "models.Seminar", related_name="proceedings_builds", on_delete=fields.CASCADE
    )
    seminar_id: int
    # The same queue, worker and publishing serve the 会议手册: its builds have kind HANDBOOK and no volume.
    kind = fields.CharEnumField(BuildKind, max_length=10, default=BuildKind.BOOK)
    volume = fields.IntField(null=True)
    status = fields.CharEnumField(BuildStatus, max_length=10, default=BuildStatus.QUEUED, db_index=True)
    input_hash = fields.CharField(max_length=64)
    dedupe_key = fields.CharField(max_length=100, null=True, unique=True)
    requested_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="proceedings_builds", null=True, on_delete=fields.SET_NULL
    )
    requested_by_id: int | None
    requested_at = fields.DatetimeField(auto_now_add=True)
    claimed_by = fields.CharField(max_length=100, default="")
    attempts = fields.IntField(default=0)
    started_at = fields.DatetimeField(null=True)
    # While running, the building worker refreshes this every few seconds: a build whose
    # heartbeat is older than the lease has lost its worker and is taken over.
    heartbeat_at = fields.DatetimeField(null=True)
    # What the running build is doing (a `BuildStage`) and how far it got: `progress_done` of
    # `progress_total` (None: not known beforehand). The worker writes them while it typesets.
    stage = fields.CharField(max_length=20, default="")
    progress_done = fields.IntField(default=0)
    progress_total = fields.IntField(null=True)
    finished_at = fields.DatetimeField(null=True)
    seconds = fields.FloatField(null=True)
    pages = fields.IntField(null=True)
    size = fields.BigIntField(null=True)
    error = fields.TextField(default="")
    # Paper number (as text: JSON keys) → why its content was replaced by a notice.
    failed_papers: fields.JSONField[dict[str, str]] = fields.JSONField(default=dict)
    warnings: fields.JSONField[list[str]] = fields.JSONField(default=list)
    # Paper number (as text) → the manuscript version the build printed (None: no manuscript).
    manuscripts: fields.JSONField[dict[str, int | None]] = fields.JSONField(default=dict)
    # Numbers of the papers whose authors the build left out: under blind review when it was built.
    hidden_authors: fields.JSONField[list[int]] = fields.JSONField(default=list)
    blob: fields.ForeignKeyNullableRelation[Blob] = fields.ForeignKeyField(
        "models.Blob", related_name="proceedings_builds", null=True, on_delete=fields.RESTRICT
    )
    blob_id: str | None
    published = fields.BooleanField(default=False)
    published_at = fields.DatetimeField(null=True)
    # The request that asked for the build: the worker's lines about it carry the same id.
    request_id = fields.CharField(max_length=64, default="")

    @property
    def is_done(self) -> bool:
        return self.status == BuildStatus.DONE

    class Meta:
        table = "proceedings_build"
        ordering = ["-requested_at", "-id"]


class SpeechKind(StrEnum):
    """The two 领导讲话 a book prints before the topics, in this order."""

    OPENING = "opening"  # 开班讲话
    CLOSING = "closing"  # 总结讲话


class BookSpeech(Model):
    """A leader's speech at the seminar, as the book prints it, at most one of each kind per seminar."""

    id = fields.IntField(primary_key=True)
    seminar: fields.ForeignKeyRelation[Seminar] = fields.ForeignKeyField(
        "models.Seminar", related_name="book_speeches", on_delete=fields.CASCADE
    )
    seminar_id: int
    kind = fields.CharEnumField(SpeechKind, max_length=10)
    title = fields.CharField(max_length=200, default="")  # e.g. 在全省……研讨班开班式上的讲话
    speaker = fields.CharField(max_length=50, default="")
    position = fields.CharField(max_length=100, default="")  # 职务
    text = fields.TextField(default="")
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "book_speech"
        unique_together = (("seminar", "kind"),)


class TopicCommentary(Model):
    """One 专题点评: a commentator's text on a topic, printed after the topic's papers.

    The organizer adds it with the commentator's name, 单位 and 职务, and may name an account
    (`commentator`): that person then writes the text through their own login.
    """

    id = fields.IntField(primary_key=True)
    seminar: fields.ForeignKeyRelation[Seminar] = fields.ForeignKeyField(
        "models.Seminar", related_name="topic_commentaries", on_delete=fields.CASCADE
    )
    seminar_id: int
    topic: fields.ForeignKeyRelation[Topic] = fields.ForeignKeyField(
        "models.Topic", related_name="commentaries", on_delete=fields.CASCADE
    )
    topic_id: int
    commentator: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="topic_commentaries", null=True, on_delete=fields.SET_NULL
    )
    commentator_id: int | None
    name = fields.CharField(max_length=50)
    unit = fields.CharField(max_length=200, default="")
    position = fields.CharField(max_length=100, default="")  # 职务
    text = fields.TextField(default="")
    sort = fields.IntField(default=0)  # order within the topic, as the commentators speak
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "topic_commentary"
        ordering = ["sort", "id"]
