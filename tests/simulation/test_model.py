"""The simulation's model on its own: the rules it predicts the app by, as tables."""

from __future__ import annotations

import pytest

from tests.simulation.model import SUBMITTED, WITHDRAWN, AssignmentModel, DecisionModel, Model, PaperModel


def model(papers: dict[int, str], **fields: object) -> Model:
    """A seminar of two cities and three reviewers (r3 from a unit of city c1); papers number → city."""
    found = Model(quota=2, cities={"c1": "广州市", "c2": "深圳市"}, reviewer_cities={"r3": "c1"}, topics=1,
                  reviewers=("r1", "r2", "r3"), reviews_per_paper=2, **fields)  # type: ignore[arg-type]
    for number, city in papers.items():
        found.papers[number] = PaperModel(number, number, city, 1, f"题目{number}", f"作者{number}", "13900000000",
                                          f"a{number}@example.org", status=SUBMITTED, manuscripts=1, dirty=False)
    return found


@pytest.mark.parametrize(("papers", "bounds", "exists"), [
    ({1: "c2"}, {"seminar_min": 1}, False),  # two reviews for one paper, three reviewers wanting one each
    ({1: "c2", 2: "c2"}, {"seminar_min": 1}, True),  # four reviews go round three reviewers
    ({1: "c2", 2: "c2"}, {"seminar_min": 2, "max_load": {"r1": 0}}, True),  # the seminar minimum gives way to r1's maximum
    ({1: "c2", 2: "c2"}, {"min_load": {"r1": 2}, "seminar_max": 1}, False),  # an own minimum does not
    ({1: "c1", 2: "c2"}, {"min_load": {"r3": 2}}, False),  # r3 may review only #2 (conflicted with c1 by unit)
    ({1: "c1", 2: "c2"}, {"min_load": {"r3": 1}, "max_load": {"r1": 1}}, True),
])
def test_a_completion_keeps_every_reviewer_within_their_minimum_and_maximum(
    papers: dict[int, str], bounds: dict[str, object], exists: bool
) -> None:
    assert model(papers, **bounds).completion_exists() is exists


@pytest.mark.parametrize(("papers", "max_load", "assigned", "exists"), [
    ({1: "c2"}, {}, {}, True),
    ({1: "c1"}, {}, {}, True),  # r3 is conflicted by unit, r1 and r2 remain
    ({1: "c1", 2: "c1"}, {"r1": 1}, {}, False),  # two papers need r1 and r2 each, r1 may take one
    ({1: "c2", 2: "c2"}, {"r1": 1, "r2": 1}, {}, True),  # r3 takes both
    ({1: "c2"}, {}, {(1, "r1"): AssignmentModel(active=False)}, True),  # r1 declined: r2 and r3
    ({1: "c1"}, {}, {(1, "r1"): AssignmentModel(active=False)}, False),  # … and r3 is conflicted
])
def test_a_completion_exists_when_every_paper_can_get_its_reviewers(
    papers: dict[int, str], max_load: dict[str, int], assigned: dict[tuple[int, str], AssignmentModel], exists: bool
) -> None:
    world = model(papers, max_load=max_load, assignments=assigned)

    assert world.completion_exists() is exists


@pytest.mark.parametrize(("decisions", "book"), [
    ({}, [(1, [("keynote", []), ("discussion", [1, 2, 3]), ("proceedings", [])])]),  # a preview: every submitted paper
    ({2: "keynote", 3: "decline"}, [(1, [("keynote", [2]), ("discussion", []), ("proceedings", [])])]),
    ({1: "proceedings", 2: "discussion"}, [(1, [("keynote", []), ("discussion", [2]), ("proceedings", [1])])]),
])
def test_the_book_holds_the_accepted_papers_by_placement(
    decisions: dict[int, str], book: list[tuple[int, list[tuple[str, list[int]]]]]
) -> None:
    world = model({1: "c1", 2: "c2", 3: "c2", 4: "c1"}, decisions={n: DecisionModel(o, "") for n, o in decisions.items()})
    world.papers[4].status = WITHDRAWN

    assert world.book_papers() == book
