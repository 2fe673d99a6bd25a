"""Loading what reviewing pages show: a reviewer's papers and conflicts, the seminar's reviewers, criteria."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from starlette.exceptions import HTTPException
from tortoise.expressions import Q, Subquery

from seminar.accounts.models import Role, RoleName, Unit, User
from seminar.i18n import _
from seminar.permissions import Actor, can_review_paper
from seminar.reviews import rules
from seminar.reviews.models import Assignment, Conflict, Criterion, ReviewerProfile, ReviewSettings, UnitConflictLift
from seminar.seminars.models import Seminar
from seminar.submissions.models import Paper, PaperStatus


async def reviewer_papers(user: User, seminar_ids: Sequence[int]) -> tuple[frozenset[int], frozenset[int]]:
    """Paper ids a reviewer is assigned to (not declined) and conflicted with: one query each.

    Conflicts are the stored ones not lifted, plus papers of the reviewer's own city (the unit
    itself, or the city it belongs to) unless an organizer lifted that conflict for the pair.
    """
    assigned = await Assignment.filter(
        reviewer_id=user.id, seminar_id__in=list(seminar_ids), declined_at__isnull=True
    ).values_list("paper_id", flat=True)
    unit_id: int | None = user.unit_id  # type: ignore[attr-defined]  # Tortoise's _id attribute
    condition = Q(id__in=Subquery(Conflict.filter(reviewer_id=user.id, lifted_at__isnull=True).values("paper_id")))
    if unit_id is not None:
        lifted = UnitConflictLift.filter(reviewer_id=user.id, reimposed_at__isnull=True).values("paper_id")
        by_unit = Q(city_id=unit_id) | Q(city_id__in=Subquery(Unit.filter(id=unit_id).values("parent_id")))
        condition |= by_unit & ~Q(id__in=Subquery(lifted))
    conflicted = await Paper.filter(condition, seminar_id__in=list(seminar_ids)).values_list("id", flat=True)
    return frozenset(int(i) for i in assigned), frozenset(int(i) for i in conflicted)


async def criteria_of(seminar: Seminar) -> list[Criterion]:
    return await Criterion.filter(seminar_id=seminar.id).order_by("position", "id")


def criterion_specs(criteria: Sequence[Criterion]) -> list[rules.CriterionSpec]:
    return [rules.CriterionSpec(str(c.id), c.name, c.max_points) for c in criteria]


async def settings_of(seminar: Seminar) -> ReviewSettings:
    found = await ReviewSettings.get_or_none(seminar_id=seminar.id)
    return found or ReviewSettings(seminar_id=seminar.id)


async def reviewers_of(seminar: Seminar) -> list[User]:
    """Active people with the reviewer role in the seminar, with their unit, by name."""
    ids = Role.filter(seminar_id=seminar.id, name=RoleName.REVIEWER).values("user_id")
    return await User.filter(id__in=Subquery(ids), is_active=True).select_related("unit").order_by("name", "id")


async def lifted_unit_conflicts(seminar: Seminar) -> set[tuple[int, int]]:
    """(paper id, reviewer id) pairs whose conflict by unit an organizer lifted, and has not re-imposed."""
    rows = await UnitConflictLift.filter(seminar_id=seminar.id, reimposed_at__isnull=True).values_list("paper_id", "reviewer_id")
    return {(int(p), int(r)) for p, r in rows}


async def profiles_of(seminar: Seminar) -> dict[int, ReviewerProfile]:
    return {p.user_id: p for p in await ReviewerProfile.filter(seminar_id=seminar.id)}  # type: ignore[attr-defined]


def reviewable_papers(seminar: Seminar):  # type: ignore[no-untyped-def]  # Tortoise's QuerySet[Paper]
    """Papers that are reviewed: the submitted ones."""
    return Paper.filter(seminar_id=seminar.id, status=PaperStatus.SUBMITTED)


@dataclass(frozen=True)
class ConflictNote:
    source: str
    reason: str


async def conflict_map(seminar: Seminar, reviewers: Sequence[User], papers: Sequence[Paper]) -> dict[tuple[int, int], ConflictNote]:
    """(paper id, reviewer id) → why they may not meet, for every conflicted pair: by unit (unless an organizer
    lifted it), or stored and not lifted."""
    found: dict[tuple[int, int], ConflictNote] = {}
    lifted = await lifted_unit_conflicts(seminar)
    for reviewer in reviewers:
        unit = reviewer.unit
        for paper in papers:
            city_id: int = paper.city_id  # type: ignore[attr-defined]
            if (paper.id, reviewer.id) in lifted:
                continue
            if unit is not None and rules.is_automatic_conflict(unit.id, unit.parent_id, city_id):  # type: ignore[attr-defined]
                found[(paper.id, reviewer.id)] = ConflictNote(
                    "automatic", _("The reviewer's unit %(unit)s is or belongs to the paper's city.", unit=unit.name)
                )
    stored = await Conflict.filter(seminar_id=seminar.id, lifted_at__isnull=True).order_by("id")
    for conflict in stored:
        key = (conflict.paper_id, conflict.reviewer_id)  # type: ignore[attr-defined]
        found.setdefault(key, ConflictNote(conflict.source.value, conflict.reason))
    return found


async def get_review_paper_or_404(actor: Actor, seminar: Seminar, number: int) -> Paper:
    """A paper the reviewer is assigned to and free of conflict, or 404 as if it did not exist."""
    paper = await Paper.get_or_none(seminar_id=seminar.id, number=number).select_related("topic", "city")
    if paper is None or not can_review_paper(actor, paper):
        raise HTTPException(status_code=404)
    return paper


async def get_paper_or_404(seminar: Seminar, number: int) -> Paper:
    """Any paper of the seminar, for its organizers."""
    paper = await Paper.get_or_none(seminar_id=seminar.id, number=number).select_related("topic", "city")
    if paper is None:
        raise HTTPException(status_code=404)
    return paper


@dataclass(frozen=True)
class ProposedRow:
    paper: Paper
    kept: list[User]  # assigned already
    added: list[tuple[User, list[str]]]  # proposed now, with the reasons


@dataclass(frozen=True)
class Proposal:
    rows: list[ProposedRow]
    loads: list[tuple[User, int, int, int]]  # reviewer, assigned already, proposed now, maximum
    pairs: list[tuple[int, int]]  # (paper id, reviewer id) to create
    seed: int


async def propose_assignments(seminar: Seminar, seed: int) -> Proposal:
    """The solver's optimal completion of the current assignments (see `assign.solve`).

    Existing assignments are fixed; declined ones and conflicts are forbidden pairs (a conflict by
    unit that an organizer lifted is not); affinity comes from bids and topics of expertise. Raises `AssignmentInfeasible` with the reason.
    """
    from seminar.reviews import affinity as affinity_module
    from seminar.reviews.assign import balanced_loads, solve
    from seminar.reviews.models import Bid

    papers = await reviewable_papers(seminar).select_related("topic").order_by("number")
    reviewers = await reviewers_of(seminar)
    profiles = await profiles_of(seminar)
    bids = {
        (paper_id, reviewer_id): str(preference)
        for paper_id, reviewer_id, preference in await Bid.filter(seminar_id=seminar.id).values_list(
            "paper_id", "reviewer_id", "preference"
        )
    }
    assignments = await Assignment.filter(seminar_id=seminar.id).values_list("paper_id", "reviewer_id", "declined_at")
    active = {(p, r) for p, r, declined in assignments if declined is None}
    declined = {(p, r) for p, r, declined_at in assignments if declined_at is not None}
    stored = set(
        await Conflict.filter(seminar_id=seminar.id, lifted_at__isnull=True).values_list("paper_id", "reviewer_id")
    )
    lifted = await lifted_unit_conflicts(seminar)
    paper_infos = [affinity_module.PaperInfo(p.id, p.topic_id, p.city_id) for p in papers]  # type: ignore[attr-defined]
    reviewer_infos = [
        affinity_module.ReviewerInfo(
            id=u.id,
            unit_id=u.unit_id,  # type: ignore[attr-defined]
            unit_parent_id=u.unit.parent_id if u.unit else None,  # type: ignore[attr-defined]
            topic_ids=frozenset(profiles[u.id].topic_ids) if u.id in profiles else frozenset(),
            max_load=profiles[u.id].max_load if u.id in profiles else None,
        )
        for u in reviewers
    ]
    # Declining is final for the pair: the solver must not ask the same reviewer again.
    forbidden = stored | declined
    matrix = affinity_module.affinity_matrix(paper_infos, reviewer_infos, bids, forbidden, lifted=lifted, seed=seed)
    paper_index = {p.id: i for i, p in enumerate(papers)}
    reviewer_index = {u.id: j for j, u in enumerate(reviewers)}
    fixed = [(paper_index[p], reviewer_index[r]) for p, r in active if p in paper_index and r in reviewer_index]
    min_load, max_load = balanced_loads(
        len(papers), len(reviewers), seminar.reviews_per_paper, [info.max_load for info in reviewer_infos]
    )
    result = solve(
        matrix, seminar.reviews_per_paper, min_load, max_load, fixed=fixed,
        paper_labels=[f"#{p.number}" for p in papers],
        reviewer_labels=[u.name for u in reviewers],
        groups=[p.topic.title if p.topic else None for p in papers],
    ) if papers and reviewers else [[] for _p in papers]
    rows: list[ProposedRow] = []
    pairs: list[tuple[int, int]] = []
    added_count: dict[int, int] = {}
    for i, paper in enumerate(papers):
        kept = [reviewers[j] for j in result[i] if (paper.id, reviewers[j].id) in active]
        added = []
        for j in result[i]:
            reviewer = reviewers[j]
            if (paper.id, reviewer.id) in active:
                continue
            reasons = affinity_module.explain(
                paper_infos[i], reviewer_infos[j], bids.get((paper.id, reviewer.id)), conflicts=forbidden, lifted=lifted
            )
            added.append((reviewer, reasons))
            pairs.append((paper.id, reviewer.id))
            added_count[reviewer.id] = added_count.get(reviewer.id, 0) + 1
        rows.append(ProposedRow(paper, kept, added))
    loads = [
        (u, sum(1 for p, r in active if r == u.id and p in paper_index), added_count.get(u.id, 0), max_load[j] if max_load else 0)
        for j, u in enumerate(reviewers)
    ]
    return Proposal(rows, loads, pairs, seed)
