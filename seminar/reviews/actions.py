"""Changing review state: criteria, settings, profiles, bids and conflicts, assignments, reviews.

Each function runs in one transaction. Assignment mails go to the outbox inside it, so an
assignment is never made without its mail queued, nor a mail sent for an assignment not made.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from seminar.accounts.models import Role, RoleName, User
from seminar.db import LOCK, changed, column, instance, is_sqlite, rows, selected
from seminar.errors import UserError
from seminar.i18n import _
from seminar.mail.batches import MailBatchKind
from seminar.mail.outbox import new_batch, queue_mail, wordings_for
from seminar.reviews import rules, scoring
from seminar.reviews.models import (
    Assignment,
    Bid,
    Conflict,
    ConflictSource,
    Criterion,
    Preference,
    Recommendation,
    Review,
    ReviewerProfile,
    ReviewSettings,
    ReviewStatus,
    UnitConflictLift,
)
from seminar.reviews.overview import review_progress
from seminar.reviews.proposals import load_bounds
from seminar.reviews.queries import conflict_map, criteria_of, criterion_specs, settings_of
from seminar.reviews.sheets import Judgement, SheetRow
from seminar.seminars.models import Seminar, Topic
from seminar.submissions.models import Paper, PaperStatus

DECLARE_CONFLICT = "conflict"


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class StaleReview(UserError):
    """The review was saved elsewhere (another tab) after this page was opened."""


async def ensure_criteria(seminar: Seminar) -> list[Criterion]:
    """The seminar's criteria, created from the defaults the first time they are needed."""
    existing = await criteria_of(seminar)
    if existing:  # as nearly always: no transaction to open and close
        return existing
    async with in_transaction():
        await Seminar.filter(id=seminar.id).select_for_update().first()
        if await Criterion.exists(seminar_id=seminar.id):  # another request created them meanwhile
            return await Criterion.filter(seminar_id=seminar.id).order_by("position", "id")
        for position, (name, description, max_points) in enumerate(rules.DEFAULT_CRITERIA, start=1):
            await Criterion.create(
                seminar_id=seminar.id, position=position, name=name, description=description, max_points=max_points
            )
    return await Criterion.filter(seminar_id=seminar.id).order_by("position", "id")


async def ensure_settings(seminar: Seminar) -> ReviewSettings:
    settings, _created = await ReviewSettings.get_or_create(seminar_id=seminar.id)
    return settings


@dataclass(frozen=True)
class CriterionRow:
    """One row of the review-form page: an existing criterion (id) or a new one (None); no name removes it."""

    id: int | None
    name: str
    description: str
    max_points: int | None


async def save_review_form(
    seminar: Seminar, rows: Sequence[CriterionRow], visible_after_own: bool, authors_see_comments: bool,
    disagreement_points: int | None = None,
) -> None:
    """Replace the criteria by the rows, in their order, and store the two visibility settings and
    the ranking's disagreement threshold (None: unchanged).

    Once a review is submitted the criteria are fixed: changing them would change totals already given.
    """
    kept = [row for row in rows if row.name]
    if not kept:
        raise UserError(_("The review form needs at least one criterion."))
    if any(row.max_points is None or row.max_points < 1 for row in kept):
        raise UserError(_("Every criterion needs a maximum of at least 1 point."))
    if disagreement_points is not None and disagreement_points < 1:
        raise UserError(_("The disagreement threshold is at least 1 point."), field="disagreement_points")
    async with in_transaction():
        current = {c.id: c for c in await Criterion.filter(seminar_id=seminar.id)}
        wanted = [(row.id, row.name, row.description, row.max_points) for row in kept]
        unchanged = [(c.id, c.name, c.description, c.max_points) for c in sorted(current.values(), key=lambda c: (c.position, c.id))]
        shape_changed = [(i, m) for i, _n, _d, m in wanted] != [(i, m) for i, _n, _d, m in unchanged]
        if shape_changed and await Review.exists(assignment__seminar_id=seminar.id, status=ReviewStatus.SUBMITTED):
            raise UserError(
                _("Reviews have been submitted with these criteria: names and descriptions may change, "
                  "but not the criteria themselves or their points.")
            )
        for criterion_id in set(current) - {row.id for row in kept if row.id is not None}:
            await Criterion.filter(id=criterion_id).delete()
        for position, row in enumerate(kept, start=1):
            values: dict[str, Any] = {"position": position, "name": row.name, "description": row.description, "max_points": row.max_points}
            if row.id is not None and row.id in current:
                await Criterion.filter(id=row.id).update(**values)
            else:
                await Criterion.create(seminar_id=seminar.id, **values)
        settings, _created = await ReviewSettings.get_or_create(seminar_id=seminar.id)
        settings.reviews_visible_after_own = visible_after_own
        settings.authors_see_comments = authors_see_comments
        if disagreement_points is not None:
            settings.disagreement_points = disagreement_points
        settings.version += 1
        await settings.save()


