"""Review arithmetic on hand-computed examples."""

from __future__ import annotations

import math

import pytest

from seminar import i18n
from seminar.errors import UserError
from seminar.reviews.scoring import (
    IncompleteReview,
    RankedPaper,
    ScoreOutOfRange,
    disagreement,
    mean,
    normalised_scores,
    rank_topic,
    review_total,
    suggested_awards,
    trimmed_mean,
)

MAX_POINTS = {"1": 15, "2": 25, "3": 20, "4": 25, "5": 15}  # 选题 观点 论证 实践价值 文字表达
NAMES = {"1": "选题", "2": "观点", "3": "论证", "4": "实践价值", "5": "文字表达"}


@pytest.fixture(autouse=True)
def clean_database() -> None:
    """Pure code touches no database: nothing to empty after each test (overrides conftest)."""


@pytest.mark.parametrize(("scores", "total"), [
    ({"1": 15, "2": 25, "3": 20, "4": 25, "5": 15}, 100),
    ({"1": 0, "2": 0, "3": 0, "4": 0, "5": 0}, 0),
    ({"1": 12, "2": 20, "3": 16, "4": 21, "5": 13}, 82),
    ({"1": 12, "2": 20, "3": 16, "4": 21, "5": 13, "99": 7}, 82),  # a criterion since removed
])
def test_review_total(scores: dict[str, int], total: int) -> None:
    assert review_total(scores, MAX_POINTS, NAMES) == total


def test_a_missing_score_names_the_criteria_in_form_order() -> None:
    with pytest.raises(IncompleteReview) as caught:
        review_total({"1": 10, "3": 10, "5": None}, MAX_POINTS, NAMES)
    assert isinstance(caught.value, UserError)
    assert caught.value.criteria == ["2", "4", "5"]
    assert caught.value.message == "请为每项评分：观点、实践价值、文字表达。"


@pytest.mark.parametrize("bad", [-1, 26, 25.5, True])
def test_a_score_out_of_range_names_the_criterion_and_its_range(bad: float) -> None:
    scores = {"1": 15, "2": bad, "3": 20, "4": 25, "5": 15}
    with i18n.use_locale("en"), pytest.raises(ScoreOutOfRange) as caught:
        review_total(scores, MAX_POINTS, NAMES)
    assert caught.value.criteria == ["2"]
    assert caught.value.message == "These scores are out of range: 观点 (0–25)."


@pytest.mark.parametrize(("values", "expected"), [
    ([], None),
    ([80], 80.0),
    ([80, 90], 85.0),
    ([70, 80, 96], 82.0),  # 3 reviews: plain mean
    ([60, 70, 80, 95], 75.0),  # 4: drop 60 and 95 → (70 + 80) / 2
    ([50, 72, 78, 84, 99], 78.0),  # 5: drop 50 and 99 → (72 + 78 + 84) / 3
    ([80, 80, 80, 80], 80.0),
])
def test_trimmed_mean(values: list[int], expected: float | None) -> None:
    assert trimmed_mean(values) == expected


def test_mean() -> None:
    assert mean([]) is None
    assert mean([70, 80, 96]) == pytest.approx(82.0)
    assert mean([0.1] * 10) == 0.1  # fsum: no drift


def test_normalisation_by_hand() -> None:
    # Reviewer a: 80 and 60 (mean 70, sd 10); b: 70 and 50 (mean 60, sd 10); c: one review of 90.
    # All totals: mean M = 70, sd S = √200 ≈ 14.142.
    # z: a→ paper 1 +1, paper 2 −1; b→ paper 1 +1, paper 3 −1; c (single) → (90 − 70)/S = √2 on paper 2.
    # paper 1: 70 + S·1 = 84.142; paper 2: 70 + S·(√2 − 1)/2 = 72.929; paper 3: 70 − S = 55.858.
    reviews = [("a", 1, 80), ("a", 2, 60), ("b", 1, 70), ("b", 3, 50), ("c", 2, 90)]
    s = math.sqrt(200)
    assert normalised_scores(reviews) == pytest.approx({1: 70 + s, 2: 70 + s * (math.sqrt(2) - 1) / 2, 3: 70 - s})


def test_normalisation_removes_severity() -> None:
    # The strict reviewer's best paper and the lenient one's best paper end up equal.
    reviews = [("strict", "p1", 70), ("strict", "p2", 50), ("lenient", "p3", 95), ("lenient", "p4", 85)]
    result = normalised_scores(reviews)
    assert result["p1"] == pytest.approx(result["p3"])
    assert result["p2"] == pytest.approx(result["p4"])
    assert result["p1"] > result["p2"]


