"""How well a reviewer suits a paper: the affinity matrix for the solver, and the reasons behind it.

affinity = bid weight (想审 +3, 可以 +1, 不想审 −2, no bid 0)
         + 2 when the paper's topic is among the reviewer's topics of expertise
         + a tie-break in [0, 0.01) that depends only on (seed, paper id, reviewer id),
           so equal candidates are ordered the same way on every run, and adding a paper
           does not reshuffle the others.

A pair is forbidden (None) when there is a conflict: the reviewer's unit is the paper's city
or belongs to it (its parent unit is the city), unless an organizer lifted that conflict; or
a conflict was declared by the reviewer or set by an organizer (these are not lifted here:
the caller passes only the conflicts in force).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from seminar.i18n import _

# Preference values as stored by seminar.reviews.models.Preference (a StrEnum, so its
# members are equal to these strings).
WANT, WILLING, UNWILLING = "want", "willing", "unwilling"
BID_WEIGHTS: dict[str, float] = {WANT: 3.0, WILLING: 1.0, UNWILLING: -2.0}
TOPIC_MATCH = 2.0
TIE_BREAK = 0.01
DEFAULT_SEED = 2024

Pair = tuple[int, int]  # (paper id, reviewer id)


@dataclass(frozen=True)
class PaperInfo:
    id: int
    topic_id: int | None
    city_id: int | None  # the unit (a city) that submitted the paper


@dataclass(frozen=True)
class ReviewerInfo:
    id: int
    unit_id: int | None
    unit_parent_id: int | None  # the city a district or department belongs to
    topic_ids: frozenset[int] = field(default_factory=frozenset)  # topics of expertise


def unit_conflict(paper: PaperInfo, reviewer: ReviewerInfo) -> bool:
    """The reviewer works for the city that submitted the paper, or for a unit inside it."""
    if paper.city_id is None:
        return False
    return paper.city_id in (reviewer.unit_id, reviewer.unit_parent_id)


def is_forbidden(paper: PaperInfo, reviewer: ReviewerInfo,
                 conflicts: Collection[Pair] = (), lifted: Collection[Pair] = ()) -> bool:
    pair = (paper.id, reviewer.id)
    return pair in conflicts or (unit_conflict(paper, reviewer) and pair not in lifted)


def tie_break(paper_id: int, reviewer_id: int, seed: int = DEFAULT_SEED) -> float:
    """A reproducible number in [0, TIE_BREAK) for one pair (splitmix64 of the ids and the seed)."""
    z = (seed * 0x9E3779B97F4A7C15 + paper_id * 0xBF58476D1CE4E5B9 + reviewer_id * 0x94D049BB133111EB)
    z &= 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    z ^= z >> 31
    return (z >> 11) / float(1 << 53) * TIE_BREAK


def affinity(paper: PaperInfo, reviewer: ReviewerInfo, bid: str | None = None, *,
             conflicts: Collection[Pair] = (), lifted: Collection[Pair] = (),
             seed: int = DEFAULT_SEED) -> float | None:
    """The affinity of one pair, None when it is forbidden."""
    if is_forbidden(paper, reviewer, conflicts, lifted):
        return None
    score = BID_WEIGHTS.get(bid, 0.0) if bid is not None else 0.0
    if paper.topic_id is not None and paper.topic_id in reviewer.topic_ids:
        score += TOPIC_MATCH
    return score + tie_break(paper.id, reviewer.id, seed)


def affinity_matrix(papers: Sequence[PaperInfo], reviewers: Sequence[ReviewerInfo],
                    bids: Mapping[Pair, str], conflicts: Collection[Pair] = (), *,
                    lifted: Collection[Pair] = (), seed: int = DEFAULT_SEED) -> list[list[float | None]]:
    """affinity[p][r] for papers × reviewers in the given order, ready for `assign.solve`.

    `bids` maps (paper id, reviewer id) to a preference value ("want", "willing",
    "unwilling"); `conflicts` holds the declared and organizer-set conflicts in force;
    `lifted` the unit conflicts an organizer lifted.
    """
    conflicts = set(conflicts)
    lifted = set(lifted)
    return [
        [affinity(paper, reviewer, bids.get((paper.id, reviewer.id)),
                  conflicts=conflicts, lifted=lifted, seed=seed) for reviewer in reviewers]
        for paper in papers
    ]


def explain(paper: PaperInfo, reviewer: ReviewerInfo, bid: str | None = None, *,
            conflicts: Collection[Pair] = (), lifted: Collection[Pair] = ()) -> list[str]:
    """Why this reviewer suits (or may not review) this paper, in the user's language."""
    pair = (paper.id, reviewer.id)
    if pair in conflicts:
        return [_("Conflict declared or set by an organizer")]
    if unit_conflict(paper, reviewer):
        if pair not in lifted:
            if paper.city_id == reviewer.unit_id:
                return [_("Conflict: the reviewer's unit submitted this paper")]
            return [_("Conflict: the reviewer's unit belongs to the city that submitted this paper")]
        reasons = [_("Unit conflict lifted by an organizer")]
    else:
        reasons = []
    if paper.topic_id is not None and paper.topic_id in reviewer.topic_ids:
        reasons.append(_("Topic match"))
    reasons.append({
        WANT: _("Bid: wants to review"),
        WILLING: _("Bid: willing to review"),
        UNWILLING: _("Bid: would rather not review"),
    }.get(bid or "", _("No bid")))
    return reasons