async def save_profile(
    seminar: Seminar, reviewer: User, topic_ids: Iterable[int], max_load: int | None, note: str,
    min_load: int | None = None, keywords: str | None = None, description: str | None = None,
) -> ReviewerProfile:
    """A reviewer's topics, note, own load bounds (None: the seminar's) and expertise in words (None: unchanged)."""
    if not await Role.exists(seminar_id=seminar.id, user_id=reviewer.id, name=RoleName.REVIEWER):
        raise UserError(_("%(name)s is not a reviewer of this seminar.", name=reviewer.name))
    valid = set(await column(Topic.filter(seminar_id=seminar.id), "id"))
    chosen = sorted(set(topic_ids) & valid)
    _check_loads(min_load, max_load)
    async with in_transaction():
        profile, _created = await ReviewerProfile.update_or_create(
            seminar_id=seminar.id, user_id=reviewer.id,
            defaults={"topic_ids": chosen, "min_load": min_load, "max_load": max_load, "note": note,
                      **_expertise(keywords, description)},
        )
    return profile


def _expertise(keywords: str | None, description: str | None) -> dict[str, str]:
    found = {"keywords": keywords, "description": description}
    return {name: value for name, value in found.items() if value is not None}


async def save_expertise(seminar: Seminar, reviewer: User, keywords: str, description: str) -> ReviewerProfile:
    """The reviewer's own keywords and description of their expertise (the rest of the profile is the organizers')."""
    if not await Role.exists(seminar_id=seminar.id, user_id=reviewer.id, name=RoleName.REVIEWER):
        raise UserError(_("%(name)s is not a reviewer of this seminar.", name=reviewer.name))
    async with in_transaction():
        profile, _created = await ReviewerProfile.update_or_create(
            seminar_id=seminar.id, user_id=reviewer.id, defaults=_expertise(keywords, description),
        )
    return profile


async def save_load_settings(seminar: Seminar, min_load: int, max_load: int | None,
                             topic_weight: float | None = None, text_weight: float | None = None) -> None:
    """The seminar's bounds on each reviewer's papers in automatic assignment (profiles may override them),
    and the weights of topics and text in its affinity (None: unchanged)."""
    _check_loads(min_load, max_load)
    async with in_transaction():
        settings, _created = await ReviewSettings.get_or_create(seminar_id=seminar.id)
        settings.min_load, settings.max_load = min_load, max_load
        if topic_weight is not None:
            settings.topic_weight = topic_weight
        if text_weight is not None:
            settings.text_weight = text_weight
        await settings.save(update_fields=["min_load", "max_load", "topic_weight", "text_weight"])


def _check_loads(min_load: int | None, max_load: int | None) -> None:
    if max_load is not None and max_load < 0:
        raise UserError(_("The maximum number of papers cannot be negative."), field="max_load")
    if min_load is not None and min_load < 0:
        raise UserError(_("The minimum number of papers cannot be negative."), field="min_load")
    if min_load is not None and max_load is not None and min_load > max_load:
        raise UserError(_("The minimum number of papers cannot be above the maximum."), field="min_load")


async def _withdraw_assignment_for_conflict(paper_id: int, reviewer_id: int, reason: str) -> None:
    """A conflict found after assignment ends it; a review written so far stays stored, unseen."""
    await Assignment.filter(paper_id=paper_id, reviewer_id=reviewer_id, declined_at__isnull=True).update(
        declined_at=now(), decline_reason=reason
    )


async def save_bids(seminar: Seminar, reviewer: User, choices: Mapping[int, str], visible_paper_ids: set[int]) -> int:
    """Store the reviewer's preferences (or declared conflicts) for the papers shown to them; returns how many."""
    saved = 0
    async with in_transaction():
        for paper_id, choice in choices.items():
            if paper_id not in visible_paper_ids:
                continue
            declared = await Conflict.filter(
                paper_id=paper_id, reviewer_id=reviewer.id, source=ConflictSource.DECLARED, lifted_at__isnull=True
            ).first()
            if choice == DECLARE_CONFLICT:
                await Bid.filter(paper_id=paper_id, reviewer_id=reviewer.id).delete()
                if declared is None:
                    reason = _("Declared by the reviewer.")
                    await Conflict.create(
                        seminar_id=seminar.id, paper_id=paper_id, reviewer_id=reviewer.id,
                        source=ConflictSource.DECLARED, reason=reason, created_by_id=reviewer.id,
                    )
                    await _withdraw_assignment_for_conflict(paper_id, reviewer.id, reason)
                saved += 1
                continue
            try:
                preference = Preference(choice)
            except ValueError:
                continue
            if declared is not None:  # choosing a preference takes one's own declaration back
                declared.lifted_at, declared.lifted_by_id = now(), reviewer.id
                declared.lift_reason = _("Withdrawn by the reviewer.")
                await declared.save()
            await Bid.update_or_create(
                seminar_id=seminar.id, paper_id=paper_id, reviewer_id=reviewer.id, defaults={"preference": preference}
            )
            saved += 1
    return saved


