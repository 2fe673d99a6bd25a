"""What the organizers' review pages show: progress, the ranking per topic, the export rows, the assignment
matrix, one paper's reviews and conflicts, a decision mail's preview; and what a city reads.

Each loader sends a fixed number of queries however many papers and reviewers there are; the
figures come from `scoring` (one definition for the page, the export and the tests).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.expressions import Subquery

from seminar import i18n
from seminar.accounts.models import User
from seminar.db import column
from seminar.i18n import _
from seminar.reviews import letters, rules, scoring
from seminar.reviews.export import ReviewRow
from seminar.reviews.models import (
    Assignment,
    Award,
    Bid,
    Conflict,
    Criterion,
    Decision,
    Outcome,
    Review,
    ReviewStatus,
    UnitConflictLift,
)
from seminar.reviews.queries import (
    conflict_map,
    profiles_of,
    recipients_of,
    reviewable_papers,
    reviewers_of,
    settings_of,
)
from seminar.seminars.models import Seminar, Topic
from seminar.submissions.models import Paper


@dataclass
class ReviewerProgress:
    reviewer: User
    assigned: int = 0
    drafted: int = 0
    submitted: int = 0
    declined: int = 0
    last_activity: dt.datetime | None = None
    outstanding: list[Paper] = field(default_factory=list)


@dataclass
class PaperProgress:
    paper: Paper
    needed: int
    assigned: int = 0
    drafted: int = 0
    submitted: int = 0
    declined: int = 0

    @property
    def missing_reviewers(self) -> int:
        return max(0, self.needed - self.assigned)


@dataclass(frozen=True)
class Progress:
    reviewers: list[ReviewerProgress]
    papers: list[PaperProgress]

    @property
    def outstanding_reviewers(self) -> list[ReviewerProgress]:
        return [row for row in self.reviewers if row.outstanding]


def _later(a: dt.datetime | None, b: dt.datetime | None) -> dt.datetime | None:
    return max(a, b) if a is not None and b is not None else a or b


async def review_progress(seminar: Seminar) -> Progress:
    """Per reviewer and per submitted paper: assigned, drafted, submitted, declined; four queries."""
    people = await reviewers_of(seminar)
    papers = await reviewable_papers(seminar).select_related("topic").order_by("number")
    assignments = await Assignment.filter(seminar_id=seminar.id).values(
        "id", "paper_id", "reviewer_id", "declined_at", "created_at"
    )
    reviews = {
        row["assignment_id"]: row
        for row in await Review.filter(assignment__seminar_id=seminar.id).values("assignment_id", "status", "updated_at")
    }
    by_reviewer = {person.id: ReviewerProgress(person) for person in people}
    by_paper = {paper.id: PaperProgress(paper, seminar.reviews_per_paper) for paper in papers}
    for assignment in sorted(assignments, key=lambda a: a["id"]):
        reviewer, paper = by_reviewer.get(assignment["reviewer_id"]), by_paper.get(assignment["paper_id"])
        if paper is None:  # a withdrawn paper is no longer reviewed
            continue
        review = reviews.get(assignment["id"])
        status = str(review["status"]) if review else None
        counted = [row for row in (reviewer, paper) if row is not None]
        if reviewer is not None:
            reviewer.last_activity = _later(reviewer.last_activity, review["updated_at"] if review else None)
        for row in counted:
            if assignment["declined_at"] is not None:
                row.declined += 1
                continue
            row.assigned += 1
            if status == ReviewStatus.SUBMITTED.value:
                row.submitted += 1
            elif status == ReviewStatus.DRAFT.value:
                row.drafted += 1
        if reviewer is not None and assignment["declined_at"] is None and status != ReviewStatus.SUBMITTED.value:
            reviewer.outstanding.append(paper.paper)
    for row in by_reviewer.values():
        row.outstanding.sort(key=lambda p: p.number)
    return Progress(list(by_reviewer.values()), list(by_paper.values()))


SORT_KEYS: tuple[scoring.SortKey, ...] = ("trimmed", "mean", "normalised")


@dataclass(frozen=True)
class RankingRow:
    ranked: scoring.RankedPaper
    paper: Paper
    reviews: list[Review]  # submitted, with assignment and reviewer loaded
    tally: dict[str, int]  # recommendation → count
    decision: Decision | None


@dataclass(frozen=True)
class TopicRanking:
    topic: Topic | None
    rows: list[RankingRow]
    suggested: dict[str, int]  # award grade → suggested count for the topic's papers
    awarded: dict[str, int]  # award grade → papers of the topic awarded it


@dataclass(frozen=True)
class Ranking:
    topics: list[TopicRanking]
    criteria: list[Criterion]
    suggested: dict[str, int]  # for all the seminar's papers
    awarded: dict[str, int]
    decided: dict[str, int]  # outcome → papers decided so
    threshold: int  # points of difference between totals that flag a disagreement


def _award_counts(decisions: list[Decision | None]) -> dict[str, int]:
    counts = Counter(d.award.value for d in decisions if d is not None and d.award is not None)
    return {grade.value: counts.get(grade.value, 0) for grade in Award}


async def ranking(seminar: Seminar, key: scoring.SortKey = "trimmed", topic_id: int | None = None) -> Ranking:
    """Every submitted paper ranked within its topic by `key`, with its reviews and decision.

    The severity-normalised score is computed over all the seminar's submitted reviews (each
    reviewer's scale from everything they scored), whichever topic is shown. Six queries.
    """
    topics = await Topic.filter(seminar_id=seminar.id).order_by("position", "id")
    papers = await reviewable_papers(seminar).select_related("city").order_by("number")
    reviews = await Review.filter(
        assignment__seminar_id=seminar.id, assignment__declined_at__isnull=True, status=ReviewStatus.SUBMITTED,
        total__isnull=False,
    ).select_related("assignment__reviewer").order_by("submitted_at", "id")
    decisions = {d.paper_id: d for d in await Decision.filter(seminar_id=seminar.id)}
    criteria = await Criterion.filter(seminar_id=seminar.id).order_by("position", "id")
    threshold = (await settings_of(seminar)).disagreement_points

    paper_ids = {paper.id for paper in papers}
    scored = [
        scoring.ScoredReview(r.assignment.reviewer_id, r.assignment.paper_id, r.total)
        for r in reviews if r.assignment.paper_id in paper_ids and r.total is not None  # total__isnull=False above
    ]
    normalised = scoring.normalised_scores(scored)
    reviews_of: dict[int, list[Review]] = defaultdict(list)
    for review in reviews:
        reviews_of[review.assignment.paper_id].append(review)
    papers_by_topic: dict[int | None, list[Paper]] = defaultdict(list)
    for paper in papers:
        papers_by_topic[paper.topic_id].append(paper)
    shown: list[Topic | None] = [t for t in topics if topic_id is None or t.id == topic_id]
    if topic_id is None and papers_by_topic.get(None):
        shown.append(None)  # papers whose topic was deleted

    result: list[TopicRanking] = []
    for topic in shown:
        own = papers_by_topic.get(topic.id if topic else None, [])
        by_id = {paper.id: paper for paper in own}
        ranked = scoring.rank_topic([p.id for p in own], [s for s in scored if s.paper in by_id], normalised, key=key,
                                    threshold=threshold)
        rows = [
            RankingRow(
                ranked=row,
                paper=by_id[row.paper],
                reviews=reviews_of.get(row.paper, []),
                tally=dict(Counter(r.recommendation.value for r in reviews_of.get(row.paper, []) if r.recommendation)),
                decision=decisions.get(row.paper),
            )
            for row in ranked
        ]
        result.append(TopicRanking(topic, rows, scoring.suggested_awards(len(own)),
                                   _award_counts([decisions.get(p.id) for p in own])))
    all_decisions = [decisions.get(p.id) for p in papers]
    return Ranking(
        topics=result,
        criteria=criteria,
        suggested=scoring.suggested_awards(len(papers)),
        awarded=_award_counts(all_decisions),
        decided=dict(Counter(d.outcome.value for d in all_decisions if d is not None)),
        threshold=threshold,
    )


async def export_rows(seminar: Seminar) -> tuple[list[tuple[str, str, int]], list[ReviewRow]]:
    """The criteria (key, name, maximum) and one row per submitted review, times in the seminar's zone."""
    criteria = await Criterion.filter(seminar_id=seminar.id).order_by("position", "id")
    reviews = await Review.filter(
        assignment__seminar_id=seminar.id, assignment__declined_at__isnull=True, status=ReviewStatus.SUBMITTED,
    ).select_related("assignment__reviewer", "assignment__paper__city", "assignment__paper__topic")
    zone = ZoneInfo(seminar.time_zone)
    rows = [
        ReviewRow(
            number=r.assignment.paper.number,
            title=r.assignment.paper.title,
            city=r.assignment.paper.city.name,
            city_order=r.assignment.paper.city.sort_order,
            topic=r.assignment.paper.topic.title if r.assignment.paper.topic else "",
            reviewer=r.assignment.reviewer.name,
            scores={str(k): v for k, v in r.scores.items()},
            total=r.total,
            recommendation=r.recommendation.value if r.recommendation else None,
            confidence=r.confidence,
            comment_to_authors=r.comment_to_authors,
            confidential_note=r.confidential_note,
            submitted_at=r.submitted_at.astimezone(zone) if r.submitted_at else None,
        )
        for r in reviews
    ]
    return [(str(c.id), c.name, c.max_points) for c in criteria], rows


