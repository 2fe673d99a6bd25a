"""The assignment solver: optimal (against brute force and an independent LP), feasible, and clear when it cannot be."""

from __future__ import annotations

import itertools
import random
from collections import Counter
from collections.abc import Sequence

import numpy as np
import pytest
from scipy import sparse
from scipy.optimize import linprog

from seminar import i18n
from seminar.errors import UserError
from seminar.reviews import assign
from seminar.reviews.assign import AssignmentInfeasible, balanced_loads, optimise, solve
from seminar.reviews.feasibility import Shortage

Affinity = list[list[float | None]]
Matrix = np.ndarray


@pytest.fixture(autouse=True)
def clean_database() -> None:
    """Pure code touches no database: nothing to empty after each test (overrides conftest)."""


def brute_force(affinity: Affinity, need: int, low: Sequence[int], high: Sequence[int],
                fixed: set[tuple[int, int]] = frozenset(),
                band: tuple[Sequence[int], Sequence[int]] | None = None) -> float | None:
    """The best total over every way of giving each paper `need` reviewers; None if none is feasible.

    With a band, each review outside a reviewer's band costs assign.BALANCE_WEIGHT.
    """
    n_reviewers = len(low)
    options = [
        [team for team in itertools.combinations(range(n_reviewers), need)
         if all(row[r] is not None for r in team) and all(r in team for p, r in fixed if p == index)]
        for index, row in enumerate(affinity)
    ]
    best = None
    for teams in itertools.product(*options):
        load = [0] * n_reviewers
        for team in teams:
            for r in team:
                load[r] += 1
        if all(low[r] <= load[r] <= high[r] for r in range(n_reviewers)):
            total = sum(affinity[p][r] for p, team in enumerate(teams) for r in team)  # type: ignore[misc]
            if band is not None:
                total -= assign.BALANCE_WEIGHT * sum(max(0, band[0][r] - load[r]) + max(0, load[r] - band[1][r])
                                                     for r in range(n_reviewers))
            best = total if best is None else max(best, total)
    return best