async def set_conflict(seminar: Seminar, paper: Paper, reviewer: User, reason: str, by: User) -> Conflict:
    """An organizer marks a conflict; any assignment of the pair ends with it."""
    if not reason.strip():
        raise UserError(_("Give a reason for the conflict."), field="reason")
    if not await Role.exists(seminar_id=seminar.id, user_id=reviewer.id, name=RoleName.REVIEWER):
        raise UserError(_("%(name)s is not a reviewer of this seminar.", name=reviewer.name))
    async with in_transaction():
        if await Conflict.exists(paper_id=paper.id, reviewer_id=reviewer.id, lifted_at__isnull=True):
            raise UserError(_("%(name)s already has a conflict with this paper.", name=reviewer.name))
        conflict = await Conflict.create(
            seminar_id=seminar.id, paper_id=paper.id, reviewer_id=reviewer.id,
            source=ConflictSource.ORGANIZER, reason=reason.strip(), created_by_id=by.id,
        )
        await _withdraw_assignment_for_conflict(paper.id, reviewer.id, reason.strip())
    return conflict


async def lift_conflict(conflict: Conflict, reason: str, by: User) -> None:
    """Lift a stored conflict; the row stays with who lifted it, when and why."""
    if not reason.strip():
        raise UserError(_("Give a reason for lifting the conflict."), field="lift_reason")
    changed = await Conflict.filter(id=conflict.id, lifted_at__isnull=True).update(
        lifted_at=now(), lifted_by_id=by.id, lift_reason=reason.strip()
    )
    if not changed:
        raise UserError(_("This conflict was already lifted."))


async def lift_unit_conflict(seminar: Seminar, paper: Paper, reviewer: User, reason: str, by: User) -> UnitConflictLift:
    """Lift the conflict by unit of one reviewer with one paper: from now on the pair may be assigned."""
    if not reason.strip():
        raise UserError(_("Give a reason for lifting the conflict."), field="reason")
    if not await Role.exists(seminar_id=seminar.id, user_id=reviewer.id, name=RoleName.REVIEWER):
        raise UserError(_("%(name)s is not a reviewer of this seminar.", name=reviewer.name))
    await reviewer.fetch_related("unit")
    unit = reviewer.unit
    if unit is None or not rules.is_automatic_conflict(unit.id, unit.parent_id, paper.city_id):
        raise UserError(_("%(name)s has no conflict by unit with this paper.", name=reviewer.name))
    async with in_transaction():
        if await UnitConflictLift.exists(paper_id=paper.id, reviewer_id=reviewer.id, reimposed_at__isnull=True):
            raise UserError(_("This conflict was already lifted."))
        return await UnitConflictLift.create(
            seminar_id=seminar.id, paper_id=paper.id, reviewer_id=reviewer.id, reason=reason.strip(), lifted_by_id=by.id
        )


async def reimpose_unit_conflict(paper: Paper, reviewer: User, reason: str, by: User) -> None:
    """Put a lifted conflict by unit back in force; the lift stays in the history, and an assignment of the pair ends."""
    if not reason.strip():
        raise UserError(_("Give a reason for re-imposing the conflict."), field="reason")
    async with in_transaction():
        changed = await UnitConflictLift.filter(paper_id=paper.id, reviewer_id=reviewer.id, reimposed_at__isnull=True).update(
            reimposed_at=now(), reimposed_by_id=by.id, reimpose_reason=reason.strip()
        )
        if not changed:
            raise UserError(_("This conflict is already in force."))
        await _withdraw_assignment_for_conflict(paper.id, reviewer.id, reason.strip())


@dataclass(frozen=True)
class MailLinks:
    """Absolute addresses for mail: the reviewer's list of reviews."""

    my_reviews_url: str


