"""The events of a paper's life, as a table: no database."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from seminar.submissions.lifecycle import (
    PaperEvent,
    ReviewerTask,
    decision_event,
    keeps_left_out,
    reviewers_to_tell,
    submission_event,
)

DOCS = Path(__file__).resolve().parents[2] / "docs" / "lifecycle.md"


@pytest.fixture(autouse=True)
def clean_database() -> None:
    """Pure code, no database: nothing to empty after each test (overrides the conftest's fixture)."""


@pytest.mark.parametrize(("previous", "sent_in_before", "reviewing_started", "expected"), [
    ("withdrawn", True, True, PaperEvent.REINSTATED),
    ("withdrawn", True, False, PaperEvent.REINSTATED),
    ("draft", False, True, PaperEvent.ADMITTED_LATE),
    ("draft", False, False, None),  # an ordinary first paper
    ("submitted", True, True, None),  # a revision sent in again
])
def test_submission_event(previous: str, sent_in_before: bool, reviewing_started: bool, expected: PaperEvent | None) -> None:
    assert submission_event(previous, sent_in_before, reviewing_started) == expected


@pytest.mark.parametrize(("before", "after", "event", "left_out_stays"), [
    (None, "keynote", PaperEvent.DECIDED, True),
    ("keynote", "discussion", PaperEvent.DECISION_CHANGED, False),
    ("discussion", None, PaperEvent.DECISION_REMOVED, False),
])
def test_decision_event_and_the_left_out_mark(before: str | None, after: str | None, event: PaperEvent,
                                             left_out_stays: bool) -> None:
    assert decision_event(before, after) == event
    assert keeps_left_out(event) is left_out_stays


def test_an_unchanged_decision_is_no_event() -> None:
    assert decision_event("keynote", "keynote") is None


TASKS = [
    ReviewerTask(1, declined=False, review_status=None),
    ReviewerTask(2, declined=False, review_status="draft"),
    ReviewerTask(3, declined=False, review_status="submitted"),
    ReviewerTask(4, declined=True, review_status="draft"),
]


@pytest.mark.parametrize(("event", "told"), [
    (PaperEvent.WITHDRAWN, [1, 2]),
    (PaperEvent.REINSTATED, [1, 2]),
    (PaperEvent.DECIDED, []),
])
def test_reviewers_told_are_those_whose_review_was_still_to_do(event: PaperEvent, told: list[int]) -> None:
    assert reviewers_to_tell(event, TASKS) == told


def test_the_docs_table_has_a_row_for_every_event() -> None:
    rows = re.findall(r"^\| \*\*(.+?)\*\* \(`(\w+)`\)", DOCS.read_text(encoding="utf-8"), re.M)

    assert [event for _name, event in rows] == [event.value for event in PaperEvent]
