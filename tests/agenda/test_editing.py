"""Placing a decided paper and taking one out of an agenda: pure functions, no database."""

from __future__ import annotations

import pytest

from seminar.agenda.editing import place_paper, remove_paper
from seminar.agenda.model import Contribution, SlotKind
from seminar.errors import UserError
from tests.agenda.builders import HALL, agenda, at, discussion, keynote, person, session, slot

MINUTES = {"keynote_minutes": 10, "discussion_minutes": 20, "per_speaker_minutes": 4}


@pytest.fixture(autouse=True)
def clean_database() -> None:
    """Pure code, no database: nothing to empty after each test (overrides the conftest's fixture)."""


def topic_one():  # type: ignore[no-untyped-def]
    return agenda(session(
        "t1", HALL, "10:00", "10:40",
        slot("k5", "10:00", 10, paper_id=5, title="论文5"),
        slot("d", "10:10", 20, SlotKind.DISCUSSION, "研讨交流",
             contributions=tuple(Contribution(p, f"论文{p}", person(p)) for p in (6, 7, 8, 9, 10))),
        slot("c", "10:30", 10, SlotKind.COMMENTARY, "点评"),
        topic_id=1,
    ))


def layout(plan) -> list[tuple[str, str, int, tuple[int, ...]]]:  # type: ignore[no-untyped-def]
    return [(s.key, f"{s.start:%H:%M}", s.duration, tuple(c.paper_id for c in s.contributions)) for s in plan.sessions[0].slots]


def test_a_keynote_goes_after_the_topics_keynotes_and_the_session_grows() -> None:
    placed = place_paper(topic_one(), keynote(11, 1), key="new", **MINUTES)

    assert layout(placed) == [
        ("k5", "10:00", 10, ()), ("new", "10:10", 10, ()), ("d", "10:20", 20, (6, 7, 8, 9, 10)), ("c", "10:40", 10, ()),
    ]
    assert placed.sessions[0].end == at("10:50")
    assert placed.sessions[0].slots[1].paper_id == 11


def test_a_discussion_paper_joins_the_discussion_which_lengthens_for_its_speakers() -> None:
    placed = place_paper(topic_one(), discussion(11, 1), key="new", **MINUTES)

    assert layout(placed) == [("k5", "10:00", 10, ()), ("d", "10:10", 24, (6, 7, 8, 9, 10, 11)), ("c", "10:34", 10, ())]


def test_placing_a_keynote_found_among_the_contributions_moves_it() -> None:
    placed = place_paper(topic_one(), keynote(7, 1), key="new", **MINUTES)

    assert layout(placed)[1:3] == [("new", "10:10", 10, ()), ("d", "10:20", 20, (6, 8, 9, 10))]


def test_a_paper_of_a_topic_without_a_session_cannot_be_placed() -> None:
    with pytest.raises(UserError):
        place_paper(topic_one(), discussion(11, 2), key="new", **MINUTES)


def test_taking_a_keynote_out_closes_the_gap_and_a_contribution_leaves_its_discussion() -> None:
    without_keynote = remove_paper(topic_one(), 5)
    without_contribution = remove_paper(topic_one(), 8)

    assert layout(without_keynote) == [("d", "10:00", 20, (6, 7, 8, 9, 10)), ("c", "10:20", 10, ())]
    assert layout(without_contribution)[1] == ("d", "10:10", 20, (6, 7, 9, 10))
    with pytest.raises(UserError):
        remove_paper(topic_one(), 99)