async def comments_for_authors(paper_ids: list[int]) -> dict[int, list[str]]:
    """paper id → the 点评 of its submitted reviews, in the order they came in (no reviewer named)."""
    found: dict[int, list[str]] = defaultdict(list)
    rows = await Review.filter(
        assignment__paper_id__in=paper_ids, assignment__declined_at__isnull=True, status=ReviewStatus.SUBMITTED,
    ).order_by("submitted_at", "id").values_list("assignment__paper_id", "comment_to_authors")
    for paper_id, comment in rows:
        if comment and comment.strip():
            found[paper_id].append(comment.strip())
    return found


@dataclass(frozen=True)
class Released:
    """What a city reads on its paper page once the decision mail is out."""

    outcome: str
    award: str | None
    notified_at: dt.datetime
    comments: list[str]


async def released_decision(paper: Paper) -> tuple[Released | None, bool]:
    """The notified decision of a paper (None before the mail) with its 点评, and whether 点评 are shown at all."""
    decision = await Decision.get_or_none(paper_id=paper.id)
    if decision is None or decision.notified_at is None or decision.notified_outcome is None:
        return None, False
    settings = await settings_of(await Seminar.get(id=paper.seminar_id))
    comments = (await comments_for_authors([paper.id])).get(paper.id, []) if settings.authors_see_comments else []
    return Released(
        decision.notified_outcome.value, decision.notified_award.value if decision.notified_award else None,
        decision.notified_at, comments,
    ), settings.authors_see_comments


