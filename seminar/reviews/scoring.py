"""Review arithmetic: totals, means, severity normalisation, disagreement, ranking, award shares.

Everything here takes plain numbers and keys (criterion ids, reviewer ids, paper ids: any
hashable, and the functions are generic in them) and returns plain numbers, so the organizer's
ranking page, the export and the tests share one definition of every figure.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Generic, Literal, NamedTuple, TypeVar

from seminar.errors import UserError
from seminar.i18n import _

Number = int | float
DISAGREEMENT_POINTS = 20.0  # of 100: the default threshold of the disagreement flag
SCALE = (0.0, 100.0)
K = TypeVar("K", bound=Hashable)  # a criterion's key
R = TypeVar("R", bound=Hashable)  # a reviewer's key
P = TypeVar("P", bound=Hashable)  # a paper's key


class IncompleteReview(UserError):
    """Submitting needs a score for every criterion (a draft may be partial)."""

    def __init__(self, criteria: Sequence[K], names: Mapping[K, str] | None = None) -> None:
        self.criteria = list(criteria)
        super().__init__(_("Score every criterion: %(names)s.", names=_names(self.criteria, names)))


class ScoreOutOfRange(UserError):
    """A score below 0 or above the criterion's maximum."""

    def __init__(self, criteria: Sequence[K], names: Mapping[K, str] | None = None,
                 max_points: Mapping[K, int] | None = None) -> None:
        self.criteria = list(criteria)
        labels = {key: f"{(names or {}).get(key, key)} (0–{(max_points or {}).get(key, '?')})" for key in self.criteria}
        super().__init__(_("These scores are out of range: %(names)s.", names=_names(self.criteria, labels)))


def _names(criteria: Sequence[K], names: Mapping[K, str] | None) -> str:
    return "、".join(str((names or {}).get(key, key)) for key in criteria)


def review_total(scores: Mapping[K, Number | None], max_points: Mapping[K, int],
                 names: Mapping[K, str] | None = None) -> Number:
    """The sum of the scores of the current criteria, each checked to be within 0..its maximum.

    `max_points` maps each criterion (its key, e.g. the id as a string) to its maximum
    (选题 15, 观点 25 …); scores of criteria no longer on the form are ignored. `names`
    gives the criteria's names for the messages. Raises IncompleteReview (a criterion
    without a score) or ScoreOutOfRange, naming the criteria in the form's order.
    """
    given = {key: score for key in max_points if (score := scores.get(key)) is not None}
    missing = [key for key in max_points if key not in given]
    if missing:
        raise IncompleteReview(missing, names)
    outside = [key for key, top in max_points.items()
               if isinstance(given[key], bool) or not 0 <= given[key] <= top]
    if outside:
        raise ScoreOutOfRange(outside, names, max_points)
    return sum(given[key] for key in max_points)


def mean(values: Iterable[Number]) -> float | None:
    """The arithmetic mean; None when there is nothing to average."""
    items = list(values)
    return math.fsum(items) / len(items) if items else None


def trimmed_mean(totals: Iterable[Number]) -> float | None:
    """The mean after dropping one highest and one lowest total, once there are at least 4.

    With 3 reviews or fewer, dropping two would leave too little, so it is the plain mean.
    """
    items = sorted(totals)
    if len(items) >= 4:
        items = items[1:-1]
    return mean(items)


class ScoredReview(NamedTuple, Generic[R, P]):
    reviewer: R
    paper: P
    total: Number


def normalised_scores(reviews: Iterable[ScoredReview[R, P] | tuple[R, P, Number]]) -> dict[P, float]:
    """Each paper's score after removing the reviewers' severity, on the 0–100 scale.

    Let M and S be the mean and the (population) standard deviation of all totals, and
    m_r, s_r those of reviewer r over every paper r scored. Each review becomes a z-score

        z = (total − m_r) / s_r          when r scored ≥ 2 papers and s_r > 0,
        z = 0                            when r scored ≥ 2 papers all alike (no ranking to learn from),
        z = (total − M) / S              when r scored a single paper (no severity to estimate:
                                         it is measured against everyone's scale instead),

    (z = 0 throughout when S = 0). A paper's normalised score is M + S × (mean z of its
    reviews), clipped to 0..100: a strict reviewer's 70 can thus count like a lenient one's
    85. Use all the seminar's reviews, not one topic's, so that each reviewer's scale is
    estimated from everything they scored.
    """
    items = [ScoredReview(reviewer, paper, total) for reviewer, paper, total in reviews]
    if not items:
        return {}
    overall_mean = statistics.fmean(review.total for review in items)
    overall_sd = statistics.pstdev([review.total for review in items])
    by_reviewer: dict[R, list[Number]] = defaultdict(list)
    for review in items:
        by_reviewer[review.reviewer].append(review.total)
    scale = {reviewer: (statistics.fmean(totals), statistics.pstdev(totals), len(totals))
             for reviewer, totals in by_reviewer.items()}

    z_by_paper: dict[P, list[float]] = defaultdict(list)
    for review in items:
        own_mean, own_sd, count = scale[review.reviewer]
        if overall_sd == 0:
            z = 0.0
        elif count == 1:
            z = (review.total - overall_mean) / overall_sd
        elif own_sd == 0:
            z = 0.0
        else:
            z = (review.total - own_mean) / own_sd
        z_by_paper[review.paper].append(z)
    low, high = SCALE
    return {paper: min(high, max(low, overall_mean + overall_sd * statistics.fmean(zs)))
            for paper, zs in z_by_paper.items()}


