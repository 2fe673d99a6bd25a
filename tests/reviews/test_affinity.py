"""Affinity from bids, expertise and conflicts, and the reasons shown next to a proposal."""

from __future__ import annotations

import math

import pytest

from seminar import i18n
from seminar.reviews.affinity import (
    TIE_BREAK,
    PaperInfo,
    ReviewerInfo,
    affinity,
    affinity_matrix,
    explain,
    tie_break,
)

GUANGZHOU, SHENZHEN, TIANHE = 1, 2, 11  # 天河区 (11) belongs to 广州 (1)
PAPER = PaperInfo(id=100, topic_id=3, city_id=GUANGZHOU)
EXPERT = ReviewerInfo(id=7, unit_id=SHENZHEN, unit_parent_id=None, topic_ids=frozenset({3, 4}))
OUTSIDER = ReviewerInfo(id=8, unit_id=SHENZHEN, unit_parent_id=None, topic_ids=frozenset({5}))
CITY_OWN = ReviewerInfo(id=9, unit_id=GUANGZHOU, unit_parent_id=None, topic_ids=frozenset({3}))
DISTRICT = ReviewerInfo(id=10, unit_id=TIANHE, unit_parent_id=GUANGZHOU, topic_ids=frozenset({3}))
PROVINCIAL = ReviewerInfo(id=12, unit_id=None, unit_parent_id=None)


@pytest.fixture(autouse=True)
def clean_database() -> None:
    """Pure code touches no database: nothing to empty after each test (overrides conftest)."""


@pytest.mark.parametrize(("reviewer", "bid", "base"), [
    (EXPERT, None, 2.0),
    (EXPERT, "want", 5.0),
    (EXPERT, "willing", 3.0),
    (EXPERT, "unwilling", 0.0),
    (OUTSIDER, None, 0.0),
    (OUTSIDER, "want", 3.0),
    (OUTSIDER, "willing", 1.0),
    (OUTSIDER, "unwilling", -2.0),
    (PROVINCIAL, "want", 3.0),
])
def test_affinity_table(reviewer: ReviewerInfo, bid: str | None, base: float) -> None:
    value = affinity(PAPER, reviewer, bid)
    assert value is not None
    assert base <= value < base + TIE_BREAK


@pytest.mark.parametrize(("reviewer", "conflicts", "lifted", "forbidden"), [
    (CITY_OWN, (), (), True),  # the reviewer's unit is the paper's city
    (DISTRICT, (), (), True),  # the reviewer's unit belongs to it
    (DISTRICT, (), {(100, 10)}, False),  # an organizer lifted it
    (EXPERT, {(100, 7)}, (), True),  # declared or set by an organizer
    (EXPERT, {(100, 7)}, {(100, 7)}, True),  # lifting concerns unit conflicts only
    (EXPERT, {(101, 7), (100, 8)}, (), False),  # other pairs' conflicts
    (PROVINCIAL, (), (), False),
])
def test_conflicts_make_a_pair_forbidden(reviewer: ReviewerInfo, conflicts: set, lifted: set, forbidden: bool) -> None:
    assert (affinity(PAPER, reviewer, "want", conflicts=conflicts, lifted=lifted) is None) is forbidden


def test_a_paper_without_city_or_topic() -> None:
    paper = PaperInfo(id=1, topic_id=None, city_id=None)
    value = affinity(paper, CITY_OWN, None)
    assert value is not None and value < TIE_BREAK


def test_tie_break_is_reproducible_small_and_varied() -> None:
    values = {tie_break(p, r) for p in range(30) for r in range(30)}
    assert len(values) == 900
    assert all(0 <= v < TIE_BREAK for v in values)
    assert tie_break(5, 6) == tie_break(5, 6)
    assert tie_break(5, 6, seed=1) != tie_break(5, 6, seed=2)


def test_matrix_rows_are_papers_and_columns_reviewers() -> None:
    papers = [PAPER, PaperInfo(id=101, topic_id=5, city_id=SHENZHEN)]
    reviewers = [EXPERT, OUTSIDER, DISTRICT]
    matrix = affinity_matrix(papers, reviewers, {(100, 8): "want", (101, 10): "unwilling"}, {(101, 7)})

    assert matrix[0][2] is None and matrix[1][0] is None  # district of 广州; declared
    assert matrix[1][1] is None  # 深圳 reviewer, 深圳 paper
    assert [math.floor(v) for v in (matrix[0][0], matrix[0][1], matrix[1][2])] == [2, 3, -2]  # type: ignore[arg-type]


def test_matrix_is_the_same_whatever_the_order() -> None:
    papers = [PAPER, PaperInfo(id=101, topic_id=5, city_id=SHENZHEN)]
    reviewers = [EXPERT, OUTSIDER, PROVINCIAL]
    forward = affinity_matrix(papers, reviewers, {})
    backward = affinity_matrix(papers[::-1], reviewers[::-1], {})
    assert forward == [row[::-1] for row in backward[::-1]]


@pytest.mark.parametrize(("reviewer", "bid", "conflicts", "lifted", "reasons"), [
    (EXPERT, "want", (), (), ["Topic match", "Bid: wants to review"]),
    (EXPERT, None, (), (), ["Topic match", "No bid"]),
    (OUTSIDER, "willing", (), (), ["Bid: willing to review"]),
    (OUTSIDER, "unwilling", (), (), ["Bid: would rather not review"]),
    (CITY_OWN, "want", (), (), ["Conflict: the reviewer's unit submitted this paper"]),
    (DISTRICT, None, (), (), ["Conflict: the reviewer's unit belongs to the city that submitted this paper"]),
    (DISTRICT, "want", (), {(100, 10)}, ["Unit conflict lifted by an organizer", "Topic match", "Bid: wants to review"]),
    (EXPERT, "want", {(100, 7)}, (), ["Conflict declared or set by an organizer"]),
])
def test_explain(reviewer: ReviewerInfo, bid: str | None, conflicts: set, lifted: set, reasons: list[str]) -> None:
    with i18n.use_locale("en"):
        assert explain(PAPER, reviewer, bid, conflicts=conflicts, lifted=lifted) == reasons


def test_explain_speaks_chinese_by_default() -> None:
    assert explain(PAPER, EXPERT, "want") == ["专题对口", "意向：想审"]