async def _queue_assignment_mail(
    seminar: Seminar, reviewer: User, papers: Sequence[Paper], links: MailLinks, batch_id: int | None = None
) -> None:
    await queue_mail(
        template="reviews/assigned",
        to_address=reviewer.email,
        to_name=reviewer.name,
        locale=reviewer.locale,
        context={
            "seminar": seminar,
            # Titles only: the city and authors stay out of a reviewer's mail, as out of their pages.
            "papers": [{"number": p.number, "title": p.title} for p in papers],
            "review_deadline": seminar.review_deadline,
            "my_reviews_url": links.my_reviews_url,
        },
        seminar_id=seminar.id,
        batch_id=batch_id,
    )


async def _assignable_problem(seminar: Seminar, paper: Paper, reviewer: User) -> str | None:
    """Why the pair may not be assigned, whatever the organizer's intent (conflicts, roles, status)."""
    if paper.status is not PaperStatus.SUBMITTED:
        return _("Paper #%(number)s is not submitted.", number=paper.number)
    if not await Role.exists(seminar_id=seminar.id, user_id=reviewer.id, name=RoleName.REVIEWER):
        return _("%(name)s is not a reviewer of this seminar.", name=reviewer.name)
    await reviewer.fetch_related("unit")
    conflicts = await conflict_map(seminar, [reviewer], [paper])
    if (note := conflicts.get((paper.id, reviewer.id))) is not None:
        return _("%(name)s has a conflict with paper #%(number)s: %(reason)s",
                 name=reviewer.name, number=paper.number, reason=note.reason)
    return None


async def assign(seminar: Seminar, paper: Paper, reviewer: User, by: User, links: MailLinks, force: bool = False) -> Assignment:
    """Assign one reviewer to one paper and queue the mail. `force` passes over the reviewer's maximum load, never a conflict."""
    if (problem := await _assignable_problem(seminar, paper, reviewer)) is not None:
        raise UserError(problem)
    async with in_transaction():
        existing = await Assignment.filter(paper_id=paper.id, reviewer_id=reviewer.id).select_for_update().first()
        if existing is not None and existing.declined_at is None:
            raise UserError(_("%(name)s already reviews paper #%(number)s.", name=reviewer.name, number=paper.number))
        profile = await ReviewerProfile.get_or_none(seminar_id=seminar.id, user_id=reviewer.id)
        _minimum, maximum = load_bounds(await settings_of(seminar), profile)
        load = await Assignment.filter(
            seminar_id=seminar.id, reviewer_id=reviewer.id, declined_at__isnull=True, paper__status=PaperStatus.SUBMITTED
        ).count()
        if not force and maximum is not None and load >= maximum:
            raise UserError(
                _("%(name)s already has %(count)s papers, the maximum set for them. Assign anyway to go beyond it.",
                  name=reviewer.name, count=load)
            )
        if existing is not None:  # asked again after declining
            existing.declined_at, existing.decline_reason, existing.created_by_id = None, "", by.id
            await existing.save()
            assignment = existing
        else:
            try:
                assignment = await Assignment.create(
                    seminar_id=seminar.id, paper_id=paper.id, reviewer_id=reviewer.id, created_by_id=by.id
                )
            except IntegrityError as error:
                raise UserError(_("%(name)s already reviews paper #%(number)s.", name=reviewer.name, number=paper.number)) from error
        await _queue_assignment_mail(seminar, reviewer, [paper], links)
    return assignment


async def unassign(assignment: Assignment) -> None:
    """Remove an assignment, unless its review is submitted: a submitted review is never thrown away."""
    async with in_transaction():
        review = await Review.get_or_none(assignment_id=assignment.id)
        if review is not None and review.status is ReviewStatus.SUBMITTED:
            raise UserError(_("This review is already submitted and cannot be removed."))
        await Assignment.filter(id=assignment.id).delete()