async def reviewer_loads(seminar: Seminar) -> dict[int, int]:
    """reviewer id → how many papers they review (declined assignments and papers no longer reviewed not counted)."""
    loads: dict[int, int] = {}
    reviewed = Subquery(reviewable_papers(seminar).values("id"))
    for reviewer_id in await column(Assignment.filter(
        seminar_id=seminar.id, declined_at__isnull=True, paper_id__in=reviewed
    ), "reviewer_id"):
        loads[reviewer_id] = loads.get(reviewer_id, 0) + 1
    return loads


async def assignment_matrix(seminar: Seminar) -> dict[str, Any]:
    """The assignments page: papers × reviewers with conflicts, assignments, declines, bids and loads."""
    papers = await reviewable_papers(seminar).select_related("topic", "city").order_by("number")
    people = await reviewers_of(seminar)
    conflicts = await conflict_map(seminar, people, papers)
    rows = await Assignment.filter(seminar_id=seminar.id).values_list("paper_id", "reviewer_id", "declined_at")
    shown = {paper.id for paper in papers}  # a withdrawn paper's assignments count in no load
    assigned = {(p, r) for p, r, declined in rows if declined is None and p in shown}
    declined = {(p, r) for p, r, declined_at in rows if declined_at is not None and p in shown}
    bid_rows = await Bid.filter(seminar_id=seminar.id).values_list("paper_id", "reviewer_id", "preference")
    return {
        "papers": papers,
        "reviewers": people,
        "conflicts": conflicts,
        "assigned": assigned,
        "declined": declined,
        "bids": {(p, r): str(pref) for p, r, pref in bid_rows},
        "loads": {u.id: sum(1 for _p, r in assigned if r == u.id) for u in people},
        "counts": {p.id: sum(1 for q, _r in assigned if q == p.id) for p in papers},
        "profiles": await profiles_of(seminar),
    }