def spread(totals: Sequence[Number]) -> float | None:
    """Highest minus lowest total; None with fewer than two reviews."""
    return float(max(totals) - min(totals)) if len(totals) >= 2 else None


def disagreement(totals: Sequence[Number], threshold: float = DISAGREEMENT_POINTS,
                 measure: Literal["spread", "sd"] = "spread") -> bool:
    """Whether the reviewers differ widely: the spread (or the population sd) exceeds `threshold`."""
    if len(totals) < 2:
        return False
    value = spread(totals) if measure == "spread" else statistics.pstdev(totals)
    return value is not None and value > threshold


SortKey = Literal["mean", "trimmed", "normalised"]


@dataclass(frozen=True)
class RankedPaper(Generic[P]):
    """One row of a topic's ranking; the figures are None for a paper without submitted reviews."""

    paper: P
    rank: int | None  # 1, 2, 2, 4 … by the chosen key; None without a score
    totals: tuple[Number, ...]
    mean: float | None
    trimmed: float | None
    normalised: float | None
    spread: float | None
    disagreement: bool


def rank_topic(papers: Iterable[P], reviews: Iterable[ScoredReview[Any, P] | tuple[Any, P, Number]],
               normalised: Mapping[P, float] | None = None, *, key: SortKey = "trimmed",
               threshold: float = DISAGREEMENT_POINTS) -> list[RankedPaper[P]]:
    """The papers of one topic, best first by `key`, ties by the other two figures, then as given.

    `reviews` are the submitted reviews of these papers (others are ignored); `normalised`
    the result of `normalised_scores` over the whole seminar. Papers without a score by the
    key come last, unranked. Equal scores share a rank (1, 2, 2, 4).
    """
    order = list(dict.fromkeys(papers))
    totals: dict[P, list[Number]] = {paper: [] for paper in order}
    for _reviewer, paper, total in reviews:
        if paper in totals:
            totals[paper].append(total)
    rows = [
        RankedPaper(
            paper=paper, rank=None, totals=tuple(values), mean=mean(values), trimmed=trimmed_mean(values),
            normalised=(normalised or {}).get(paper), spread=spread(values),
            disagreement=disagreement(values, threshold),
        )
        for paper, values in totals.items()
    ]
    keys: list[SortKey] = [key, *(k for k in ("trimmed", "mean", "normalised") if k != key)]

    def sort_key(row: RankedPaper[P]) -> tuple[tuple[bool, float], ...]:
        return tuple((getattr(row, k) is None, -(getattr(row, k) or 0.0)) for k in keys)

    rows.sort(key=sort_key)
    ranked: list[RankedPaper[P]] = []
    for position, row in enumerate(rows, start=1):
        value = getattr(row, key)
        if value is None:
            rank = None
        elif ranked and getattr(ranked[-1], key) == value:
            rank = ranked[-1].rank
        else:
            rank = position
        ranked.append(replace(row, rank=rank))
    return ranked


AWARD_GRADES = ("first", "second", "third", "excellence")  # 一等奖 / 二等奖 / 三等奖 / 优秀奖
AWARD_PERCENTAGES = (10, 20, 30)  # the rest get 优秀奖


def suggested_awards(n: int) -> dict[str, int]:
    """How many papers of `n` would get each award grade at about 10% / 20% / 30% / the rest.

    The cumulative shares (10%, 30%, 60% of n) are rounded half up and the grades are the
    differences, so the counts always add up to n and no grade drifts by more than one from
    its share: 21 papers → 2 / 4 / 7 / 8; 5 papers → 1 / 1 / 1 / 2.
    """
    if n < 0:
        raise ValueError("n cannot be negative")
    counts: dict[str, int] = {}
    previous = cumulative = 0
    for grade, percentage in zip(AWARD_GRADES, AWARD_PERCENTAGES, strict=False):
        cumulative += percentage
        boundary = (cumulative * n + 50) // 100  # whole numbers: no float rounding surprises
        counts[grade] = boundary - previous
        previous = boundary
    counts[AWARD_GRADES[-1]] = n - previous
    return counts