async def apply_assignments(
    seminar: Seminar, pairs: Sequence[tuple[int, int]], by: User, links: MailLinks
) -> int:
    """Create the proposed (paper id, reviewer id) assignments that are still missing, in one transaction.

    Every pair is checked again: one that became conflicted or was assigned meanwhile stops the
    whole application, so nothing is half applied.
    """
    papers = {p.id: p for p in await Paper.filter(seminar_id=seminar.id, id__in=[p for p, _r in pairs])}
    reviewers = {u.id: u for u in await User.filter(id__in=[r for _p, r in pairs]).select_related("unit")}
    async with in_transaction():
        await Seminar.filter(id=seminar.id).select_for_update().first()
        conflicts = await conflict_map(seminar, list(reviewers.values()), list(papers.values()))
        existing = set(await Assignment.filter(seminar_id=seminar.id).values_list("paper_id", "reviewer_id"))
        new_by_reviewer: dict[int, list[Paper]] = {}
        for paper_id, reviewer_id in pairs:
            paper, reviewer = papers.get(paper_id), reviewers.get(reviewer_id)
            if paper is None or reviewer is None or paper.status is not PaperStatus.SUBMITTED:
                raise UserError(_("The papers changed since the proposal was made. Look at the new proposal."))
            if (paper_id, reviewer_id) in conflicts:
                raise UserError(_("%(name)s has a conflict with paper #%(number)s: %(reason)s",
                                  name=reviewer.name, number=paper.number, reason=conflicts[(paper_id, reviewer_id)].reason))
            if (paper_id, reviewer_id) in existing:
                raise UserError(_("The assignments changed since the proposal was made. Look at the new proposal."))
            await Assignment.create(seminar_id=seminar.id, paper_id=paper_id, reviewer_id=reviewer_id, created_by_id=by.id)
            new_by_reviewer.setdefault(reviewer_id, []).append(paper)
        batch_id = await new_batch(seminar.id, MailBatchKind.ASSIGNMENTS) if new_by_reviewer else None
        for reviewer_id, new_papers in new_by_reviewer.items():
            await _queue_assignment_mail(
                seminar, reviewers[reviewer_id], sorted(new_papers, key=lambda p: p.number), links, batch_id
            )
    return len(pairs)


async def decline_assignment(assignment: Assignment, reason: str) -> None:
    if not reason.strip():
        raise UserError(_("Tell the organizers why you decline."), field="reason")
    async with in_transaction():
        review = await Review.get_or_none(assignment_id=assignment.id)
        if review is not None and review.status is ReviewStatus.SUBMITTED:
            raise UserError(_("You have submitted this review: it can no longer be declined."))
        changed = await Assignment.filter(id=assignment.id, declined_at__isnull=True).update(
            declined_at=now(), decline_reason=reason.strip()[:500]
        )
        if not changed:
            raise UserError(_("You have already declined this paper."))


@dataclass(frozen=True)
class ReviewInput:
    """What the review form sends: scores already read by `rules.read_scores`, and the text of the score
    inputs that are no valid score (`typed_scores`), which a draft keeps and a submitted review never has."""

    scores: dict[str, int]
    comment_to_authors: str
    confidential_note: str
    recommendation: str
    confidence: int | None
    typed_scores: dict[str, str] = field(default_factory=dict)


def withdrawn_message() -> str:
    return _("The city has withdrawn this paper: your review is kept as it is, but it cannot be changed "
             "unless the paper is sent in again.")


def _ensure_open(seminar: Seminar) -> None:
    if not rules.is_review_open(now(), seminar.review_deadline):
        raise UserError(rules.review_closed_message())


@functools.cache
def _locked_paper_and_review_sql() -> str:
    """The paper's status and the review (NULLs before the first save), both rows locked, the paper's
    first as ever (PostgreSQL scans the left side of a LEFT JOIN without a join clause first): one
    statement for what were two. The review is locked in its own part, so a row saved while this
    waited for the paper's lock is read as now stored, as a second statement would have read it."""
    return f"""
        WITH locked_paper AS (SELECT status FROM paper WHERE id = $1 {LOCK}),
             locked_review AS (SELECT {selected(Review, "r")} FROM review r WHERE r.assignment_id = $2 {LOCK})
        SELECT locked_paper.status AS paper_status, locked_review.* FROM locked_paper
        LEFT JOIN locked_review ON 1 = 1"""


@functools.cache
def _update_unchanged_review_sql(names: tuple[str, ...], sqlite: bool) -> str:
    """An UPDATE of the fields `names` ($4…) of the review $1 that applies only while its version is still
    $2 and its paper $3 still submitted, the paper's row share-locked until it is done (the paper first,
    as in the locked read: a withdrawal waits for the save, or the save for it and then finds it)."""
    projection = Review._meta.fields_db_projection
    assignments = ", ".join(f'"{projection[name]}" = ${n}' for n, name in enumerate(names, start=5))
    lock = "" if sqlite else " FOR SHARE"  # SQLite lets one writer at a time in
    return f"""
        UPDATE review SET {assignments}
        WHERE id = $1 AND version = $2 AND EXISTS (SELECT 1 FROM paper WHERE id = $3 AND status = $4{lock})"""


async def _update_unchanged_review(review: Review, paper_id: int, fields: dict[str, Any]) -> bool:
    """Store `fields` in `review` if it is still as read (its version unchanged) and its paper still
    submitted: one statement, no transaction. Whether it was stored."""
    names = tuple(fields)
    fields_map = Review._meta.fields_map
    values = [review.id, review.version, paper_id, PaperStatus.SUBMITTED.value,
              *(fields_map[name].to_db_value(fields[name], Review) for name in names)]
    return await changed(_update_unchanged_review_sql(names, is_sqlite()), values) == 1


