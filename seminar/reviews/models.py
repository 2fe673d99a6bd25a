"""Review criteria and settings, reviewer profiles, conflicts, bids, assignments and reviews of one seminar."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from seminar.accounts.models import User
    from seminar.seminars.models import Seminar
    from seminar.submissions.models import Paper


class ConflictSource(StrEnum):
    AUTOMATIC = "automatic"
    DECLARED = "declared"
    ORGANIZER = "organizer"


class Preference(StrEnum):
    WANT = "want"
    WILLING = "willing"
    UNWILLING = "unwilling"


class Recommendation(StrEnum):
    KEYNOTE = "keynote"
    DISCUSSION = "discussion"
    PROCEEDINGS = "proceedings"
    DECLINE = "decline"


class ReviewStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class Criterion(Model):
    """One weighted criterion of the review form of a seminar (选题 15, 观点 25 …)."""

    id = fields.IntField(primary_key=True)
    seminar: fields.ForeignKeyRelation[Seminar] = fields.ForeignKeyField(
        "models.Seminar", related_name="criteria", on_delete=fields.CASCADE
    )
    seminar_id: int
    position = fields.IntField()
    name = fields.CharField(max_length=50)
    description = fields.CharField(max_length=300, default="")
    max_points = fields.IntField()

    class Meta:
        table = "review_criterion"
        ordering = ["position", "id"]


class ReviewSettings(Model):
    """How reviews are shown: to fellow reviewers of a paper, and later to the city of the authors."""

    id = fields.IntField(primary_key=True)
    seminar: fields.OneToOneRelation[Seminar] = fields.OneToOneField(
        "models.Seminar", related_name="review_settings", on_delete=fields.CASCADE
    )
    seminar_id: int
    # A reviewer reads the others' reviews of a paper only after submitting their own: no anchoring.
    reviews_visible_after_own = fields.BooleanField(default=True)
    authors_see_comments = fields.BooleanField(default=False)
    # The ranking flags a paper whose reviewers' totals differ by more than this many points.
    disagreement_points = fields.IntField(default=20)
    version = fields.IntField(default=1)
    # Loads of every reviewer in automatic assignment, unless their profile says otherwise:
    # hard bounds, shown on that page. The defaults (0, no maximum) can never make it impossible.
    min_load = fields.IntField(default=0)
    max_load = fields.IntField(null=True)
    # How much a topic of expertise and the text of a reviewer's profile weigh in automatic
    # assignment next to bids (想审 +3, 可以 +1, 不想审 −2); see reviews/affinity.py.
    topic_weight = fields.FloatField(default=2.0)
    text_weight = fields.FloatField(default=3.0)

    class Meta:
        table = "review_settings"


class ReviewerProfile(Model):
    """What a reviewer knows about (topic ids of the seminar) and how many papers they take at least and at most."""

    id = fields.IntField(primary_key=True)
    seminar: fields.ForeignKeyRelation[Seminar] = fields.ForeignKeyField(
        "models.Seminar", related_name="reviewer_profiles", on_delete=fields.CASCADE
    )
    seminar_id: int
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="reviewer_profiles", on_delete=fields.CASCADE
    )
    user_id: int
    topic_ids: fields.JSONField[list[int]] = fields.JSONField(default=list)
    # None: the seminar's setting (ReviewSettings.min_load / max_load).
    min_load = fields.IntField(null=True)
    max_load = fields.IntField(null=True)
    note = fields.CharField(max_length=300, default="")
    # What the reviewer knows, in their words: matched against the papers' text (reviews/affinity.py).
    keywords = fields.CharField(max_length=300, default="")
    description = fields.CharField(max_length=2000, default="")

    class Meta:
        table = "reviewer_profile"
        unique_together = (("seminar", "user"),)


class Conflict(Model):
    """A declared or organizer-set conflict. Lifting keeps the row, so the history stays readable.

    Conflicts from units (the reviewer's unit is the paper's city or belongs to it) are not stored:
    they follow the units and are computed wherever papers and reviewers meet. An organizer
    lifts one for a pair with a `UnitConflictLift`.
    """

    id = fields.IntField(primary_key=True)
    seminar: fields.ForeignKeyRelation[Seminar] = fields.ForeignKeyField(
        "models.Seminar", related_name="conflicts", on_delete=fields.CASCADE
    )
    seminar_id: int
    paper: fields.ForeignKeyRelation[Paper] = fields.ForeignKeyField(
        "models.Paper", related_name="conflicts", on_delete=fields.CASCADE
    )
    paper_id: int
    reviewer: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="conflicts", on_delete=fields.CASCADE
    )
    reviewer_id: int
    source = fields.CharEnumField(ConflictSource, max_length=20)
    reason = fields.CharField(max_length=300, default="")
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="conflicts_created", null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)
    lifted_at = fields.DatetimeField(null=True)
    lifted_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="conflicts_lifted", null=True, on_delete=fields.SET_NULL
    )
    lifted_by_id: int | None
    lift_reason = fields.CharField(max_length=300, default="")

    class Meta:
        table = "review_conflict"
        ordering = ["created_at", "id"]


class UnitConflictLift(Model):
    """An organizer lifts the conflict by unit of one reviewer with one paper, with a reason.

    Re-imposing the conflict keeps the row (who, when, why), so the history stays readable, and
    lifting it again adds a new row. A lift is in force while reimposed_at is empty.
    """

    id = fields.IntField(primary_key=True)
    seminar: fields.ForeignKeyRelation[Seminar] = fields.ForeignKeyField(
        "models.Seminar", related_name="unit_conflict_lifts", on_delete=fields.CASCADE
    )
    seminar_id: int
    paper: fields.ForeignKeyRelation[Paper] = fields.ForeignKeyField(
        "models.Paper", related_name="unit_conflict_lifts", on_delete=fields.CASCADE
    )
    paper_id: int
    reviewer: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="unit_conflict_lifts", on_delete=fields.CASCADE
    )
    reviewer_id: int
    reason = fields.CharField(max_length=300)
    lifted_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="unit_conflicts_lifted", null=True, on_delete=fields.SET_NULL
    )
    lifted_by_id: int | None
    lifted_at = fields.DatetimeField(auto_now_add=True)
    reimposed_at = fields.DatetimeField(null=True)
    reimposed_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="unit_conflicts_reimposed", null=True, on_delete=fields.SET_NULL
    )
    reimposed_by_id: int | None
    reimpose_reason = fields.CharField(max_length=300, default="")

    class Meta:
        table = "review_unit_conflict_lift"
        ordering = ["lifted_at", "id"]


class Bid(Model):
    """The wish of a reviewer about one paper: 想审 / 可以 / 不想审."""

    id = fields.IntField(primary_key=True)
    seminar: fields.ForeignKeyRelation[Seminar] = fields.ForeignKeyField(
        "models.Seminar", related_name="bids", on_delete=fields.CASCADE
    )
    seminar_id: int
    paper: fields.ForeignKeyRelation[Paper] = fields.ForeignKeyField(
        "models.Paper", related_name="bids", on_delete=fields.CASCADE
    )
    paper_id: int
    reviewer: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="bids", on_delete=fields.CASCADE
    )
    reviewer_id: int
    preference = fields.CharEnumField(Preference, max_length=20)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "review_bid"
        unique_together = (("paper", "reviewer"),)


class Assignment(Model):
    """A reviewer asked to review a paper. A declined one stays, with the reason, and is not asked again."""

    id = fields.IntField(primary_key=True)
    seminar: fields.ForeignKeyRelation[Seminar] = fields.ForeignKeyField(
        "models.Seminar", related_name="assignments", on_delete=fields.CASCADE
    )
    seminar_id: int
    paper: fields.ForeignKeyRelation[Paper] = fields.ForeignKeyField(
        "models.Paper", related_name="assignments", on_delete=fields.CASCADE
    )
    paper_id: int
    reviewer: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="assignments", on_delete=fields.CASCADE
    )
    reviewer_id: int
    created_at = fields.DatetimeField(auto_now_add=True)
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="assignments_made", null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
    declined_at = fields.DatetimeField(null=True)
    decline_reason = fields.CharField(max_length=500, default="")

    review: fields.BackwardOneToOneRelation[Review]

    class Meta:
        table = "review_assignment"
        unique_together = (("paper", "reviewer"),)


class Review(Model):
    """Scores per criterion (criterion id → points), 点评, a note for organizers, a recommendation."""

    id = fields.IntField(primary_key=True)
    assignment: fields.OneToOneRelation[Assignment] = fields.OneToOneField(
        "models.Assignment", related_name="review", on_delete=fields.CASCADE
    )
    assignment_id: int
    scores: fields.JSONField[dict[str, int]] = fields.JSONField(default=dict)
    # What a draft holds in score inputs that is no valid score (criterion id → the text as typed, e.g. "30"
    # in a field of 25 points): kept so that nothing typed is lost, never counted. Empty once submitted.
    typed_scores: fields.JSONField[dict[str, str]] = fields.JSONField(default=dict)
    total = fields.IntField(null=True)
    comment_to_authors = fields.TextField(default="")
    confidential_note = fields.TextField(default="")
    recommendation = fields.CharEnumField(Recommendation, max_length=20, null=True)
    confidence = fields.IntField(null=True)
    status = fields.CharEnumField(ReviewStatus, max_length=20, default=ReviewStatus.DRAFT)
    # Bumped on every save: a save from a page opened before the last save is refused, not applied.
    version = fields.IntField(default=1)
    submitted_at = fields.DatetimeField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "review"

    @property
    def is_submitted(self) -> bool:
        return self.status is ReviewStatus.SUBMITTED


class Outcome(StrEnum):
    """Where a decision puts a paper; the values match `Recommendation` (and the agenda's and book's)."""

    KEYNOTE = "keynote"  # 重点发言
    DISCUSSION = "discussion"  # 研讨交流
    PROCEEDINGS = "proceedings"  # 仅收入论文集
    DECLINE = "decline"  # 不采用


class Award(StrEnum):
    """Award grades; the values match `scoring.AWARD_GRADES`."""

    FIRST = "first"  # 一等奖
    SECOND = "second"  # 二等奖
    THIRD = "third"  # 三等奖
    EXCELLENCE = "excellence"  # 优秀奖


class Decision(Model):
    """The organizers' decision on a paper, and what the decision mail told the city (notified_…).

    A decision whose outcome or award differs from the notified one is mailed again; the city
    reads the notified one, so a change shows only once it is released.
    """

    id = fields.IntField(primary_key=True)
    seminar: fields.ForeignKeyRelation[Seminar] = fields.ForeignKeyField(
        "models.Seminar", related_name="decisions", on_delete=fields.CASCADE
    )
    seminar_id: int
    paper: fields.OneToOneRelation[Paper] = fields.OneToOneField(
        "models.Paper", related_name="decision", on_delete=fields.CASCADE
    )
    paper_id: int
    outcome = fields.CharEnumField(Outcome, max_length=20)
    award = fields.CharEnumField(Award, max_length=20, null=True)
    decided_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="decisions_made", null=True, on_delete=fields.SET_NULL
    )
    decided_by_id: int | None
    decided_at = fields.DatetimeField()
    # The manuscript version current when the paper was first decided: the version that was
    # reviewed, which the book prints until the organizers accept a final version.
    reviewed_version = fields.IntField(null=True)
    notified_at = fields.DatetimeField(null=True)
    notified_outcome = fields.CharEnumField(Outcome, max_length=20, null=True)
    notified_award = fields.CharEnumField(Award, max_length=20, null=True)
    # Bumped whenever the outcome or the award changes.
    version = fields.IntField(default=1)

    class Meta:
        table = "review_decision"

    @property
    def needs_mail(self) -> bool:
        return self.notified_at is None or (self.outcome, self.award) != (self.notified_outcome, self.notified_award)
