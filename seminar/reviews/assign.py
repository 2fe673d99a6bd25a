"""The automatic reviewer assignment: an exact optimum, or a reason why there is none.

The problem
-----------
`affinity[p][r]` says how well reviewer r suits paper p (higher is better) or is None when
the pair is forbidden (a conflict). We choose x[p][r] in {0, 1} to maximise the total
affinity of the chosen pairs subject to

* every paper p gets exactly `need[p]` reviewers,
* every reviewer r gets between `min_load[r]` and `max_load[r]` papers,
* no forbidden pair, each pair at most once,
* pairs in `fixed` (assignments that already exist) stay chosen and count towards the loads.

Why a minimum-cost flow is exact here
-------------------------------------
The problem is a minimum-cost flow: each paper supplies its need, an arc of capacity 1 leads
to every reviewer it may have (cost: minus the affinity), and each reviewer passes its load
on to a sink within its bounds. Network simplex (LEMON's, through `pylmcf`) works on
integer costs and returns an integral optimal flow, hence a 0/1 assignment, with node
potentials that prove it optimal. Affinities are floats, so they are scaled by about 10¹⁰
(more on smaller instances; `_Network.scale`) and rounded: the flow is the exact optimum of
affinities that differ from the given ones by less than 10⁻¹⁰ a pair. The constraint matrix
is the incidence matrix of the bipartite paper–reviewer graph, totally unimodular, so this
optimum is also that of the linear program over the same pairs.

Why column generation
---------------------
At 10,000 papers × 1,000 reviewers the matrix has ten million pairs, nearly all allowed,
while an optimal assignment uses only 30,000 of them. So the first network takes the few
best candidates of every paper (its top `need + 6` reviewers) and of every reviewer with a
minimum load who is among too few of those (their top `min + 6` papers). Its potentials give
each paper a value u[p] and each reviewer a price π[r]; a pair left out could improve the
optimum only if `affinity[p][r] − u[p] − π[r] > 0` ("positive reduced cost"). That test runs
over the whole matrix with numpy; violating pairs are added and the network solved again.
When no pair violates it (beyond `PRICING_TOLERANCE`, 10⁻⁹), the optimum over the candidates
is the optimum over all pairs — the certificate a solve over all pairs would give, not a
heuristic. If the candidates alone are infeasible, they are widened (doubling the candidates)
up to the full set. Below `SMALL_PROBLEM` allowed pairs all of them go into one network.

The reviewer prices are also returned (`Solution.reviewer_prices`): for any prices, the
Lagrangian bound `Σ_r (max(π_r,0)·max_load_r − max(−π_r,0)·min_load_r) + Σ_p (sum of the
need[p] largest affinity[p][r] − π_r)` is an upper bound on every feasible assignment;
`bench/assign.py` recomputes it independently to show the optimality gap (10⁻¹⁰ to 10⁻⁸).

Why this solver (issue 18, goal 4): it replaced HiGHS' dual simplex on the same LP (with
the same column generation), which spent about a thousand iterations on this very degenerate
LP (the affinities sit on a few levels) and took 1.2–1.3× OR-Tools' min-cost flow at
1,000×100; network simplex pivots on a spanning tree of the graph instead of factorising a
basis. Tried before and dropped with HiGHS: greedy, price-based and partial starting bases,
its pricing, scaling and perturbation options, primal simplex and interior point. A numpy
min-cost flow costs 20 µs and more a step where the whole solve must take a few ms;
scipy's `linear_sum_assignment` on paper and reviewer slots could give a paper the same
reviewer twice. OR-Tools' min-cost flow is slower than this one (`bench/assign.py`) and
pulls in pandas.

Measured (bench/assign.py, 2 cores shared with other jobs, random instances with topics,
bids and ~1/21 conflicts, 3 reviews per paper, balanced loads; numpy matrix in): 100×20: 1 ms
(one network, all 1,899 pairs) · 1,000×100: 25 ms of CPU (9,000 of 95,000 pairs, 3 rounds)
· 10,000×1,000: 1.4–1.5 s of CPU (95,000 of 9.5 million pairs, 4 rounds); the objective
equals the full LP over all pairs up to 1,000×100. A list-of-lists matrix of 10,000×1,000
adds 0.6 s for the conversion to numpy.

Balance is a preference, not a constraint
------------------------------------------
With `balance=True` every reviewer has a fair band of loads (`balanced_loads`: the reviews
spread as evenly as each reviewer's maximum and the papers they may review allow), and each
review outside the band costs `BALANCE_WEIGHT` in the objective. In the network the reviewer
passes its load to the sink on three arcs: up to the band's bottom (each review there earns
the weight: a review short of the band costs it), through the band (free), beyond it (costs
the weight; see `_Network`). The optimum stays integral and exact; and since the band only
moves the objective, it can never make a feasible problem infeasible. `BALANCE_WEIGHT` exceeds what one
review can gain in affinity (at most 7 between a "rather not" and a "want" on one's topic), so
when the band is reachable the loads stay inside it, as the hard bounds of old did.

When there is no assignment
---------------------------
Only the hard bounds (explicit minimum and maximum loads, reviews per paper, conflicts) can
make the problem infeasible. Cheap counts run first; when one fails, or the flow finds no
solution, `feasibility.obstruction` names the cause: a set of papers failing Hall's condition
or a set of reviewers whose minimums cannot be met (see there); the exception carries it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NoReturn

import numpy as np
import pylmcf
from numpy.typing import NDArray

from seminar.errors import UserError
from seminar.i18n import _
from seminar.reviews import feasibility
from seminar.reviews.feasibility import Obstruction, Shortage

# Candidates per paper (beyond its need) and per reviewer (beyond the minimum load) in the
# first network; column generation adds whatever else matters.
EXTRA_CANDIDATES = 6
# Below this many allowed pairs the whole problem goes into one network.
SMALL_PROBLEM = 50_000
# A left-out pair whose reduced cost exceeds this enters the network: well above the rounding
# of the integer costs (< 1e-10 a pair, see _Network), far below any difference that matters.
PRICING_TOLERANCE = 1e-9
# What one review outside a reviewer's fair band costs (affinities span −2 … 5.01 a pair).
BALANCE_WEIGHT = 100.0

Matrix = NDArray[np.float64]
Ints = NDArray[np.int64]


class AssignmentInfeasible(UserError):
    """No assignment meets all the constraints; the message says which one fails, and
    `obstruction` (when the cause is a set of papers or reviewers) says it as data."""

    def __init__(self, message: str, obstruction: Obstruction | None = None) -> None:
        super().__init__(message)
        self.obstruction = obstruction


@dataclass(frozen=True)
class Solution:
    """An optimal assignment with what the solver learnt on the way."""

    papers: list[list[int]]  # sorted reviewer indices per paper, the fixed pairs included
    objective: float  # total affinity of all chosen pairs, the fixed ones included
    reviewer_prices: list[float]  # LP dual price π_r of one more review for reviewer r
    columns: int  # pairs that entered the network (the LP's columns)
    rounds: int  # networks solved (one per pricing round, plus any widening)
    fair_low: list[int]  # the fair band of each reviewer's load (the hard bounds without balance)
    fair_high: list[int]
    imbalance: int  # reviews outside the fair bands, in all (the flow maximised objective − weight · this)


def solve(
    affinity: Sequence[Sequence[float | None]] | Matrix,
    reviews_per_paper: int | Sequence[int],
    min_load: Sequence[int],
    max_load: Sequence[int | None],
    *,
    fixed: Iterable[tuple[int, int]] = (),
    balance: bool = False,
    paper_labels: Sequence[str] | None = None,
    reviewer_labels: Sequence[str] | None = None,
) -> list[list[int]]:
    """For each paper, the sorted indices of its reviewers in an assignment of maximum affinity.

    `min_load` / `max_load` are hard bounds per reviewer (None: no maximum). With `balance`
    the loads are drawn towards their fair band (see the module's docstring), which never
    makes a feasible problem infeasible. `fixed` pairs (paper, reviewer) are existing
    assignments: they stay, count towards the paper's `reviews_per_paper` and the reviewer's
    loads, and appear in the result. `paper_labels` / `reviewer_labels` name papers and
    reviewers in error messages (default "#1", "#2" … by position). Raises AssignmentInfeasible.
    """
    return optimise(
        affinity, reviews_per_paper, min_load, max_load,
        fixed=fixed, balance=balance, paper_labels=paper_labels, reviewer_labels=reviewer_labels,
    ).papers


def optimise(
    affinity: Sequence[Sequence[float | None]] | Matrix,
    reviews_per_paper: int | Sequence[int],
    min_load: Sequence[int],
    max_load: Sequence[int | None],
    *,
    fixed: Iterable[tuple[int, int]] = (),
    balance: bool = False,
    paper_labels: Sequence[str] | None = None,
    reviewer_labels: Sequence[str] | None = None,
) -> Solution:
    """`solve` with the objective, the reviewer prices, the fair bands and solver statistics."""
    values = _matrix(affinity, len(min_load))
    n_papers, n_reviewers = values.shape
    need = _per_paper(reviews_per_paper, n_papers)
    if len(min_load) != n_reviewers or len(max_load) != n_reviewers:
        raise ValueError("min_load and max_load need one entry per reviewer (column of affinity)")
    low = np.asarray(min_load, dtype=np.int64)
    # -1 marks "no maximum" from here on, as in `feasibility`.
    high = np.array([-1 if m is None else m for m in max_load], dtype=np.int64)
    if (low < 0).any() or ((high < 0) & np.array([m is not None for m in max_load], dtype=bool)).any():
        raise ValueError("loads cannot be negative")
    labels = _Labels(paper_labels, reviewer_labels)

    allowed = ~np.isnan(values)
    fixed_mask = np.zeros_like(allowed)
    for paper, reviewer in fixed:
        if not (0 <= paper < n_papers and 0 <= reviewer < n_reviewers):
            raise ValueError(f"fixed pair {(paper, reviewer)} is outside the matrix")
        if not allowed[paper, reviewer]:
            raise AssignmentInfeasible(
                _("Paper %(paper)s: the assigned reviewer %(reviewer)s has a conflict with it.",
                  paper=labels.paper(paper), reviewer=labels.reviewer(reviewer))
            )
        fixed_mask[paper, reviewer] = True
    fixed_pairs = np.argwhere(fixed_mask) if fixed_mask.any() else np.zeros((0, 2), dtype=np.int64)

    # Counts of a boolean matrix by count_nonzero: several times faster than sum.
    fixed_per_paper = np.count_nonzero(fixed_mask, axis=1) if len(fixed_pairs) else np.zeros(n_papers, dtype=np.int64)
    fixed_load = np.count_nonzero(fixed_mask, axis=0) if len(fixed_pairs) else np.zeros(n_reviewers, dtype=np.int64)
    _check_settings(fixed_per_paper, fixed_load, need, low, high, labels)
    reach = np.count_nonzero(allowed, axis=0)
    hard_high = np.where(high < 0, reach, np.minimum(high, reach))
    if _counts_fail(allowed, need, low, hard_high):
        _refuse(allowed, fixed_mask, need, low, high, labels)
    if balance:
        fair_low_list, fair_high_list = balanced_loads(n_papers, n_reviewers, need.tolist(), hard_high.tolist(), low.tolist())
        fair_low, fair_high = np.array(fair_low_list, dtype=np.int64), np.array(fair_high_list, dtype=np.int64)
    else:
        fair_low, fair_high = low, hard_high

    free = allowed & ~fixed_mask if len(fixed_pairs) else allowed
    bands = _Bands(
        low=np.maximum(low - fixed_load, 0), high=np.maximum(hard_high - fixed_load, 0),
        fair_low=np.maximum(fair_low - fixed_load, 0), fair_high=np.maximum(fair_high - fixed_load, 0),
        weight=BALANCE_WEIGHT if balance else 0.0,
    )
    need_left = need - fixed_per_paper
    solved = _solve_residual(values, free, need_left, bands)
    if solved is None:
        _refuse(allowed, fixed_mask, need, low, high, labels)
    chosen, prices, columns, rounds = solved

    # The assignment as pairs sorted by paper, then reviewer (no papers × reviewers pass here).
    assigned = np.concatenate([chosen, fixed_pairs])
    assigned = assigned[np.argsort(assigned[:, 0] * n_reviewers + assigned[:, 1])]
    ends = np.cumsum(np.bincount(assigned[:, 0], minlength=n_papers)).tolist()
    flat = assigned[:, 1].tolist()
    papers = [flat[start:end] for start, end in zip([0, *ends[:-1]], ends)]
    objective = float(values[assigned[:, 0], assigned[:, 1]].sum())
    loads = np.bincount(assigned[:, 1], minlength=n_reviewers)
    imbalance = int((np.maximum(fair_low - loads, 0) + np.maximum(loads - fair_high, 0)).sum()) if balance else 0
    return Solution(papers, objective, prices.tolist(), columns, rounds,
                    fair_low.tolist(), fair_high.tolist(), imbalance)


def balanced_loads(
    n_papers: int,
    n_reviewers: int,
    reviews_per_paper: int | Sequence[int],
    max_per_reviewer: int | Sequence[int | None] | None = None,
    min_per_reviewer: Sequence[int] | None = None,
) -> tuple[list[int], list[int]]:
    """(low, high): the fair band of each reviewer's load, spreading the reviews as evenly
    as the reviewers' caps and floors allow.

    Without caps every reviewer gets ⌊average⌋..⌈average⌉ reviews (exactly the average when
    it is whole). With caps (a reviewer's own maximum, None for no cap) and floors (their
    minimum) the level t rises evenly: reviewer r gets clip(s)..clip(t), clip(level) =
    min(cap_r, max(floor_r, level)), where t is the smallest and s the largest whole level
    whose loads add up to at least / at most the demand. When the caps cannot cover the
    demand the bands are the caps. Pass as caps what each reviewer can actually take (their
    maximum, and no more than the papers they may review): the band is then reachable alone.
    """
    demand = int(reviews_per_paper) * n_papers if isinstance(reviews_per_paper, int) else int(sum(reviews_per_paper))
    if n_reviewers == 0:
        return [], []
    if max_per_reviewer is None or isinstance(max_per_reviewer, int):
        caps = [max_per_reviewer] * n_reviewers
    else:
        caps = list(max_per_reviewer)
        if len(caps) != n_reviewers:
            raise ValueError("max_per_reviewer needs one entry per reviewer")
    cap = np.array([demand if c is None else max(0, min(c, demand)) for c in caps], dtype=np.int64)
    floor = np.minimum(np.asarray(min_per_reviewer if min_per_reviewer is not None else [0] * n_reviewers,
                                  dtype=np.int64), cap)

    def loads(level: int) -> Ints:
        return np.minimum(cap, np.maximum(floor, level))

    # The smallest level whose loads cover the demand (loads rise with the level).
    lo, hi = 0, demand
    while lo < hi:
        middle = (lo + hi) // 2
        if int(loads(middle).sum()) >= demand:
            hi = middle
        else:
            lo = middle + 1
    top = lo
    bottom = top if int(loads(top).sum()) == demand else top - 1
    return loads(bottom).tolist(), loads(top).tolist()


# --- input and checks -------------------------------------------------------------------


def _matrix(affinity: Sequence[Sequence[float | None]] | Matrix, n_reviewers: int) -> Matrix:
    if isinstance(affinity, np.ndarray):
        values = affinity.astype(np.float64, copy=False)
    elif len(affinity) == 0:
        values = np.zeros((0, n_reviewers))
    else:
        # None becomes NaN: NaN marks a forbidden pair from here on.
        values = np.array(affinity, dtype=np.float64)
    if values.ndim != 2 or values.shape[1] != n_reviewers:
        raise ValueError("affinity must be a papers × reviewers matrix with one column per load entry")
    if np.isinf(values).any():
        raise ValueError("affinity values must be finite (None marks a forbidden pair)")
    return values


def _per_paper(reviews_per_paper: int | Sequence[int], n_papers: int) -> Ints:
    if isinstance(reviews_per_paper, int):
        need = np.full(n_papers, reviews_per_paper, dtype=np.int64)
    else:
        need = np.asarray(reviews_per_paper, dtype=np.int64)
        if need.shape != (n_papers,):
            raise ValueError("reviews_per_paper needs one entry per paper")
    if (need < 0).any():
        raise ValueError("reviews_per_paper cannot be negative")
    return need


class _Labels:
    def __init__(self, papers: Sequence[str] | None, reviewers: Sequence[str] | None) -> None:
        # Names are needed only for an error message: "#n" is made then, not for every paper up front.
        self.papers = papers
        self.reviewers = reviewers

    def paper(self, index: int) -> str:
        return self.papers[index] if self.papers is not None else f"#{index + 1}"

    def reviewer(self, index: int) -> str:
        return self.reviewers[index] if self.reviewers is not None else f"#{index + 1}"

    def some_papers(self, indices: Sequence[int]) -> str:
        return _some([self.paper(i) for i in indices])

    def some_reviewers(self, indices: Sequence[int]) -> str:
        return _some([self.reviewer(i) for i in indices])


def _some(names: list[str], shown: int = 8) -> str:
    """At most `shown` names, then how many more."""
    text = _(", ").join(names[:shown])
    if len(names) > shown:
        text += _(" and %(count)d more", count=len(names) - shown)
    return text


def _first(mask: NDArray[np.bool_]) -> int | None:
    hits = np.flatnonzero(mask)
    return int(hits[0]) if hits.size else None


def _check_settings(fixed_per_paper: Ints, fixed_per_reviewer: Ints, need: Ints, low: Ints, high: Ints,
                    labels: _Labels) -> None:
    """Contradictions in the input itself: existing assignments beyond a need or a maximum, a minimum above its maximum."""
    capped = high >= 0
    if (p := _first(fixed_per_paper > need)) is not None:
        raise AssignmentInfeasible(_(
            "Paper %(paper)s already has %(assigned)d reviewers, more than the %(needed)d it needs.",
            paper=labels.paper(p), assigned=int(fixed_per_paper[p]), needed=int(need[p])))
    if (r := _first(capped & (fixed_per_reviewer > high))) is not None:
        raise AssignmentInfeasible(_(
            "Reviewer %(reviewer)s already has %(assigned)d papers, more than their maximum load of %(maximum)d.",
            reviewer=labels.reviewer(r), assigned=int(fixed_per_reviewer[r]), maximum=int(high[r])))
    if (r := _first(capped & (low > high))) is not None:
        raise AssignmentInfeasible(_(
            "Reviewer %(reviewer)s: the minimum load %(minimum)d is above the maximum load %(maximum)d.",
            reviewer=labels.reviewer(r), minimum=int(low[r]), maximum=int(high[r])))


def _counts_fail(allowed: NDArray[np.bool_], need: Ints, low: Ints, high: Ints) -> bool:
    """Cheap necessary conditions (each paper alone, each reviewer alone, the totals); when
    one fails the diagnosis runs at once instead of a solve that cannot succeed."""
    demand = int(need.sum())
    return bool((np.count_nonzero(allowed, axis=1) < need).any() or (np.count_nonzero(allowed, axis=0) < low).any()
                or demand > int(high.sum()) or demand < int(low.sum()))


def _refuse(allowed: NDArray[np.bool_], fixed: NDArray[np.bool_], need: Ints, low: Ints, high: Ints,
            labels: _Labels) -> NoReturn:
    found = feasibility.obstruction(allowed, need, low, high, fixed)
    assert found is not None, "the flow found no assignment, so Hall's condition fails somewhere"
    raise AssignmentInfeasible(describe(found, allowed, fixed, need, low, labels), found)


def describe(found: Obstruction, allowed: NDArray[np.bool_], fixed: NDArray[np.bool_], need: Ints, low: Ints,
             labels: _Labels) -> str:
    """The obstruction in one sentence of the user's language."""
    if isinstance(found, Shortage):
        if len(found.papers) == 1 and not fixed[found.papers[0]].any() and allowed[found.papers[0]].sum() < need[found.papers[0]]:
            p = found.papers[0]
            return _("Paper %(paper)s needs %(needed)d reviewers but only %(available)d have no conflict with it.",
                     paper=labels.paper(p), needed=int(need[p]), available=int(allowed[p].sum()))
        return _(
            "Papers %(papers)s still need %(needed)d reviews, but the %(count)d reviewers without conflict with "
            "them can give only %(available)d within their maximum loads.",
            papers=labels.some_papers(found.papers), needed=found.needed, count=len(found.reviewers),
            available=found.available)
    if len(found.reviewers) == 1 and not fixed[:, found.reviewers[0]].any():
        r = found.reviewers[0]
        return _("Reviewer %(reviewer)s must review at least %(minimum)d papers but only %(available)d "
                 "papers have no conflict with them.",
                 reviewer=labels.reviewer(r), minimum=int(low[r]), available=found.available)
    return _(
        "Reviewers %(reviewers)s must still review %(minimum)d papers in all (their minimum loads), but the "
        "papers they may review still need only %(available)d reviews.",
        reviewers=labels.some_reviewers(found.reviewers), minimum=found.minimum, available=found.available)


# --- the solver ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Bands:
    """What the fixed pairs leave of each reviewer's hard bounds and fair band."""

    low: Ints
    high: Ints
    fair_low: Ints
    fair_high: Ints
    weight: float  # the cost of one review outside the fair band (0: no balance)


def _solve_residual(values: Matrix, free: NDArray[np.bool_], need: Ints, bands: _Bands
                    ) -> tuple[Ints, NDArray[np.float64], int, int] | None:
    """The chosen (paper, reviewer) pairs of the optimum over the free pairs, with the demands
    and loads the fixed pairs left, and the reviewer prices; None if infeasible."""
    n_papers, n_reviewers = values.shape
    if n_papers == 0 or (int(need.sum()) == 0 and int(bands.low.sum()) == 0):
        return np.zeros((0, 2), dtype=np.int64), np.zeros(n_reviewers), 0, 0
    weights = np.where(free, values, -np.inf)
    n_free = np.count_nonzero(free)
    extra = n_reviewers if n_free <= SMALL_PROBLEM else EXTRA_CANDIDATES
    wanted = np.maximum(bands.low, np.minimum(bands.fair_low, bands.high)) if bands.weight else bands.low
    active = _candidates(weights, need, wanted, extra)
    network = _Network(weights, need, bands)
    rounds = 0
    while True:
        rounds += 1
        if network.solve(active):
            entering = _entering(weights, active, network.paper_values, network.reviewer_prices, need)
            if not entering.any():
                break
        elif np.count_nonzero(active) == n_free:
            return None
        else:
            extra = max(1, 2 * extra)  # from 0 too: widening must reach every free pair
            entering = _candidates(weights, need, wanted, extra) & ~active
        active |= entering
    return network.chosen, network.reviewer_prices, len(network.pairs), rounds


def _candidates(weights: Matrix, need: NDArray[np.int64], low: NDArray[np.int64], extra: int) -> NDArray[np.bool_]:
    """The best `need + extra` reviewers of every paper and, for a reviewer with a minimum
    load who is among fewer papers' best than `max(low) + extra`, that many best papers."""
    n_papers, n_reviewers = weights.shape
    allowed = np.isfinite(weights)
    active = np.zeros(weights.shape, dtype=bool)
    k = min(n_reviewers, int(need.max(initial=0)) + extra)
    if k >= n_reviewers:
        active[:] = True
    elif k > 0:
        top = np.argpartition(-weights, k - 1, axis=1)[:, :k]
        active[np.arange(n_papers)[:, None], top] = True
    active &= allowed
    if int(low.max(initial=0)) > 0:
        m = min(n_papers, int(low.max()) + extra)
        # Usually every reviewer is among enough papers' best already: no pass over the columns.
        short = np.flatnonzero((low > 0) & (np.count_nonzero(active, axis=0) < m))
        if m >= n_papers:
            active[:, short] |= allowed[:, short]
        elif len(short):
            top = np.argpartition(-weights[:, short], m - 1, axis=0)[:m, :]
            active[top, short[None, :]] = allowed[top, short[None, :]]
    return active


def _entering(weights: Matrix, active: NDArray[np.bool_], paper_values: NDArray[np.float64],
              reviewer_prices: NDArray[np.float64], need: NDArray[np.int64]) -> NDArray[np.bool_]:
    """Left-out pairs with positive reduced cost: per paper the few most violating ones."""
    reduced = weights - paper_values[:, None] - reviewer_prices[None, :]
    reduced[active] = -np.inf
    violating = reduced > PRICING_TOLERANCE
    if not violating.any():
        return violating
    k = min(weights.shape[1], int(need.max(initial=0)) + EXTRA_CANDIDATES)
    if k < weights.shape[1]:
        keep = np.zeros_like(violating)
        rows = np.flatnonzero(violating.any(axis=1))
        top = np.argpartition(-reduced[rows], k - 1, axis=1)[:, :k]
        keep[rows[:, None], top] = True
        violating &= keep
    return violating


class _Network:
    """The min-cost flow over the candidate pairs, solved by LEMON's network simplex (`pylmcf`).

    Nodes: the papers (each supplies its need), the reviewers, one sink (takes the demand).
    Arcs: paper → reviewer for every candidate pair (capacity 1, cost top − a·scale); reviewer
    → sink three times: up to the band's bottom a (at least the hard minimum; −w a review in
    the objective), from a to the band's top b (0), from b to the hard maximum (+w), the band
    clipped into the hard bounds. Every unit of flow crosses one arc of each kind, so the
    costs are shifted by constants (top, w) to be ≥ 0, as the solver requires, and a minimum-
    cost flow maximises affinity − w · (reviews outside the band). Without balance w = 0 and
    the arcs carry the hard bounds alone.

    The solver takes integers: affinities are scaled by `scale` (about 10¹⁰ at 10,000 ×
    1,000, more when smaller; chosen so that no cost, potential or total can overflow) and
    rounded, 6·10⁻¹¹ at most per pair. The network is built anew each round: LEMON's
    graph has fixed arcs, and a cold start over the few candidate pairs costs little.
    """

    def __init__(self, weights: Matrix, need: Ints, bands: _Bands) -> None:
        self.n_papers, self.n_reviewers = weights.shape
        self.need = need
        self.low = bands.low
        self.high = bands.high
        self.a = np.clip(bands.fair_low, bands.low, bands.high)
        self.b = np.clip(bands.fair_high, self.a, bands.high)
        finite = np.isfinite(weights)
        best = float(weights.max(initial=0.0, where=finite))
        span = max(best, -float(weights.min(initial=0.0, where=finite))) + 2 * bands.weight + 1.0
        # A path or a potential crosses at most every node once and carries at most the demand:
        # below 2⁵⁶ with room to spare under LEMON's artificial cost of 2⁶².
        self.scale = float(2**56) / (span * (int(need.sum()) + self.n_papers + self.n_reviewers + 2))
        self.top = int(np.ceil(best * self.scale))
        self.w = int(round(bands.weight * self.scale))
        self.weights = weights
        self.pairs = np.zeros((0, 2), dtype=np.int64)
        self.chosen = np.zeros((0, 2), dtype=np.int64)
        self.paper_values = np.zeros(self.n_papers)
        self.reviewer_prices = np.zeros(self.n_reviewers)

    def solve(self, active: NDArray[np.bool_]) -> bool:
        """Solve over the active pairs and keep the chosen pairs and duals; False when infeasible."""
        n_papers, n_reviewers = self.n_papers, self.n_reviewers
        self.pairs = pairs = np.argwhere(active)  # sorted by paper, then reviewer, as pylmcf wants
        reviewers = n_papers + np.arange(n_reviewers, dtype=np.int64)
        sink = n_papers + n_reviewers
        zeros = np.zeros(n_reviewers, dtype=np.int64)
        graph = pylmcf.Graph(
            sink + 1,
            np.concatenate([pairs[:, 0], np.repeat(reviewers, 3)]),
            np.concatenate([n_papers + pairs[:, 1], np.full(3 * n_reviewers, sink, dtype=np.int64)]),
        )
        affinity = np.round(self.weights[pairs[:, 0], pairs[:, 1]] * self.scale).astype(np.int64)
        graph.set_edge_costs(np.concatenate([self.top - affinity,
                                             np.tile(np.array([0, self.w, 2 * self.w], dtype=np.int64), n_reviewers)]))
        graph.set_edge_capacities(np.concatenate([np.ones(len(pairs), dtype=np.int64),
                                                  np.stack([self.a, self.b - self.a, self.high - self.b], axis=1).ravel()]))
        if self.low.any():
            graph.set_edge_minimums(np.concatenate([np.zeros(len(pairs), dtype=np.int64),
                                                    np.stack([self.low, zeros, zeros], axis=1).ravel()]))
        supply = np.zeros(sink + 1, dtype=np.int64)
        supply[:n_papers] = self.need
        supply[sink] = -int(self.need.sum())
        graph.set_node_supply(supply)
        try:
            graph.solve()
        except RuntimeError as error:
            if "INFEASIBLE" in str(error):
                return False
            raise
        self.chosen = pairs[graph.result()[: len(pairs)] > 0]
        # LEMON's potentials: an arc's reduced cost is cost + pi[from] − pi[to], ≥ 0 on an arc
        # left empty. In the LP's terms (affinity − u_p − π_r ≤ 0 for a pair left out) the
        # reviewer's price is measured from the band's middle arc, so a reviewer strictly
        # inside their band has π_r = 0 as in the LP; u_p takes the rest. Differences of int64
        # first, then the division: exact to a float's precision.
        pi = graph.potentials()
        base = int(pi[sink]) - self.w
        self.reviewer_prices = (base - pi[n_papers:sink]) / self.scale
        self.paper_values = (self.top + pi[:n_papers] - base) / self.scale
        return True