def _stale_review() -> StaleReview:
    return StaleReview(
        _("This review was changed in another tab or window since you opened it. Nothing you typed is lost: "
          "copy what you need, then reload the page."),
        field="version",
    )


def _review_fields(review: Review | None, values: ReviewInput, specs: Sequence[rules.CriterionSpec],
                   submit: bool) -> dict[str, Any]:
    """What a save stores over `review` (None: the first save), every field but `updated_at`; a
    submission (or a change to a submitted review) with a field missing or invalid is refused."""
    recommendation = Recommendation(values.recommendation) if values.recommendation in {r.value for r in Recommendation} else None
    confidence = values.confidence if values.confidence in rules.CONFIDENCE_LEVELS else None
    final = submit or (review is not None and review.status is ReviewStatus.SUBMITTED)
    total: int | None = None
    if final:
        missing = rules.missing_scores({**values.scores, **dict.fromkeys(values.typed_scores, 0)}, specs)
        problems = [_("Score every criterion: %(names)s.", names="、".join(missing))] if missing else []
        if recommendation is None:
            problems.append(_("Choose a recommendation."))
        if confidence is None:
            problems.append(_("Choose how confident you are."))
        if values.typed_scores:
            problems.append(_("Correct the marked scores."))
        if problems:
            raise UserError(" ".join(problems))
        total = int(scoring.review_total(
            values.scores, {c.key: c.max_points for c in specs}, {c.key: c.name for c in specs}
        ))
    elif values.scores and not rules.missing_scores(values.scores, specs) and not values.typed_scores:
        total = sum(values.scores.values())
    fields: dict[str, Any] = {
        "scores": values.scores,
        "typed_scores": {} if final else values.typed_scores,
        "total": total,
        "comment_to_authors": values.comment_to_authors,
        "confidential_note": values.confidential_note,
        "recommendation": recommendation,
        "confidence": confidence,
        "version": (review.version if review is not None else 0) + 1,
    }
    if final:
        fields["status"] = ReviewStatus.SUBMITTED
        if review is None or review.submitted_at is None:
            fields["submitted_at"] = now()
    return fields


async def save_review(
    seminar: Seminar, assignment: Assignment, values: ReviewInput, opened_version: int, submit: bool,
    criteria: Sequence[Criterion] | None = None, read: Review | None = None,
) -> Review:
    """Save a draft (scores may be missing or invalid: kept as typed) or submit (all required and valid).
    A submitted review stays submitted, and is never saved with an invalid score.

    `opened_version` is the version the page was opened with (0: no review yet); a save from a page
    opened before another save is refused with `StaleReview`, and the stored review stays as it was.
    `criteria`: the seminar's, when the caller has just read them. `read`: the review as the caller has
    just read it (unlocked), if any: while it is the version the page was opened with, the save is one
    conditional UPDATE (`_update_unchanged_review`), most saves' only statement; else, or when that
    finds the review or its paper changed, the paper and the review are read locked, as a first save
    does, and that read says why a save is refused.
    """
    _ensure_open(seminar)
    if assignment.declined_at is not None:
        raise UserError(_("You have declined this paper."))
    if criteria is None:
        criteria = await criteria_of(seminar)
    specs = criterion_specs(criteria)
    if read is not None and read.version == opened_version:
        fields = {**_review_fields(read, values, specs, submit), "updated_at": now()}
        if await _update_unchanged_review(read, assignment.paper_id, fields):
            for name, value in fields.items():  # the row as now stored, without reading it back
                setattr(read, name, value)
            return read
    async with in_transaction():
        # The paper's row is locked too: a withdrawal and a save of its review happen one after the other.
        found = await rows(_locked_paper_and_review_sql(), [assignment.paper_id, assignment.id], for_update=True)
        if not found or PaperStatus(found[0]["paper_status"]) is not PaperStatus.SUBMITTED:
            raise UserError(withdrawn_message())
        review = instance(Review, found[0])
        if (review.version if review is not None else 0) != opened_version:
            raise _stale_review()
        fields = _review_fields(review, values, specs, submit)
        if review is None:
            try:
                review = await Review.create(assignment_id=assignment.id, **fields)
            except IntegrityError as error:  # the other tab created it a moment ago (SQLite has no row lock)
                raise _stale_review() from error
        else:
            fields["updated_at"] = now()
            await Review.filter(id=review.id).update(**fields)
            for name, value in fields.items():  # the row as now stored, without reading it back
                setattr(review, name, value)
    return review