async def paper_page(seminar: Seminar, paper: Paper, criteria: list[Criterion], people: list[User]) -> dict[str, Any]:
    """One paper for organizers: its reviewers and reviews, conflicts (with history) and who may still be assigned."""
    conflicts = await conflict_map(seminar, people, [paper])
    assignments = await Assignment.filter(paper_id=paper.id).select_related("reviewer").order_by("created_at", "id")
    reviews = {r.assignment_id: r for r in await Review.filter(assignment_id__in=[a.id for a in assignments])}
    history = await Conflict.filter(paper_id=paper.id).select_related("reviewer", "created_by", "lifted_by").order_by("created_at", "id")
    assigned_ids = {a.reviewer_id for a in assignments if a.declined_at is None}
    lifts = await UnitConflictLift.filter(paper_id=paper.id).select_related(
        "reviewer", "lifted_by", "reimposed_by").order_by("lifted_at", "id")
    in_force = {lift.reviewer_id: lift for lift in lifts if lift.reimposed_at is None}
    # Every reviewer whose unit is or belongs to the paper's city, with the lift in force if any.
    by_unit = [
        (u, _("The reviewer's unit %(unit)s is or belongs to the paper's city.", unit=u.unit.name), in_force.get(u.id))
        for u in people
        if u.unit is not None and rules.is_automatic_conflict(u.unit.id, u.unit.parent_id, paper.city_id)
    ]
    return {
        "seminar": seminar,
        "paper": paper,
        "assignments": assignments,
        "reviews": reviews,
        "criteria": criteria,
        "history": history,
        "unit_conflicts": by_unit,
        "unit_lifts": lifts,
        "candidates": [u for u in people if u.id not in assigned_ids and (paper.id, u.id) not in conflicts],
    }


async def letter_preview(seminar: Seminar, paper: Paper, outcome: Outcome, decision: Decision | None,
                         subject: str, body: str, locale: str) -> dict[str, Any]:
    """A decision mail in `locale` as the paper's first recipient would read it, and who would receive it (each in
    their language: `readers` are those who read this one)."""
    settings = await settings_of(seminar)
    comments = (await comments_for_authors([paper.id])).get(paper.id, []) if settings.authors_see_comments else []
    recipients = (await recipients_of([paper])).get(paper.id, [])
    award = decision.award if decision is not None and decision.outcome is outcome else None
    readers = [r for r in recipients if r.language == locale]
    name = (readers or recipients)[0].name if recipients else _("(recipient)")
    with i18n.use_locale(locale):
        letter = letters.render_letter(
            subject, body, letters.letter_values(seminar, paper, outcome, award, name, comments, settings.authors_see_comments),
        )
    return {"letter": letter, "paper": paper, "recipients": recipients, "readers": readers}


# The decisions in the order the pages offer them.
OUTCOMES = list(Outcome)


async def ranking_page(seminar: Seminar, key: scoring.SortKey, topic_id: int | None) -> dict[str, Any]:
    """The ranking page: papers per topic in the chosen order, with the choices of decision and award."""
    return {
        "ranking": await ranking(seminar, key, topic_id),
        "topics": await Topic.filter(seminar_id=seminar.id).order_by("position", "id"),
        "outcomes": OUTCOMES,
        "awards": list(Award),
    }