def dense_lp(affinity: Affinity, need: int, low: Sequence[int], high: Sequence[int]) -> float:
    """The LP relaxation with one variable per matrix cell (forbidden cells fixed at 0), by scipy."""
    values = np.array(affinity, dtype=float)
    n_papers, n_reviewers = values.shape
    allowed = ~np.isnan(values)
    cells = np.arange(n_papers * n_reviewers)
    rows_p = sparse.csr_array((np.ones(cells.size), (cells // n_reviewers, cells)), shape=(n_papers, cells.size))
    rows_r = sparse.csr_array((np.ones(cells.size), (cells % n_reviewers, cells)), shape=(n_reviewers, cells.size))
    result = linprog(-np.nan_to_num(values).ravel(),
                     A_eq=rows_p, b_eq=np.full(n_papers, need),
                     A_ub=sparse.vstack([rows_r, -rows_r]), b_ub=np.concatenate([high, -np.array(low)]),
                     bounds=[(0, 1 if ok else 0) for ok in allowed.ravel()], method="highs")
    assert result.status == 0
    return -result.fun


def assert_valid(result: list[list[int]], affinity: Affinity, need: int | Sequence[int],
                 low: Sequence[int], high: Sequence[int], fixed: set[tuple[int, int]] = frozenset()) -> None:
    needs = [need] * len(affinity) if isinstance(need, int) else list(need)
    load = [0] * len(low)
    for p, team in enumerate(result):
        assert team == sorted(set(team)), "sorted, each reviewer once"
        assert len(team) == needs[p]
        assert all(affinity[p][r] is not None for r in team), "a conflict was assigned"
        for r in team:
            load[r] += 1
    assert all(lo <= n <= hi for lo, n, hi in zip(low, load, high, strict=True))
    assert all(r in result[p] for p, r in fixed)


def random_instance(rng: random.Random, n_papers: int, n_reviewers: int, conflict_rate: float = 0.2) -> Affinity:
    return [[None if rng.random() < conflict_rate else round(rng.uniform(-2, 5), 3) for _ in range(n_reviewers)]
            for _ in range(n_papers)]


@pytest.mark.parametrize("seed", range(150))
def test_optimal_against_brute_force_on_small_random_instances(seed: int) -> None:
    rng = random.Random(seed)
    need = rng.choice([1, 2])
    n_reviewers = rng.randint(3, 5)
    n_papers = rng.randint(1, 5 if need == 1 or n_reviewers <= 4 else 4)
    affinity = random_instance(rng, n_papers, n_reviewers)
    low = [rng.randint(0, 1) for _ in range(n_reviewers)]
    high = [lo + rng.randint(0, 3) for lo in low]
    allowed = [(p, r) for p in range(n_papers) for r in range(n_reviewers) if affinity[p][r] is not None]
    fixed = set(rng.sample(allowed, k=min(len(allowed), rng.choice([0, 0, 1, 2]))))

    best = brute_force(affinity, need, low, high, fixed)
    try:
        solution = optimise(affinity, need, low, high, fixed=fixed)
    except AssignmentInfeasible:
        assert best is None
    else:
        assert best is not None
        assert solution.objective == pytest.approx(best, abs=1e-9)
        assert_valid(solution.papers, affinity, need, low, high, fixed)


@pytest.mark.parametrize("seed", range(100))
def test_balanced_optimum_against_brute_force_with_the_same_penalty(seed: int) -> None:
    rng = random.Random(500 + seed)
    need = rng.choice([1, 2])
    n_reviewers = rng.randint(3, 5)
    n_papers = rng.randint(1, 5 if need == 1 or n_reviewers <= 4 else 4)
    affinity = random_instance(rng, n_papers, n_reviewers, conflict_rate=0.3)
    low = [rng.choice([0, 0, 1]) for _ in range(n_reviewers)]
    high: list[int | None] = [rng.choice([None, lo + rng.randint(0, 3)]) for lo in low]
    allowed = [(p, r) for p in range(n_papers) for r in range(n_reviewers) if affinity[p][r] is not None]
    fixed = set(rng.sample(allowed, k=min(len(allowed), rng.choice([0, 0, 1]))))
    hard = [n_papers if h is None else h for h in high]

    try:
        solution = optimise(affinity, need, low, high, fixed=fixed, balance=True)
    except AssignmentInfeasible as refused:
        assert brute_force(affinity, need, low, hard, fixed) is None
        assert refused.obstruction is not None or refused.message
    else:
        best = brute_force(affinity, need, low, hard, fixed, band=(solution.fair_low, solution.fair_high))
        assert best is not None
        value = solution.objective - assign.BALANCE_WEIGHT * solution.imbalance
        assert value == pytest.approx(best, abs=1e-9)
        assert_valid(solution.papers, affinity, need, low, hard, fixed)


@pytest.mark.parametrize("seed", range(10))
def test_optimal_against_an_independent_dense_lp_on_medium_instances(seed: int) -> None:
    rng = random.Random(1000 + seed)
    affinity = random_instance(rng, 30, 10, conflict_rate=0.1)
    low, high = balanced_loads(30, 10, 3)
    high = [h + rng.randint(0, 2) for h in high]
    low = [max(0, lo - rng.randint(0, 2)) for lo in low]

    solution = optimise(affinity, 3, low, high)

    assert_valid(solution.papers, affinity, 3, low, high)
    assert solution.objective == pytest.approx(dense_lp(affinity, 3, low, high), abs=1e-6)


@pytest.fixture
def column_generation(monkeypatch: pytest.MonkeyPatch) -> None:
    """Take the column-generation path (meant for large instances) on a medium one."""
    monkeypatch.setattr(assign, "SMALL_PROBLEM", 100)
    monkeypatch.setattr(assign, "EXTRA_CANDIDATES", 2)


@pytest.mark.usefixtures("column_generation")
def test_column_generation_matches_the_full_lp_and_its_own_bound() -> None:
    rng = np.random.default_rng(7)
    values = rng.uniform(0, 5, size=(120, 40))
    values[rng.random(values.shape) < 0.05] = np.nan
    affinity: Affinity = [[None if np.isnan(v) else float(v) for v in row] for row in values]
    low, high = balanced_loads(120, 40, 3)

    solution = optimise(values, 3, low, high)

    assert_valid(solution.papers, affinity, 3, low, high)
    assert solution.rounds > 1, "pairs left out at first entered by their reduced cost"
    assert solution.columns < (~np.isnan(values)).sum() / 2, "only a fraction of the pairs entered the LP"
    assert solution.objective == pytest.approx(dense_lp(affinity, 3, low, high), abs=1e-6)
    # Weak duality: these prices bound every feasible assignment, and the bound is reached.
    prices = np.array(solution.reviewer_prices)
    adjusted = np.where(np.isnan(values), -np.inf, values - prices)
    bound = (np.sort(adjusted, axis=1)[:, -3:].sum()
             + (np.maximum(prices, 0) * high).sum() - (np.maximum(-prices, 0) * low).sum())
    assert bound == pytest.approx(solution.objective, abs=1e-6)


@pytest.mark.usefixtures("column_generation")
def test_candidates_widened_when_the_favourites_cannot_take_every_paper() -> None:
    rng = np.random.default_rng(3)
    values = rng.uniform(0, 1, size=(100, 30))
    values[:, :5] = 10.0  # everyone's favourites, but they take one paper each
    high = [1] * 5 + [100] * 25
    low = [0] * 30

    solution = optimise(values, 1, low, high)

    assert solution.rounds > 1
    assert sum(len(team) for team in solution.papers) == 100
    expected = dense_lp(values.tolist(), 1, low, high)
    assert solution.objective == pytest.approx(expected, abs=1e-6)


def test_solve_returns_sorted_reviewers_per_paper_with_per_paper_needs() -> None:
    affinity: Affinity = [
        [5.0, 4.0, 1.0, None],
        [1.0, None, 3.0, 2.0],
        [0.0, 0.0, 0.0, 0.0],
    ]
    result = solve(affinity, [2, 1, 0], [0, 0, 0, 0], [1, 1, 1, 1])
    assert result == [[0, 1], [2], []]


def test_loads_force_a_worse_reviewer_and_conflicts_are_never_used() -> None:
    affinity: Affinity = [[9.0, 1.0, None], [8.0, None, 1.0], [7.0, 2.0, 3.0]]
    result = solve(affinity, 1, [0, 0, 0], [1, 3, 3])
    assert result == [[0], [2], [2]]


def test_fixed_pairs_are_kept_and_count_towards_needs_and_loads() -> None:
    affinity: Affinity = [[1.0, 5.0, 4.0], [1.0, 5.0, 4.0]]
    # Reviewer 0 already reviews paper 0: only one more reviewer is added there.
    result = solve(affinity, 2, [0, 0, 0], [1, 2, 1], fixed=[(0, 0)])
    assert result == [[0, 1], [1, 2]]


def test_negative_affinities_are_still_assigned_when_needed() -> None:
    assert solve([[-3.0, -1.0]], 1, [0, 0], [1, 1]) == [[1]]


def test_nothing_to_do() -> None:
    assert solve([], 3, [], []) == []
    assert solve([[1.0, None]], 0, [0, 0], [5, 5]) == [[]]


def english(call: object) -> str:
    with i18n.use_locale("en"), pytest.raises(AssignmentInfeasible) as caught:
        call()  # type: ignore[operator]
    assert isinstance(caught.value, UserError)
    return caught.value.message


@pytest.mark.parametrize(("affinity", "need", "low", "high", "message"), [
    ([[1.0, None, None], [1.0, 1.0, 1.0]], 2, [0, 0, 0], [5, 5, 5],
     "Paper #1 needs 2 reviewers but only 1 have no conflict with it."),
    ([[1.0, 1.0]] * 3, 1, [0, 0], [1, 1],
     ("Papers #1, #2, #3 still need 3 reviews, but the 2 reviewers without conflict with them "
      "can give only 2 within their maximum loads.")),
    ([[1.0, 1.0]] * 3, 1, [2, 2], [3, 3],
     ("Reviewers #1, #2 must still review 4 papers in all (their minimum loads), but the papers "
      "they may review still need only 3 reviews.")),
    ([[1.0, None], [1.0, None], [1.0, 1.0]], 1, [0, 2], [3, 3],
     "Reviewer #2 must review at least 2 papers but only 1 papers have no conflict with them."),
    ([[1.0, 1.0]], 1, [2, 0], [1, 1],
     "Reviewer #1: the minimum load 2 is above the maximum load 1."),
])
def test_infeasible_instances_name_the_constraint(affinity: Affinity, need: int, low: list[int], high: list[int],
                                                  message: str) -> None:
    assert english(lambda: solve(affinity, need, low, high)) == message


def test_a_topic_whose_papers_outnumber_its_reviewers_capacity_is_named_by_its_papers() -> None:
    # Topic A: three papers that only reviewers 0 and 1 may review, one paper each at most;
    # the totals add up because reviewers 2 and 3 have room, but only on topic B.
    affinity: Affinity = [
        [1.0, 1.0, None, None], [1.0, 1.0, None, None], [1.0, 1.0, None, None],
        [1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0],
    ]
    with pytest.raises(AssignmentInfeasible) as caught:
        solve(affinity, 1, [0] * 4, [1, 1, 10, 10])

    found = caught.value.obstruction
    assert isinstance(found, Shortage)
    assert (found.papers, found.reviewers, found.needed, found.available) == ((0, 1, 2), (0, 1), 3, 2)


def test_infeasible_only_in_combination_names_the_two_papers_that_compete() -> None:
    # Every count adds up (8 reviews needed, 9 possible), yet papers 1 and 2 both need
    # reviewer 1, who takes one paper at most.
    affinity: Affinity = [[1.0, 1.0, None, None], [1.0, 1.0, None, None], [1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0]]
    message = english(lambda: solve(affinity, 2, [0] * 4, [1, 10, 10, 10]))
    assert message == ("Papers #1, #2 still need 4 reviews, but the 2 reviewers without conflict with them "
                       "can give only 3 within their maximum loads.")


def test_balance_prefers_the_fair_band_but_never_refuses() -> None:
    # 4 papers × 2 reviews over 4 reviewers: the fair band is exactly 2 each. Reviewer 0 is
    # everyone's favourite, yet gets only 2; reviewer 3 may review only paper 0, so can reach
    # only 1: the others take up the slack instead of the problem becoming infeasible.
    affinity: Affinity = [[5.0, 1.0, 1.0, 1.0], [5.0, 1.0, 1.0, None], [5.0, 1.0, 1.0, None], [5.0, 1.0, 1.0, None]]

    solution = optimise(affinity, 2, [0] * 4, [None] * 4, balance=True)

    loads = [sum(r in team for team in solution.papers) for r in range(4)]
    assert (solution.fair_low, solution.fair_high) == ([2, 2, 2, 1], [3, 3, 3, 1])
    assert loads[3] == 1 and loads[0] == 3 and sum(loads) == 8
    assert solution.imbalance == 0
    assert_valid(solution.papers, affinity, 2, [0] * 4, [4] * 4)


def test_the_issue_13_case_hidden_minimum_no_longer_refuses() -> None:
    """Issue 13: 30 papers × 3 over 5 reviewers gave everyone a hidden minimum of 18; one
    reviewer's conflicts left them 17 papers, and 自动分配 refused. Now it assigns: that
    reviewer takes all 17 and the others share the rest evenly."""
    affinity: Affinity = [[1.0] * 5 for _ in range(30)]
    for p in range(13):
        affinity[p][4] = None

    solution = optimise(affinity, 3, [0] * 5, [None] * 5, balance=True)

    loads = [sum(r in team for team in solution.papers) for r in range(5)]
    assert (solution.fair_low, solution.fair_high) == ([18, 18, 18, 18, 17], [19, 19, 19, 19, 17])
    assert loads[4] == 17 and sorted(loads[:4]) == [18, 18, 18, 19]
    assert solution.imbalance == 0


def test_fixed_pairs_that_cannot_stand_are_refused_with_the_reason() -> None:
    affinity: Affinity = [[1.0, None], [1.0, 1.0]]
    labels = {"paper_labels": ["“数字治理”", "“基层调解”"], "reviewer_labels": ["张三", "李四"]}
    assert english(lambda: solve(affinity, 1, [0, 0], [2, 2], fixed=[(0, 1)], **labels)) == (
        "Paper “数字治理”: the assigned reviewer 李四 has a conflict with it.")
    assert english(lambda: solve(affinity, 1, [0, 0], [2, 2], fixed=[(1, 0), (1, 1)], **labels)) == (
        "Paper “基层调解” already has 2 reviewers, more than the 1 it needs.")
    assert english(lambda: solve(affinity, 1, [0, 0], [1, 2], fixed=[(0, 0), (1, 0)], **labels)) == (
        "Reviewer 张三 already has 2 papers, more than their maximum load of 1.")


def test_messages_are_in_the_users_language() -> None:
    with pytest.raises(AssignmentInfeasible) as caught:
        solve([[1.0, None]], 2, [0, 0], [1, 1], paper_labels=["“数字治理”"])
    assert caught.value.message == "论文“数字治理”需要 2 位评审专家，但无利益冲突的只有 1 位。"


@pytest.mark.parametrize(("papers", "reviewers", "need", "caps", "low", "high"), [
    (10, 5, 3, None, [6] * 5, [6] * 5),
    (10, 4, 3, None, [7] * 4, [8] * 4),
    (7, 3, [1] * 7, None, [2] * 3, [3] * 3),
    (10, 4, 3, 7, [7] * 4, [7] * 4),  # the cap cannot cover the demand: the solver will say so
    (10, 4, 3, [2, None, None, None], [2, 9, 9, 9], [2, 10, 10, 10]),
    (0, 3, 3, None, [0] * 3, [0] * 3),
    (5, 0, 3, None, [], []),
])
def test_balanced_loads(papers: int, reviewers: int, need: int | list[int], caps: int | list[int | None] | None,
                        low: list[int], high: list[int]) -> None:
    assert balanced_loads(papers, reviewers, need, caps) == (low, high)


def test_balanced_loads_always_admit_the_demand_when_caps_allow() -> None:
    rng = random.Random(5)
    for _ in range(200):
        papers, reviewers, need = rng.randint(0, 40), rng.randint(1, 12), rng.randint(1, 4)
        caps = [rng.choice([None, rng.randint(0, 15)]) for _ in range(reviewers)]
        low, high = balanced_loads(papers, reviewers, need, caps)
        assert sum(low) <= papers * need
        assert all(lo <= hi for lo, hi in zip(low, high, strict=True))
        assert all(hi - lo <= 1 for lo, hi in zip(low, high, strict=True))
        if sum(papers * need if c is None else c for c in caps) >= papers * need:
            assert sum(high) >= papers * need


def seminar_instance(rng: np.random.Generator, n_papers: int, n_reviewers: int) -> Matrix:
    """Affinities on the few levels a real seminar gives (topic match, bids) plus a tie-break,
    with conflicts: the degenerate shape on which the solvers must agree."""
    topics = rng.integers(0, 4, size=n_papers)
    expertise = rng.random((n_reviewers, 4)) < 0.4
    values = np.where(expertise[:, topics].T, 3.0, 0.0)
    bids = rng.random(values.shape) < 0.3
    values[bids] += rng.choice([2.0, 1.0, -2.0], size=int(bids.sum()))
    values += rng.uniform(0, 0.01, size=values.shape)
    values[rng.random(values.shape) < 0.08] = np.nan
    # Three reviewers who may review only the same five papers: their fair bands (by their own
    # reach) usually cannot all be met, so the balance penalty is paid somewhere.
    values[5:, :3] = np.nan
    return values


def full_lp(values: Matrix, need: Sequence[int], low: Sequence[int], high: Sequence[int],
            fixed: set[tuple[int, int]], band: tuple[Sequence[int], Sequence[int]] | None) -> float:
    """affinity − w · (reviews outside the band) at the optimum of the LP over every allowed pair
    (fixed pairs at 1), with shortfall and excess columns per reviewer, by scipy's HiGHS."""
    pairs = np.argwhere(~np.isnan(values))
    n_papers, n_reviewers = values.shape
    count = len(pairs)
    a = np.clip(band[0] if band else low, low, high)
    b = np.clip(band[1] if band else high, a, high)
    weight = assign.BALANCE_WEIGHT if band else 0.0
    loads = np.arange(n_reviewers)
    by_paper = sparse.csr_array((np.ones(count), (pairs[:, 0], np.arange(count))), shape=(n_papers, count + 2 * n_reviewers))
    by_reviewer = sparse.csr_array(
        (np.concatenate([np.ones(count), np.ones(n_reviewers), -np.ones(n_reviewers)]),
         (np.concatenate([pairs[:, 1], loads, loads]), np.arange(count + 2 * n_reviewers))),
        shape=(n_reviewers, count + 2 * n_reviewers))
    cost = np.concatenate([values[pairs[:, 0], pairs[:, 1]], np.full(2 * n_reviewers, -weight)])
    bounds = ([(1, 1) if (int(p), int(r)) in fixed else (0, 1) for p, r in pairs]
              + [(0, int(room)) for room in np.concatenate([a - np.asarray(low), np.asarray(high) - b])])
    result = linprog(-cost, A_eq=by_paper, b_eq=np.asarray(need), A_ub=sparse.vstack([by_reviewer, -by_reviewer]),
                     b_ub=np.concatenate([b, -a]), bounds=bounds, method="highs")
    assert result.status == 0
    return -float(result.fun)


def lagrangian_bound(values: Matrix, need: Sequence[int], low: Sequence[int], high: Sequence[int],
                     fixed: set[tuple[int, int]], band: tuple[Sequence[int], Sequence[int]],
                     prices: Sequence[float]) -> float:
    """For ANY reviewer prices π an upper bound on affinity − w · (reviews outside the band)
    (weak duality): per paper its fixed pairs and its best other pairs at affinity − π, per
    reviewer the best π·L − w·(L outside the band) over the loads L it may take."""
    pi = np.asarray(prices)
    adjusted = np.where(np.isnan(values), -np.inf, values - pi[None, :])
    total = 0.0
    for p, row in enumerate(adjusted):
        forced = [r for q, r in fixed if q == p]
        rest = np.sort(np.delete(row, forced))[::-1][: need[p] - len(forced)]
        total += float(row[forced].sum() + rest.sum())
    for r in range(len(pi)):
        loads = np.arange(low[r], high[r] + 1)
        deviation = np.maximum(band[0][r] - loads, 0) + np.maximum(loads - band[1][r], 0)
        total += float((pi[r] * loads - assign.BALANCE_WEIGHT * deviation).max())
    return total


@pytest.mark.parametrize("seed", range(40))
def test_network_simplex_against_the_full_lp_on_seminar_shaped_instances(seed: int) -> None:
    # Conflicts, bids on a few levels, per-paper needs, minimum loads, personal maxima (some
    # reviewers none), fixed pairs, balance on or off; half the seeds take the column-generation
    # path (the candidates first, then the pairs whose reduced cost says they could improve it).
    rng = np.random.default_rng(seed)
    n_papers, n_reviewers = int(rng.integers(20, 70)), int(rng.integers(6, 16))
    values = seminar_instance(rng, n_papers, n_reviewers)
    need = rng.integers(1, 4, size=n_papers).tolist()
    low = [int(rng.choice([0, 0, 0, 1, 2])) for _ in range(n_reviewers)]
    maximum: list[int | None] = [None if rng.random() < 0.5 else lo + int(rng.integers(2, 12)) for lo in low]
    allowed = np.argwhere(~np.isnan(values))
    fixed = {(int(p), int(r)) for p, r in allowed[rng.choice(len(allowed), size=int(rng.integers(0, 4)), replace=False)]}
    balance = bool(seed % 3)
    reach = (~np.isnan(values)).sum(axis=0)
    hard = [int(reach[r]) if m is None else min(m, int(reach[r])) for r, m in enumerate(maximum)]
    with pytest.MonkeyPatch.context() as patch:
        if seed % 2:
            patch.setattr(assign, "SMALL_PROBLEM", 10)
            patch.setattr(assign, "EXTRA_CANDIDATES", 1)
        try:
            solution = optimise(values, need, low, maximum, fixed=fixed, balance=balance)
        except AssignmentInfeasible:
            with pytest.raises(AssertionError):  # the LP finds no solution either
                full_lp(values, need, low, hard, fixed, None)
            return

    affinity: Affinity = [[None if np.isnan(v) else float(v) for v in row] for row in values]
    assert_valid(solution.papers, affinity, need, low, hard, fixed)
    band = (solution.fair_low, solution.fair_high)
    value = solution.objective - assign.BALANCE_WEIGHT * solution.imbalance
    assert value == pytest.approx(full_lp(values, need, low, hard, fixed, band if balance else None), abs=1e-6)
    assert lagrangian_bound(values, need, low, hard, fixed, band, solution.reviewer_prices) - value < 1e-6