async def remind_reviewers(seminar: Seminar, links: MailLinks) -> int:
    """Queue one reminder per reviewer with outstanding reviews, listing those papers; returns how many mails.

    Numbers and titles only, as in the assignment mail: no city or author reaches a reviewer by mail.
    """
    progress = await review_progress(seminar)
    async with in_transaction():
        batch_id = await new_batch(seminar.id, MailBatchKind.REVIEW_REMINDERS) if progress.outstanding_reviewers else None
        wordings = await wordings_for(seminar.id, "reviews/reminder")
        for row in progress.outstanding_reviewers:
            await queue_mail(
                template="reviews/reminder",
                to_address=row.reviewer.email,
                to_name=row.reviewer.name,
                locale=row.reviewer.locale,
                context={
                    "seminar": seminar,
                    "papers": [{"number": p.number, "title": p.title} for p in row.outstanding],
                    "review_deadline": seminar.review_deadline,
                    "my_reviews_url": links.my_reviews_url,
                },
                seminar_id=seminar.id,
                batch_id=batch_id,
                wordings=wordings,
            )
    return len(progress.outstanding_reviewers)


# --- offline review: saving what an uploaded sheet or form says -----------------------------------


@dataclass(frozen=True)
class Replacement:
    """A row that would change a submitted review: saved only once the user confirms, and only if the
    review is still the `version` it was when the file was uploaded."""

    paper_id: int
    number: int
    title: str
    version: int
    scores: dict[str, int]
    comment: str
    row: int
    # The row's recommendation, confidence and note; absent (an older sheet): the review keeps its own.
    recommendation: str | None = None
    confidence: int | None = None
    note: str | None = None


@dataclass
class UploadOutcome:
    """What an upload did: drafts saved and left as they were (paper numbers), problems, and what waits for a yes."""

    saved: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    replacements: list[Replacement] = field(default_factory=list)


def _where(row: int, number: int | None, problem: str) -> str:
    if row:
        return _("Row %(row)s: %(problem)s", row=row, problem=problem)
    return _("Form of paper #%(number)s: %(problem)s", number=number or "?", problem=problem)


def _kept_input(review: Review | None, scores: dict[str, int], comment: str, judgement: Judgement | None) -> ReviewInput:
    """The row's scores, 点评 and judgement (recommendation, confidence, note); without a judgement (a sheet
    downloaded before it had those columns), the review's own."""
    if judgement is None:
        judgement = _judgement_of(review)
    return ReviewInput(
        scores=scores, comment_to_authors=comment, confidential_note=judgement.note,
        recommendation=judgement.recommendation, confidence=judgement.confidence,
    )


def _judgement_of(review: Review | None) -> Judgement:
    if review is None:
        return Judgement()
    return Judgement(review.recommendation.value if review.recommendation else "", review.confidence, review.confidential_note)


def _replacement_judgement(item: Replacement) -> Judgement | None:
    if item.recommendation is None:
        return None
    return Judgement(item.recommendation, item.confidence, item.note or "")


