"""The diagnosis of an impossible assignment: a true obstruction (checked from the raw data), present
exactly when no assignment exists (checked by an independent LP), minimal, and relaxations that remove it."""

from __future__ import annotations

import random

import numpy as np
import pytest
from scipy import sparse
from scipy.optimize import linprog

from seminar.reviews.feasibility import Relaxation, Shortage, UnmetMinimum, obstruction, relaxations

Bools = np.ndarray


@pytest.fixture(autouse=True)
def clean_database() -> None:
    """Pure code touches no database: nothing to empty after each test (overrides conftest)."""


def exists(allowed: Bools, need: np.ndarray, low: np.ndarray, high: np.ndarray, fixed: Bools) -> bool:
    """Whether an assignment exists, by scipy's LP over every cell (integral: the matrix is totally unimodular)."""
    n_papers, n_reviewers = allowed.shape
    cells = np.arange(n_papers * n_reviewers)
    by_paper = sparse.csr_array((np.ones(cells.size), (cells // n_reviewers, cells)), shape=(n_papers, cells.size))
    by_reviewer = sparse.csr_array((np.ones(cells.size), (cells % n_reviewers, cells)), shape=(n_reviewers, cells.size))
    top = np.where(high < 0, n_papers, high)
    bounds = [(1 if f else 0, 1 if ok else 0) for ok, f in zip(allowed.ravel(), fixed.ravel(), strict=True)]
    result = linprog(np.zeros(cells.size), A_eq=by_paper, b_eq=need,
                     A_ub=sparse.vstack([by_reviewer, -by_reviewer]), b_ub=np.concatenate([top, -low]),
                     bounds=bounds, method="highs")
    return bool(result.status == 0)


def shortage_of(papers: list[int], allowed: Bools, need: np.ndarray, high: np.ndarray, fixed: Bools) -> int:
    """Hall's condition from scratch: what the papers still need beyond what any assignment could give them."""
    if not papers:
        return 0
    free = allowed & ~fixed
    room = np.where(high < 0, free.sum(axis=0), np.maximum(high - fixed.sum(axis=0), 0))
    needed = sum(int(need[p]) - int(fixed[p].sum()) for p in papers)
    return needed - int(np.minimum(room, free[papers].sum(axis=0)).sum())


def unmet_of(reviewers: list[int], allowed: Bools, need: np.ndarray, low: np.ndarray, fixed: Bools) -> int:
    if not reviewers:
        return 0
    free = allowed & ~fixed
    need_left = need - fixed.sum(axis=1)
    minimum = sum(max(int(low[r]) - int(fixed[:, r].sum()), 0) for r in reviewers)
    return minimum - int(np.minimum(need_left, free[:, reviewers].sum(axis=1)).sum())


def random_case(rng: random.Random) -> tuple[Bools, np.ndarray, np.ndarray, np.ndarray, Bools]:
    n_papers, n_reviewers = rng.randint(1, 10), rng.randint(2, 7)
    conflicts = rng.choice([0.05, 0.2, 0.4])
    allowed = np.array([[rng.random() > conflicts for _ in range(n_reviewers)] for _ in range(n_papers)])
    need = np.array([rng.choice([1, 1, 2, 2, 3]) for _ in range(n_papers)])
    low = np.array([rng.choice([0, 0, 0, 0, 1, 2]) for _ in range(n_reviewers)])
    high = np.array([rng.choice([-1, lo + rng.randint(0, 2), lo + rng.randint(1, 4)]) for lo in low])
    fixed = np.zeros_like(allowed)
    for p, r in zip(*np.nonzero(allowed), strict=True):
        # A few existing assignments, within the paper's need and the reviewer's maximum.
        if rng.random() < 0.1 and fixed[p].sum() < need[p] and (high[r] < 0 or fixed[:, r].sum() < high[r]):
            fixed[p, r] = True
    return allowed, need, low, high, fixed


@pytest.mark.parametrize("seed", range(400))
def test_diagnosis_is_a_true_minimal_obstruction_exactly_when_no_assignment_exists(seed: int) -> None:
    allowed, need, low, high, fixed = random_case(random.Random(seed))

    found = obstruction(allowed, need, low, high, fixed)

    assert (found is None) == exists(allowed, need, low, high, fixed)
    if isinstance(found, Shortage):
        papers = list(found.papers)
        assert shortage_of(papers, allowed, need, high, fixed) == found.missing > 0
        assert all(shortage_of([q for q in papers if q != p], allowed, need, high, fixed) <= 0 for p in papers)
        # The reviewers named are exactly those who may still review one of the papers.
        assert set(found.reviewers) == set(np.flatnonzero((allowed & ~fixed)[papers].any(axis=0)))
    elif isinstance(found, UnmetMinimum):
        reviewers = list(found.reviewers)
        assert unmet_of(reviewers, allowed, need, low, fixed) == found.missing > 0
        assert all(unmet_of([s for s in reviewers if s != r], allowed, need, low, fixed) <= 0 for r in reviewers)


@pytest.mark.parametrize("seed", range(300))
def test_relaxations_together_remove_the_obstruction_they_were_given_for(seed: int) -> None:
    allowed, need, low, high, fixed = random_case(random.Random(10_000 + seed))
    found = obstruction(allowed, need, low, high, fixed)
    if found is None:
        return

    offered = relaxations(found, high, low, allowed, fixed)

    raised, lowered = high.copy(), low.copy()
    for relaxation in offered:
        assert relaxation.gain > 0
        if relaxation.kind == "raise_max":
            assert relaxation.value is not None and relaxation.reviewer is not None
            assert relaxation.value > high[relaxation.reviewer] >= 0
            raised[relaxation.reviewer] = relaxation.value
        elif relaxation.kind == "lower_min":
            assert relaxation.value is not None and relaxation.reviewer is not None
            assert 0 <= relaxation.value < low[relaxation.reviewer]
            lowered[relaxation.reviewer] = relaxation.value
        else:
            assert relaxation.kind == "conflicts" and relaxation.paper in found.papers  # type: ignore[union-attr]
    if isinstance(found, Shortage):
        if sum(r.gain for r in offered if r.kind == "raise_max") >= found.missing:
            assert shortage_of(list(found.papers), allowed, need, raised, fixed) <= 0
    else:
        assert unmet_of(list(found.reviewers), allowed, need, lowered, fixed) <= 0


def test_a_paper_whose_reviewers_are_all_in_conflict_is_named_alone() -> None:
    allowed = np.array([[True, False, False], [True, True, True], [True, True, True]])

    found = obstruction(allowed, np.array([2, 2, 2]), np.zeros(3, dtype=np.int64), np.array([-1, -1, -1]))

    assert found == Shortage(papers=(0,), needed=2, available=1, reviewers=(0,), room=(None,), eligible=(1,))


def test_the_two_papers_that_compete_for_a_full_reviewer_and_how_to_make_room() -> None:
    # Papers 0 and 1 may go only to reviewers 0 and 1 (each needs both); reviewer 1 takes one paper.
    allowed = np.array([[True, True, False, False], [True, True, False, False], [True] * 4, [True] * 4])
    high = np.array([-1, 1, -1, 4])

    found = obstruction(allowed, np.full(4, 2), np.zeros(4, dtype=np.int64), high)
    offered = relaxations(found, high, np.zeros(4, dtype=np.int64), allowed)  # type: ignore[arg-type]

    assert found == Shortage(papers=(0, 1), needed=4, available=3, reviewers=(0, 1), room=(None, 1), eligible=(2, 2))
    assert offered[0] == Relaxation("raise_max", 1, reviewer=1, value=2)
    assert {r.paper for r in offered if r.kind == "conflicts"} == {0, 1}


def test_minimums_that_the_papers_cannot_fill() -> None:
    # Three papers of one review each, but two reviewers must take two each.
    allowed = np.ones((3, 2), dtype=bool)
    low = np.array([2, 2])

    found = obstruction(allowed, np.ones(3, dtype=np.int64), low, np.array([-1, -1]))
    offered = relaxations(found, np.array([-1, -1]), low, allowed)  # type: ignore[arg-type]

    assert found == UnmetMinimum(reviewers=(0, 1), minimum=4, available=3, papers=(0, 1, 2))
    assert offered == [Relaxation("lower_min", 1, reviewer=0, value=1), Relaxation("lower_min", 1, reviewer=1, value=1)]


def test_existing_assignments_count_towards_needs_and_loads() -> None:
    # Reviewer 0 (maximum 1) already reviews paper 1, so paper 0 can have only reviewer 1.
    allowed = np.array([[True, True], [True, True]])
    fixed = np.array([[False, False], [True, False]])

    found = obstruction(allowed, np.array([2, 1]), np.zeros(2, dtype=np.int64), np.array([1, -1]), fixed)

    assert found == Shortage(papers=(0,), needed=2, available=1, reviewers=(0, 1), room=(0, None), eligible=(1, 1))


def test_large_instance_diagnosis_names_a_small_set() -> None:
    # 2,000 papers × 200 reviewers, all allowed except that papers 0–4 may go only to reviewers 0–1.
    rng = np.random.default_rng(1)
    allowed = rng.random((2000, 200)) > 0.05
    allowed[:5] = False
    allowed[:5, :2] = True
    high = np.full(200, -1)
    high[:2] = 4

    found = obstruction(allowed, np.full(2000, 2), np.zeros(200, dtype=np.int64), high)

    assert isinstance(found, Shortage)
    assert len(found.papers) <= 5 and set(found.papers) <= set(range(5)) and found.reviewers == (0, 1)