def test_normalisation_edge_cases() -> None:
    assert normalised_scores([]) == {}
    # All totals equal: nothing to learn, every paper gets the common mean.
    assert normalised_scores([("a", 1, 75), ("b", 2, 75)]) == {1: 75.0, 2: 75.0}
    # A reviewer who gave everything the same score contributes z = 0 (the overall mean).
    # M = 75, S = 15; x: z = ±1; paper 1: 75 + 15·(0 + 1)/2 = 82.5.
    result = normalised_scores([("flat", 1, 80), ("flat", 2, 80), ("x", 1, 90), ("x", 2, 50)])
    assert result == pytest.approx({1: 82.5, 2: 67.5})
    # Clipped to the 0–100 scale.
    assert max(normalised_scores([("a", 1, 100), ("a", 2, 0), ("b", 1, 100), ("b", 3, 0), ("c", 1, 100)]).values()) <= 100


@pytest.mark.parametrize(("totals", "threshold", "measure", "flag"), [
    ([], 20, "spread", False),
    ([90], 20, "spread", False),
    ([70, 90], 20, "spread", False),  # exactly 20 does not exceed 20
    ([69, 90], 20, "spread", True),
    ([60, 70, 95], 30, "spread", True),
    ([60, 70, 95], 30, "sd", False),  # sd ≈ 14.7
    ([50, 90], 15, "sd", True),  # sd = 20
])
def test_disagreement(totals: list[int], threshold: float, measure: str, flag: bool) -> None:
    assert disagreement(totals, threshold, measure) is flag  # type: ignore[arg-type]


def test_ranking_of_a_topic() -> None:
    reviews = [
        ("a", "p1", 80), ("b", "p1", 84),
        ("a", "p2", 95), ("b", "p2", 60), ("c", "p2", 85), ("d", "p2", 79),  # trimmed: (79 + 85) / 2 = 82
        ("a", "p3", 82), ("b", "p3", 82),
        ("a", "other topic", 99),
    ]
    rows = rank_topic(["p1", "p2", "p3", "p4"], reviews, {"p1": 81.0, "p2": 90.0, "p3": 70.0})

    # All three have a trimmed mean of 82; p1 and p3 have the higher plain mean, p1 the higher
    # normalised score.
    assert [(row.paper, row.rank) for row in rows] == [("p1", 1), ("p3", 1), ("p2", 1), ("p4", None)]
    assert rows[2] == RankedPaper(paper="p2", rank=1, totals=(95, 60, 85, 79), mean=79.75, trimmed=82.0,
                                  normalised=90.0, spread=35.0, disagreement=True)
    assert rows[3] == RankedPaper(paper="p4", rank=None, totals=(), mean=None, trimmed=None,
                                  normalised=None, spread=None, disagreement=False)

    by_mean = rank_topic(["p1", "p2", "p3", "p4"], reviews, key="mean")
    assert [(row.paper, row.rank) for row in by_mean] == [("p1", 1), ("p3", 1), ("p2", 3), ("p4", None)]
    by_normalised = rank_topic(["p1", "p2", "p3"], reviews, {"p1": 81.0, "p2": 90.0, "p3": 70.0}, key="normalised")
    assert [row.paper for row in by_normalised] == ["p2", "p1", "p3"]


def test_ranking_ties_broken_by_the_other_figures_then_given_order() -> None:
    reviews = [("a", "x", 80), ("b", "x", 80), ("a", "y", 70), ("b", "y", 90), ("a", "z", 80), ("b", "z", 80)]
    rows = rank_topic(["z", "x", "y"], reviews, {"x": 75.0, "y": 80.0, "z": 75.0})
    # All trimmed means are 80; the means too; y's normalised score is highest; z before x as given.
    assert [(row.paper, row.rank) for row in rows] == [("y", 1), ("z", 1), ("x", 1)]


@pytest.mark.parametrize(("n", "counts"), [
    (0, (0, 0, 0, 0)),
    (1, (0, 0, 1, 0)),
    (5, (1, 1, 1, 2)),
    (10, (1, 2, 3, 4)),
    (21, (2, 4, 7, 8)),
    (35, (4, 7, 10, 14)),  # 3.5 → 4, 10.5 → 11, 21 → 21
    (126, (13, 25, 38, 50)),  # 12.6 → 13, 37.8 → 38, 75.6 → 76
])
def test_suggested_awards(n: int, counts: tuple[int, int, int, int]) -> None:
    result = suggested_awards(n)
    assert tuple(result.values()) == counts
    assert list(result) == ["first", "second", "third", "excellence"]
    assert sum(result.values()) == n
