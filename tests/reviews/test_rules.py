"""The pure rules of reviewing, as tables."""

from __future__ import annotations

import datetime as dt

import pytest

from seminar.reviews import rules
from seminar.reviews.rules import CriterionSpec

CRITERIA = [CriterionSpec("1", "选题", 15), CriterionSpec("2", "观点", 25)]
NOON = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


def test_default_criteria_add_up_to_one_hundred() -> None:
    assert [name for name, _d, _p in rules.DEFAULT_CRITERIA] == ["选题", "观点", "论证", "实践价值", "文字表达"]
    assert sum(points for _n, _d, points in rules.DEFAULT_CRITERIA) == 100


@pytest.mark.parametrize(
    ("unit", "parent", "city", "expected"),
    [
        (10, None, 10, True),  # the reviewer works for the paper's city
        (11, 10, 10, True),  # a unit belonging to the city
        (11, 12, 10, False),
        (None, None, 10, False),  # no unit: no automatic conflict
    ],
)
def test_is_automatic_conflict(unit: int | None, parent: int | None, city: int, expected: bool) -> None:
    assert rules.is_automatic_conflict(unit, parent, city) is expected


@pytest.mark.parametrize(
    ("deadline", "expected"),
    [(None, True), (NOON + dt.timedelta(minutes=1), True), (NOON, False), (NOON - dt.timedelta(days=1), False)],
)
def test_is_review_open_until_the_deadline(deadline: dt.datetime | None, expected: bool) -> None:
    assert rules.is_review_open(NOON, deadline) is expected


@pytest.mark.parametrize(
    ("blind", "organizer", "expected"), [(True, False, False), (False, False, True), (True, True, True)]
)
def test_shows_identity_only_outside_blind_review_or_to_organizers(blind: bool, organizer: bool, expected: bool) -> None:
    assert rules.shows_identity(blind, organizer) is expected


@pytest.mark.parametrize(
    ("raw", "scores", "problem_keys"),
    [
        ({"1": "12", "2": "20"}, {"1": 12, "2": 20}, []),
        ({"1": "", "2": " 7 "}, {"2": 7}, []),  # a draft may leave a score blank
        ({"1": "16", "2": "0"}, {"2": 0}, ["1"]),  # above the maximum
        ({"1": "-1"}, {}, ["1"]),
        ({"1": "12.5", "2": "abc"}, {}, ["1", "2"]),  # whole numbers only
    ],
)
def test_read_scores(raw: dict[str, str], scores: dict[str, int], problem_keys: list[str]) -> None:
    found, problems = rules.read_scores(raw, CRITERIA)

    assert found == scores
    assert sorted(problems) == problem_keys


def test_read_scores_names_the_criterion_and_its_range() -> None:
    _scores, problems = rules.read_scores({"1": "16"}, CRITERIA)

    assert problems == {"1": "“选题”的评分范围为 0 至 15 分。"}


def test_missing_scores_lists_criteria_by_name() -> None:
    assert rules.missing_scores({"2": 3}, CRITERIA) == ["选题"]
    assert rules.missing_scores({"1": 0, "2": 3}, CRITERIA) == []


def test_progress_counts_each_status() -> None:
    found = rules.progress([None, "draft", "submitted", "submitted"])

    assert (found.assigned, found.drafted, found.submitted, found.outstanding) == (4, 1, 2, 2)


@pytest.mark.parametrize(
    ("submitted", "required", "expected"),
    [
        ({}, 3, {1: 0, 2: 0}),  # nobody scored either paper
        ({1: 3, 2: 2}, 3, {2: 2}),
        ({1: 4, 2: 3}, 3, {}),  # more than required is enough too
        ({1: 1}, 1, {2: 0}),
    ],
)
def test_short_of_reviews(submitted: dict[int, int], required: int, expected: dict[int, int]) -> None:
    assert rules.short_of_reviews(submitted, [1, 2], required) == expected
