"""The solver's proposal of assignments for the organizers' preview, and the signed token that carries it.

The preview (GET) shows the proposal; its pairs travel signed in the page, so the POST applies
exactly what the organizer saw (`actions.apply_assignments`), not a proposal solved again.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from itsdangerous import BadSignature, URLSafeSerializer

from seminar.accounts.models import User
from seminar.errors import UserError
from seminar.reviews import affinity as affinity_module
from seminar.reviews import feasibility
from seminar.reviews.assign import AssignmentInfeasible, optimise
from seminar.reviews.feasibility import Shortage
from seminar.reviews.models import Assignment, Bid, Conflict, ReviewerProfile, ReviewSettings
from seminar.reviews.queries import (
    expertise_texts,
    lifted_unit_conflicts,
    paper_texts,
    profiles_of,
    reviewable_papers,
    reviewers_of,
    settings_of,
)
from seminar.seminars.models import Seminar
from seminar.submissions.models import Paper

PROPOSAL_SALT = "reviews-proposal"
DEFAULT_SEED = 2024


@dataclass(frozen=True)
class ProposedRow:
    paper: Paper
    kept: list[User]  # assigned already
    added: list[tuple[User, list[str]]]  # proposed now, with the reasons


@dataclass(frozen=True)
class ReviewerLoad:
    user: User
    kept: int  # assigned already
    added: int  # proposed now
    minimum: int  # the hard bounds in force (the reviewer's own, else the seminar's)
    maximum: int | None
    fair_low: int  # the even share the solver aims at (a preference)
    fair_high: int


@dataclass(frozen=True)
class Proposal:
    rows: list[ProposedRow]
    loads: list[ReviewerLoad]
    pairs: list[tuple[int, int]]  # (paper id, reviewer id) to create
    seed: int


@dataclass(frozen=True)
class Candidate:
    """A reviewer who may review some of the short papers, and what their maximum leaves."""

    user: User
    eligible: int  # of the short papers, those they may still review
    room: int | None  # more papers their maximum allows (None: no maximum)


@dataclass(frozen=True)
class Offer:
    """A change that would make (more of) the assignment possible. `kind`: "raise_max" and
    "lower_min" (user, to value, from current), "conflicts" (paper), "fewer_reviews" (to value,
    from current: the seminar's reviews per paper), "add_reviewers"."""

    kind: str
    gain: int = 0
    user: User | None = None
    paper: Paper | None = None
    value: int | None = None
    current: int | None = None


@dataclass(frozen=True)
class Refusal:
    """Why there is no assignment: the papers short of reviewers (with who may review them),
    or the reviewers whose minimums cannot be met (with their papers), and what would help."""

    message: str
    missing: int = 0
    papers: tuple[Paper, ...] = ()
    candidates: tuple[Candidate, ...] = ()  # for short papers
    reviewers: tuple[ReviewerLoad, ...] = ()  # for unmet minimums
    offers: tuple[Offer, ...] = ()


class ProposalRefused(UserError):
    """No assignment exists; `refusal` explains it for the page."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.message)
        self.refusal = refusal


def load_bounds(settings: ReviewSettings, profile: ReviewerProfile | None) -> tuple[int, int | None]:
    """A reviewer's (minimum, maximum) papers in automatic assignment: their own, else the seminar's.

    A seminar minimum above a reviewer's own maximum gives way to it.
    """
    maximum = profile.max_load if profile is not None and profile.max_load is not None else settings.max_load
    own_minimum = profile.min_load if profile is not None else None
    minimum = own_minimum if own_minimum is not None else settings.min_load
    if own_minimum is None and maximum is not None:
        minimum = min(minimum, maximum)
    return minimum, maximum


async def propose_assignments(seminar: Seminar, seed: int) -> Proposal:
    """The solver's optimal completion of the current assignments (see `assign.optimise`).

    Existing assignments are fixed; declined ones and conflicts are forbidden pairs (a conflict by
    unit that an organizer lifted is not); affinity comes from bids, topics of expertise and the text
    of the reviewers' profiles against the papers', weighed by the seminar's settings; loads
    are bounded by the settings and drawn towards an even share. Raises `ProposalRefused` with
    the reason and the changes that would help.
    """
    papers = await reviewable_papers(seminar).select_related("topic").order_by("number")
    reviewers = await reviewers_of(seminar)
    profiles = await profiles_of(seminar)
    settings = await settings_of(seminar)
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
    paper_infos = [affinity_module.PaperInfo(p.id, p.topic_id, p.city_id) for p in papers]
    reviewer_infos = [
        affinity_module.ReviewerInfo(
            id=u.id,
            unit_id=u.unit_id,
            unit_parent_id=u.unit.parent_id if u.unit else None,
            topic_ids=frozenset(profiles[u.id].topic_ids) if u.id in profiles else frozenset(),
        )
        for u in reviewers
    ]
    bounds = [load_bounds(settings, profiles.get(u.id)) for u in reviewers]
    # Declining is final for the pair: the solver must not ask the same reviewer again.
    forbidden = stored | declined
    weights = affinity_module.Weights(topic=settings.topic_weight, text=settings.text_weight)
    if weights.text and papers and reviewers:
        text, text_index, queries = affinity_module.text_scores(
            await paper_texts(papers), await expertise_texts(seminar, reviewers, profiles))
    else:  # the text left out: no segmenting at all
        text, text_index, queries = {}, None, {}
    matrix = affinity_module.affinity_matrix(paper_infos, reviewer_infos, bids, forbidden, lifted=lifted, seed=seed,
                                             text=text, weights=weights)
    paper_index = {p.id: i for i, p in enumerate(papers)}
    reviewer_index = {u.id: j for j, u in enumerate(reviewers)}
    fixed = [(paper_index[p], reviewer_index[r]) for p, r in active if p in paper_index and r in reviewer_index]
    kept_count = [sum(1 for _p, j in fixed if j == index) for index in range(len(reviewers))]
    if not papers or not reviewers:
        return Proposal([ProposedRow(p, [], []) for p in papers],
                        [ReviewerLoad(u, kept_count[j], 0, *bounds[j], 0, 0) for j, u in enumerate(reviewers)], [], seed)
    # What the organizers assigned by hand stays whatever the settings say — a third reviewer for a contested paper,
    # a reviewer assigned past their maximum — and is never a reason to leave the other papers without reviewers.
    kept_per_paper = [sum(1 for i, _j in fixed if i == index) for index in range(len(papers))]
    need = [max(seminar.reviews_per_paper, kept) for kept in kept_per_paper]
    highs = [None if high is None else max(high, kept_count[j]) for j, (_low, high) in enumerate(bounds)]
    try:
        solution = optimise(
            matrix, need, [low for low, _high in bounds], highs,
            fixed=fixed, balance=True,
            paper_labels=[f"#{p.number}" for p in papers], reviewer_labels=[u.name for u in reviewers],
        )
    except AssignmentInfeasible as error:
        raise ProposalRefused(_refusal(error, seminar, papers, reviewers, bounds, matrix, fixed, kept_count)) from error
    rows: list[ProposedRow] = []
    pairs: list[tuple[int, int]] = []
    added_count: dict[int, int] = {}
    for i, paper in enumerate(papers):
        kept = [reviewers[j] for j in solution.papers[i] if (paper.id, reviewers[j].id) in active]
        added = []
        for j in solution.papers[i]:
            reviewer = reviewers[j]
            if (paper.id, reviewer.id) in active:
                continue
            shared = (text_index.shared(queries[reviewer.id], paper.id)
                      if text_index is not None and (paper.id, reviewer.id) in text else [])
            reasons = affinity_module.explain(
                paper_infos[i], reviewer_infos[j], bids.get((paper.id, reviewer.id)), conflicts=forbidden, lifted=lifted,
                shared=shared,
            )
            added.append((reviewer, reasons))
            pairs.append((paper.id, reviewer.id))
            added_count[reviewer.id] = added_count.get(reviewer.id, 0) + 1
        rows.append(ProposedRow(paper, kept, added))
    loads = [
        ReviewerLoad(u, kept_count[j], added_count.get(u.id, 0), *bounds[j], solution.fair_low[j], solution.fair_high[j])
        for j, u in enumerate(reviewers)
    ]
    return Proposal(rows, loads, pairs, seed)


def _refusal(error: AssignmentInfeasible, seminar: Seminar, papers: list[Paper], reviewers: list[User],
             bounds: list[tuple[int, int | None]], matrix: list[list[float | None]],
             fixed: list[tuple[int, int]], kept_count: list[int]) -> Refusal:
    """The solver's obstruction in terms of papers and people, with the changes that would help."""
    found = error.obstruction
    if found is None:  # a contradiction in the settings or the existing assignments: the message says it
        return Refusal(error.message)
    allowed = np.array([[value is not None for value in row] for row in matrix], dtype=bool)
    fixed_mask = np.zeros_like(allowed)
    for p, r in fixed:
        fixed_mask[p, r] = True
    low = np.array([low for low, _high in bounds], dtype=np.int64)
    high = np.array([-1 if high is None else high for _low, high in bounds], dtype=np.int64)
    offers = [
        Offer(relaxation.kind, relaxation.gain,
              user=reviewers[relaxation.reviewer] if relaxation.reviewer is not None else None,
              paper=papers[relaxation.paper] if relaxation.paper is not None else None,
              value=relaxation.value,
              current=None if relaxation.reviewer is None else (
                  int(high[relaxation.reviewer]) if relaxation.kind == "raise_max" else int(low[relaxation.reviewer])))
        for relaxation in feasibility.relaxations(found, high, low, allowed, fixed_mask)
    ]
    if isinstance(found, Shortage):
        fewer = seminar.reviews_per_paper - 1
        need = np.maximum(np.full(len(papers), fewer), fixed_mask.sum(axis=1))
        if fewer >= 1 and feasibility.obstruction(allowed, need, low, high, fixed_mask) is None:
            offers.append(Offer("fewer_reviews", value=fewer, current=seminar.reviews_per_paper))
        offers.append(Offer("add_reviewers"))
        return Refusal(
            error.message, found.missing, tuple(papers[p] for p in found.papers),
            tuple(Candidate(reviewers[r], eligible, room)
                  for r, eligible, room in zip(found.reviewers, found.eligible, found.room, strict=True)),
            offers=tuple(offers),
        )
    return Refusal(
        error.message, found.missing, tuple(papers[p] for p in found.papers),
        reviewers=tuple(ReviewerLoad(reviewers[r], kept_count[r], 0, *bounds[r], 0, 0) for r in found.reviewers),
        offers=tuple(offers),
    )


def proposal_token(secret_key: str, seminar: Seminar, proposal: Proposal) -> str:
    return URLSafeSerializer(secret_key, salt=PROPOSAL_SALT).dumps({"seminar": seminar.id, "pairs": proposal.pairs})


def proposed_pairs(secret_key: str, seminar: Seminar, token: str) -> list[tuple[int, int]] | None:
    """The (paper id, reviewer id) pairs the token carries, or None if it is not one signed for this seminar."""
    try:
        payload = URLSafeSerializer(secret_key, salt=PROPOSAL_SALT).loads(token)
        pairs = [(int(p), int(r)) for p, r in payload["pairs"]]
        if payload["seminar"] != seminar.id:
            return None
    except (BadSignature, KeyError, TypeError, ValueError):
        return None
    return pairs
