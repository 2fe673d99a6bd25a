"""Why no assignment exists, and what would make one possible: a pure diagnosis for `assign`.

The hard constraints are: paper p gets `need[p]` reviewers, reviewer r gets between `low[r]`
and `high[r]` papers, only allowed (conflict-free) pairs, existing assignments (`fixed`) stay.
Seen as a flow (source → paper → reviewer → sink), Hoffman's circulation theorem says such an
assignment exists exactly when neither of two obstructions does:

* **a shortage** (Hall's condition fails): a set S of papers needs more reviews than its
  eligible reviewers can give, `need(S) > Σ_r min(room_r, e(S, r))`, where room_r is what the
  reviewer's maximum leaves and e(S, r) the papers of S they may still review;
* **an unmet minimum** (the same, seen from the reviewers): a set T of reviewers must get more
  papers than the papers they may review still need, `low(T) > Σ_p min(need_p, e(p, T))`.

A maximum flow finds either one: after it, the papers reachable in the residual graph from a
paper left short form a set S as above (all its reviewers are full, or every pair into S is
used), and symmetrically for the reviewers. Of these we keep a small set, then drop members
one by one while the rest still fails (an inclusion-minimal set when it is at most
`SHRINK_LIMIT` large): each paper or reviewer named is part of the cause. (The smallest such
set overall is NP-hard to find in general; a minimal one is what the organizer can act on.)

`relaxations` turns an obstruction into concrete changes that remove it: raise these
reviewers' maximums to these values, lower these minimums, look at these papers' conflicts.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.sparse.csgraph import maximum_flow

Bools = NDArray[np.bool_]
Ints = NDArray[np.int64]

# Sets up to this size are shrunk to an inclusion-minimal one (quadratic in the size).
SHRINK_LIMIT = 300
# Short papers (or reviewers) tried as the start of the search for a small set.
STARTS = 30


@dataclass(frozen=True)
class Shortage:
    """Hall's condition fails for `papers`: they need `needed` more reviews, their eligible
    `reviewers` can give only `available`. `room[i]` is what reviewers[i]'s maximum still
    allows (None: no maximum), `eligible[i]` how many of the papers they may still review."""

    papers: tuple[int, ...]
    needed: int
    available: int
    reviewers: tuple[int, ...]
    room: tuple[int | None, ...]
    eligible: tuple[int, ...]

    @property
    def missing(self) -> int:
        return self.needed - self.available


@dataclass(frozen=True)
class UnmetMinimum:
    """The minimums of `reviewers` add up to `minimum` more papers, but the papers they may
    review (`papers`) still need only `available` reviews from them."""

    reviewers: tuple[int, ...]
    minimum: int
    available: int
    papers: tuple[int, ...]

    @property
    def missing(self) -> int:
        return self.minimum - self.available


Obstruction = Shortage | UnmetMinimum


@dataclass(frozen=True)
class Relaxation:
    """One change that helps: `kind` is "raise_max" (reviewer, to value), "lower_min"
    (reviewer, to value) or "conflicts" (paper: lifting one of its conflicts would help);
    `gain` is how many of the missing reviews it gives at most."""

    kind: str
    gain: int
    reviewer: int | None = None
    paper: int | None = None
    value: int | None = None


def obstruction(allowed: Bools, need: Ints, low: Ints, high: Ints, fixed: Bools | None = None) -> Obstruction | None:
    """The cause that no assignment exists, or None when one does.

    `allowed` is papers × reviewers; in `high`, -1 means "no maximum". Fixed pairs count
    towards needs and loads, as in `assign.optimise`; they must be allowed and within
    needs and maximums (the solver checks that first, with its own messages).

    >>> obstruction(np.array([[True, False]]), np.array([2]), np.zeros(2, np.int64), np.array([-1, -1]))
    Shortage(papers=(0,), needed=2, available=1, reviewers=(0,), room=(None,), eligible=(1,))
    """
    fixed = np.zeros_like(allowed) if fixed is None else fixed
    free = allowed & ~fixed
    unlimited = high < 0
    need_left = np.maximum(need - fixed.sum(axis=1), 0)
    room = np.where(unlimited, free.sum(axis=0), np.maximum(high - fixed.sum(axis=0), 0))
    low_left = np.maximum(low - fixed.sum(axis=0), 0)

    papers = _deficient(free, need_left, room)
    if papers is not None:
        rows = free[papers]
        eligible = rows.sum(axis=0)
        who = np.flatnonzero(eligible)
        return Shortage(
            papers=tuple(int(p) for p in papers),
            needed=int(need_left[papers].sum()),
            available=int(np.minimum(room, eligible).sum()),
            reviewers=tuple(int(r) for r in who),
            room=tuple(None if unlimited[r] else int(room[r]) for r in who),
            eligible=tuple(int(eligible[r]) for r in who),
        )
    reviewers = _deficient(free.T, low_left, need_left)
    if reviewers is not None:
        columns = free[:, reviewers]
        eligible = columns.sum(axis=1)
        return UnmetMinimum(
            reviewers=tuple(int(r) for r in reviewers),
            minimum=int(low_left[reviewers].sum()),
            available=int(np.minimum(need_left, eligible).sum()),
            papers=tuple(int(p) for p in np.flatnonzero(eligible)),
        )
    return None


def relaxations(found: Obstruction, high: Ints, low: Ints,
                allowed: Bools, fixed: Bools | None = None) -> list[Relaxation]:
    """Changes that remove (part of) the obstruction, the most helpful first.

    For a shortage: raise the maximum of each eligible reviewer whose maximum binds (to what
    the missing reviews need, at most to the papers they may review), and the papers that
    have a conflict with a reviewer who still has room. For an unmet minimum: lower the
    minimums of the reviewers named, by what is missing.
    """
    fixed = np.zeros_like(allowed) if fixed is None else fixed
    result: list[Relaxation] = []
    if isinstance(found, Shortage):
        for r, room, eligible in zip(found.reviewers, found.room, found.eligible, strict=True):
            if room is not None and room < eligible:
                gain = min(eligible - room, found.missing)
                result.append(Relaxation("raise_max", gain, reviewer=r, value=int(high[r]) + gain))
        full = _full_reviewers(allowed, fixed, high)
        for p in found.papers:
            helpers = ~allowed[p] & ~full
            if helpers.any():
                result.append(Relaxation("conflicts", min(int(helpers.sum()), found.missing), paper=p))
    else:
        fixed_load = fixed.sum(axis=0)
        for r in found.reviewers:
            left = int(low[r]) - int(fixed_load[r])
            if left > 0:
                gain = min(left, found.missing)
                result.append(Relaxation("lower_min", gain, reviewer=r, value=int(low[r]) - gain))
    result.sort(key=lambda relaxation: -relaxation.gain)
    return result


def deficiency(edges: Bools, demand: Ints, capacity: Ints, members: NDArray[np.intp]) -> int:
    """How much `members` (rows of `edges`) demand beyond what their neighbours can give.

    Hall's condition for rows with demands and columns with capacities: positive means the
    members cannot all be served, whatever the rest does.
    """
    if members.size == 0:
        return 0
    return int(demand[members].sum()) - int(np.minimum(capacity, edges[members].sum(axis=0)).sum())


def _full_reviewers(allowed: Bools, fixed: Bools, high: Ints) -> Bools:
    return (high >= 0) & (fixed.sum(axis=0) >= high)


def _deficient(edges: Bools, demand: Ints, capacity: Ints) -> NDArray[np.intp] | None:
    """A small set of rows failing Hall's condition (rows demand, columns capacity), or None.

    Maximum flow source → row (demand) → column (1 per edge) → sink (capacity); a row left
    short and the rows reachable from it in the residual graph fail the condition.
    """
    if int(demand.sum()) == 0:
        return None
    short_by_count = np.flatnonzero(demand > (edges & (capacity > 0)).sum(axis=1))
    if short_by_count.size:  # a row failing alone: no flow needed
        return short_by_count[:1]
    flow = _row_column_flow(edges, demand, capacity)
    served = flow.sum(axis=1)
    short = np.flatnonzero(served < demand)
    if short.size == 0:
        return None
    best: NDArray[np.intp] | None = None
    for start in short[:STARTS]:
        members = _residual_reach(edges, flow, capacity, int(start))
        if best is None or members.size < best.size:
            best = members
        if best.size == 1:
            break
    assert best is not None and deficiency(edges, demand, capacity, best) > 0, "a short row's reach fails Hall"
    return _shrink(edges, demand, capacity, best)


def _row_column_flow(edges: Bools, demand: Ints, capacity: Ints) -> Bools:
    """Which edges carry flow in a maximum flow (scipy's Dinic on the three-layer network)."""
    n_rows, n_columns = edges.shape
    source, sink = n_rows + n_columns, n_rows + n_columns + 1
    rows, columns = np.nonzero(edges)
    tails = np.concatenate([np.full(n_rows, source), rows, n_rows + np.arange(n_columns)])
    heads = np.concatenate([np.arange(n_rows), n_rows + columns, np.full(n_columns, sink)])
    caps = np.concatenate([demand, np.ones(rows.size, dtype=np.int64), capacity]).astype(np.int32)
    size = n_rows + n_columns + 2
    graph = sparse.csr_array((caps, (tails, heads)), shape=(size, size))
    result = maximum_flow(graph, source, sink, method="dinic")
    flows = result.flow[rows, n_rows + columns]
    used = np.zeros_like(edges)
    used[rows[flows > 0], columns[flows > 0]] = True
    return used


def _residual_reach(edges: Bools, used: Bools, capacity: Ints, start: int) -> NDArray[np.intp]:
    """The rows reachable from `start` by alternating paths: an unused edge to a column,
    a used edge back to a row. After a maximum flow every column reached is full."""
    seen_rows = np.zeros(edges.shape[0], dtype=bool)
    seen_columns = np.zeros(edges.shape[1], dtype=bool)
    seen_rows[start] = True
    queue = deque([start])
    while queue:
        row = queue.popleft()
        for column in np.flatnonzero(edges[row] & ~used[row] & ~seen_columns):
            seen_columns[column] = True
            assert used[:, column].sum() >= capacity[column], "an augmenting path after a maximum flow"
            for other in np.flatnonzero(used[:, column] & ~seen_rows):
                seen_rows[other] = True
                queue.append(int(other))
    return np.flatnonzero(seen_rows)


def _shrink(edges: Bools, demand: Ints, capacity: Ints, members: NDArray[np.intp]) -> NDArray[np.intp]:
    """Drop members while the rest still fails Hall's condition (members asking least first)."""
    if members.size > SHRINK_LIMIT:
        return members
    keep = list(members[np.argsort(demand[members], kind="stable")])
    index = 0
    while index < len(keep):
        trial = np.array(keep[:index] + keep[index + 1:], dtype=np.intp)
        if deficiency(edges, demand, capacity, trial) > 0:
            keep = list(trial)
        else:
            index += 1
    return np.array(sorted(keep), dtype=np.intp)
