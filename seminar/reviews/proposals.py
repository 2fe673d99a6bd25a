"""The solver's proposal of assignments for the organizers' preview, and the signed token that carries it.

The preview (GET) shows the proposal; its pairs travel signed in the page, so the POST applies
exactly what the organizer saw (`actions.apply_assignments`), not a proposal solved again.
"""

from __future__ import annotations

from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeSerializer

from seminar.accounts.models import User
from seminar.reviews import affinity as affinity_module
from seminar.reviews.assign import balanced_loads, solve
from seminar.reviews.models import Assignment, Bid, Conflict
from seminar.reviews.queries import lifted_unit_conflicts, profiles_of, reviewable_papers, reviewers_of
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
    paper_infos = [affinity_module.PaperInfo(p.id, p.topic_id, p.city_id) for p in papers]
    reviewer_infos = [
        affinity_module.ReviewerInfo(
            id=u.id,
            unit_id=u.unit_id,
            unit_parent_id=u.unit.parent_id if u.unit else None,
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