async def apply_review_upload(
    seminar: Seminar, reviewer: User, rows: Sequence[SheetRow], own: bool,
) -> UploadOutcome:
    """Save the valid rows of an uploaded review sheet (or form) of `reviewer` as drafts, in one transaction,
    each row saved whole or not at all (a savepoint each). A row that would change a submitted review is not
    saved but returned as a `Replacement`, for the user to confirm (`replace_submitted`).

    `rows` are `sheets.SheetRow`s, their cells already checked; here each is checked against the seminar:
    a paper of this seminar, assigned to the reviewer (not declined, no conflict), not withdrawn.
    """
    _ensure_open(seminar)
    outcome = UploadOutcome()
    criteria = criterion_specs(await Criterion.filter(seminar_id=seminar.id).order_by("position", "id"))
    ids = [r.paper_id for r in rows if r.paper_id is not None]
    numbers = [r.number for r in rows if r.paper_id is None and r.number is not None]
    papers = {p.id: p for p in await Paper.filter(Q(id__in=ids) | Q(seminar_id=seminar.id, number__in=numbers))}
    by_number = {p.number: p for p in papers.values() if p.seminar_id == seminar.id}
    await reviewer.fetch_related("unit")
    assignments = {a.paper_id: a for a in await Assignment.filter(
        seminar_id=seminar.id, reviewer_id=reviewer.id, declined_at__isnull=True)}
    conflicts = await conflict_map(seminar, [reviewer], [p for p in papers.values() if p.seminar_id == seminar.id])
    reviews = {r.assignment_id: r for r in await Review.filter(assignment_id__in=[a.id for a in assignments.values()])}
    rows_of: dict[int, list[int]] = {}
    checked: list[tuple[SheetRow, Paper]] = []
    for row in rows:
        shown = row.number
        if row.problems:
            outcome.problems.extend(row.problems)
            continue
        if row.is_blank:
            continue
        paper = papers.get(row.paper_id) if row.paper_id is not None else by_number.get(row.number or 0)
        if paper is None or paper.seminar_id != seminar.id:
            outcome.problems.append(_where(row.row, shown, _("paper #%(number)s is not a paper of this seminar.", number=shown or "?")))
            continue
        if paper.id not in assignments or (paper.id, reviewer.id) in conflicts:
            message = (_("paper #%(number)s is not assigned to you.", number=paper.number) if own else
                       _("paper #%(number)s is not assigned to %(name)s.", number=paper.number, name=reviewer.name))
            outcome.problems.append(_where(row.row, paper.number, message))
            continue
        if paper.status is not PaperStatus.SUBMITTED:
            outcome.problems.append(_where(row.row, paper.number, _(
                "paper #%(number)s has been withdrawn by its city: its review cannot be changed.", number=paper.number)))
            continue
        rows_of.setdefault(paper.id, []).append(row.row)
        checked.append((row, paper))
    to_save: list[tuple[SheetRow, Paper, Assignment, Review | None]] = []
    for row, paper in checked:
        if len(rows_of[paper.id]) > 1:
            if rows_of[paper.id][0] == row.row:
                outcome.problems.append(_where(row.row, paper.number, _(
                    "paper #%(number)s is in the file more than once (rows %(rows)s): none of them is saved.",
                    number=paper.number, rows="、".join(str(r) for r in rows_of[paper.id]))))
            continue
        assignment = assignments[paper.id]
        review = reviews.get(assignment.id)
        if review is not None and review.scores == row.scores and not review.typed_scores \
                and review.comment_to_authors == row.comment and row.judgement in (None, _judgement_of(review)):
            outcome.unchanged.append(paper.number)
        elif review is not None and review.is_submitted:
            if missing := rules.missing_scores(row.scores, criteria):
                outcome.problems.append(_where(row.row, paper.number, _(
                    "your review of paper #%(number)s is submitted: to change it, score every criterion (%(names)s missing).",
                    number=paper.number, names="、".join(missing))))
                continue
            judgement = row.judgement
            outcome.replacements.append(Replacement(
                paper.id, paper.number, paper.title, review.version, row.scores, row.comment, row.row,
                judgement.recommendation if judgement else None, judgement.confidence if judgement else None,
                judgement.note if judgement else None))
        else:
            to_save.append((row, paper, assignment, review))
    async with in_transaction():
        for row, paper, assignment, review in to_save:
            try:  # save_review runs in a savepoint of this transaction: a refused row leaves nothing behind
                await save_review(seminar, assignment, _kept_input(review, row.scores, row.comment, row.judgement),
                                  review.version if review else 0, submit=False)
            except UserError as error:
                outcome.problems.append(_where(row.row, paper.number, error.message))
            else:
                outcome.saved.append(paper.number)
    return outcome


async def replace_submitted(
    seminar: Seminar, reviewer: User, replacements: Sequence[Replacement],
) -> tuple[list[int], list[str]]:
    """Replace the scores and 点评 of submitted reviews as the confirmed rows say, in one transaction, each whole
    or not at all; one changed since the upload (its version moved on) is refused as stale. Returns the numbers
    replaced and the problems."""
    _ensure_open(seminar)
    replaced: list[int] = []
    problems: list[str] = []
    assignments = {a.paper_id: a for a in await Assignment.filter(
        seminar_id=seminar.id, reviewer_id=reviewer.id, declined_at__isnull=True,
        paper_id__in=[r.paper_id for r in replacements])}
    async with in_transaction():
        for item in replacements:
            assignment = assignments.get(item.paper_id)
            review = await Review.get_or_none(assignment_id=assignment.id) if assignment else None
            if assignment is None or review is None:
                problems.append(_where(item.row, item.number, _(
                    "paper #%(number)s is no longer assigned to this reviewer.", number=item.number)))
                continue
            if review.version != item.version:
                problems.append(_where(item.row, item.number, _(
                    "the review of paper #%(number)s was changed after the upload, so it is not replaced. "
                    "Download the sheet again to see it as it is now.", number=item.number)))
                continue
            try:
                await save_review(seminar, assignment, _kept_input(review, item.scores, item.comment, _replacement_judgement(item)),
                                  item.version, submit=False)
            except UserError as error:
                problems.append(_where(item.row, item.number, error.message))
            else:
                replaced.append(item.number)
    return replaced, problems
