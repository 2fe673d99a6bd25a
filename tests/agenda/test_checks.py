from __future__ import annotations

import datetime as dt

import pytest

from seminar.agenda.checks import Problem, ProblemKind, find_problems
from seminar.agenda.draft import DraftSettings, draft_agenda
from seminar.agenda.model import Contribution, Person, Room, SlotKind, TopicRef
from tests.agenda.builders import (
    DAY,
    HALL,
    SIDE,
    agenda,
    discussion,
    keynote,
    person,
    session,
    slot,
    topic_papers,
)


@pytest.fixture(autouse=True)
def clean_database() -> None:
    """Pure code, no database: nothing to empty after each test (overrides the conftest's fixture)."""


def kinds(problems: list[Problem]) -> list[ProblemKind]:
    return [problem.kind for problem in problems]


def test_a_drafted_agenda_has_no_problems() -> None:
    topics = [TopicRef(1, "平安建设"), TopicRef(2, "法治宣传"), TopicRef(3, "数字政法")]
    papers = [p for topic in topics for p in topic_papers(topic.id)]
    settings = DraftSettings(days=(DAY,), rooms=(HALL, SIDE), parallel_rooms=True)

    assert find_problems(draft_agenda(topics, papers, settings), papers) == []


def test_overlapping_slots_in_one_room_are_reported_in_chinese() -> None:
    plan = agenda(
        session("a", HALL, "09:00", "10:00", slot("k1", "09:00", 30, SlotKind.OPENING, "开班式")),
        session("b", HALL, "09:20", "10:00", slot("k2", "09:20", 10, SlotKind.LECTURE, "专题辅导")),
        # The same times in another room are no overlap.
        session("c", SIDE, "09:00", "10:00", slot("k3", "09:00", 30, SlotKind.OPENING)),
    )

    problems = find_problems(plan, [])

    assert problems == [
        Problem(
            ProblemKind.ROOM_OVERLAP,
            "第一会议室内，“开班式”（2026年12月10日 09:00–09:30）与“专题辅导”（2026年12月10日 09:20–09:30）时间重叠。",
            ("k1", "k2"),
            ("a", "b"),
        )
    ]


def test_three_mutually_overlapping_slots_give_all_three_pairs() -> None:
    plan = agenda(
        session(
            "s",
            HALL,
            "09:00",
            "12:00",
            slot("a", "09:00", 60),
            slot("b", "09:10", 60),
            slot("c", "09:20", 60),
        )
    )

    problems = [p for p in find_problems(plan, []) if p.kind == ProblemKind.ROOM_OVERLAP]

    assert sorted(p.slot_keys for p in problems) == [("a", "b"), ("a", "c"), ("b", "c")]


def test_a_long_slot_overlaps_slots_that_are_not_its_neighbours_but_those_do_not_overlap_each_other() -> None:
    plan = agenda(
        session(
            "s",
            HALL,
            "09:00",
            "12:00",
            slot("long", "09:00", 180),
            slot("early", "09:10", 10),
            slot("middle", "10:00", 10),
            slot("late", "11:00", 10),
        )
    )

    problems = [p for p in find_problems(plan, []) if p.kind == ProblemKind.ROOM_OVERLAP]

    assert sorted(p.slot_keys for p in problems) == [("long", "early"), ("long", "late"), ("long", "middle")]


def test_slots_that_touch_do_not_overlap() -> None:
    plan = agenda(
        session(
            "s",
            HALL,
            "09:00",
            "10:00",
            slot("a", "09:00", 30, SlotKind.OPENING),
            slot("b", "09:30", 30, SlotKind.LECTURE),
        )
    )

    assert find_problems(plan, []) == []


def test_a_speaker_in_two_rooms_at_once_is_in_two_places() -> None:
    wang = person(7, "王主任")
    plan = agenda(
        session(
            "a", HALL, "09:00", "10:00", slot("k1", "09:00", 10, SlotKind.LECTURE, "专题辅导", speaker=wang)
        ),
        session(
            "b",
            SIDE,
            "09:00",
            "10:00",
            slot(
                "d1",
                "09:05",
                20,
                SlotKind.DISCUSSION,
                "研讨交流",
                contributions=(Contribution(5, "论文5", person(5)), Contribution(8, "论文8", wang)),
            ),
        ),
    )

    problems = find_problems(plan, [])

    assert problems == [
        Problem(
            ProblemKind.PERSON_CLASH,
            "王主任同一时间安排在两处：第一会议室的“专题辅导”（2026年12月10日 09:00–09:10）"
            "和第二会议室的“研讨交流”（2026年12月10日 09:05–09:25）。",
            ("k1", "d1"),
            ("a", "b"),
        )
    ]


def test_a_chair_who_speaks_in_another_room_during_the_session_is_in_two_places() -> None:
    li = person(3, "李书记")
    plan = agenda(
        session("a", HALL, "14:00", "15:00", slot("c1", "14:40", 10, SlotKind.COMMENTARY), chair=li),
        session("b", SIDE, "14:00", "15:00", slot("g1", "14:30", 10, SlotKind.GUIDANCE, speaker=li)),
    )

    problems = find_problems(plan, [])

    assert kinds(problems) == [ProblemKind.PERSON_CLASH]
    assert (problems[0].slot_keys, problems[0].session_keys) == (("g1",), ("a", "b"))


def test_a_chair_who_speaks_in_the_session_they_chair_is_in_one_place() -> None:
    li = person(3, "李书记")
    plan = agenda(
        session(
            "a", HALL, "14:00", "15:00", slot("c1", "14:40", 10, SlotKind.COMMENTARY, speaker=li), chair=li
        )
    )

    assert find_problems(plan, []) == []


def test_guests_without_an_account_are_recognised_by_name() -> None:
    guest = "市委政法委张书记"
    plan = agenda(
        session(
            "a",
            HALL,
            "09:00",
            "10:00",
            slot("g1", "09:00", 10, SlotKind.GUIDANCE, speaker=Person(None, guest)),
        ),
        session(
            "b",
            SIDE,
            "09:00",
            "10:00",
            slot("g2", "09:00", 10, SlotKind.GUIDANCE, speaker=Person(None, guest)),
        ),
    )

    assert kinds(find_problems(plan, [])) == [ProblemKind.PERSON_CLASH]


def test_a_session_running_over_its_end() -> None:
    plan = agenda(
        session(
            "t1",
            HALL,
            "10:00",
            "10:30",
            slot("a", "10:00", 20, SlotKind.DISCUSSION),
            slot("b", "10:20", 25, SlotKind.COMMENTARY),
            topic_id=1,
            title="平安建设",
        )
    )

    problems = find_problems(plan, [])

    assert problems == [
        Problem(ProblemKind.SESSION_OVERRUN, "场次“平安建设”超出结束时间10:30共15分钟。", ("b",), ("t1",))
    ]


@pytest.mark.parametrize("start", ["08:50", "10:30", "11:00"])
def test_a_slot_outside_its_session(start: str) -> None:
    plan = agenda(
        session("s", HALL, "10:00", "10:30", slot("x", start, 10, SlotKind.OPENING, "开班式"), title="开班式")
    )

    problems = find_problems(plan, [])

    assert kinds(problems) == [ProblemKind.SLOT_OUTSIDE_SESSION]
    assert problems[0].slot_keys == ("x",)


@pytest.mark.parametrize("minutes", [0, -10])
def test_a_slot_without_a_positive_duration(minutes: int) -> None:
    plan = agenda(
        session("s", HALL, "10:00", "10:30", slot("x", "10:00", minutes, SlotKind.OPENING, "开班式"))
    )

    problems = find_problems(plan, [])

    assert kinds(problems) == [ProblemKind.BAD_TIMES]
    assert problems[0].message == f"“开班式”时长为{minutes}分钟，每项议程至少应为1分钟。"


def test_a_session_ending_before_it_starts() -> None:
    plan = agenda(session("s", HALL, "10:00", "09:00", title="开班式"))

    assert find_problems(plan, []) == [
        Problem(ProblemKind.BAD_TIMES, "场次“开班式”的结束时间早于开始时间。", (), ("s",))
    ]


def test_a_session_in_a_room_the_seminar_does_not_have() -> None:
    plan = agenda(session("s", Room(99, "临时会场"), "10:00", "11:00", title="开班式"))

    assert kinds(find_problems(plan, [])) == [ProblemKind.UNKNOWN_ROOM]


def test_a_keynote_slot_whose_paper_was_decided_for_discussion() -> None:
    decided = [discussion(5, 1)]
    plan = agenda(
        session(
            "t1",
            HALL,
            "10:00",
            "11:00",
            slot("k5", "10:00", 10, title="论文5", paper_id=5),
            slot("c", "10:10", 10, SlotKind.COMMENTARY),
            topic_id=1,
        )
    )

    problems = find_problems(plan, decided)

    assert problems == [
        Problem(
            ProblemKind.KEYNOTE_NOT_DECIDED,
            "重点发言“论文5”（2026年12月10日 10:00–10:10）所安排的论文未确定为重点发言。",
            ("k5",),
            ("t1",),
        )
    ]


def test_a_keynote_slot_without_a_paper() -> None:
    plan = agenda(session("s", HALL, "10:00", "11:00", slot("k", "10:00", 10, title="待定")))

    problems = find_problems(plan, [])

    assert kinds(problems) == [ProblemKind.KEYNOTE_NOT_DECIDED]
    assert problems[0].message == "重点发言“待定”（2026年12月10日 10:00–10:10）未安排论文。"


def test_a_decided_keynote_without_a_slot() -> None:
    decided = [keynote(5, 1), keynote(6, 1)]
    plan = agenda(
        session(
            "t1",
            HALL,
            "10:00",
            "11:00",
            slot("k5", "10:00", 10, paper_id=5),
            slot("c", "10:10", 10, SlotKind.COMMENTARY),
            topic_id=1,
        )
    )

    problems = find_problems(plan, decided)

    assert problems == [
        Problem(ProblemKind.KEYNOTE_WITHOUT_SLOT, "重点发言论文“论文6”尚未排入议程。", paper_id=6)
    ]


def test_a_topic_without_commentary_and_one_closed_by_guidance() -> None:
    plan = agenda(
        session(
            "t1",
            HALL,
            "10:00",
            "11:00",
            slot("d1", "10:00", 20, SlotKind.DISCUSSION),
            topic_id=1,
            title="平安建设",
        ),
        session(
            "t2",
            HALL,
            "11:00",
            "12:00",
            slot("d2", "11:00", 20, SlotKind.DISCUSSION),
            slot("g2", "11:20", 10, SlotKind.GUIDANCE),
            topic_id=2,
            title="法治宣传",
        ),
        # A topic split over two sessions needs one commentary, in either of them.
        session("t3a", SIDE, "10:00", "11:00", slot("d3", "10:00", 20, SlotKind.DISCUSSION), topic_id=3),
        session("t3b", SIDE, "11:00", "12:00", slot("c3", "11:00", 10, SlotKind.COMMENTARY), topic_id=3),
    )

    assert find_problems(plan, []) == [
        Problem(ProblemKind.TOPIC_WITHOUT_COMMENTARY, "专题“平安建设”没有安排点评。", (), ("t1",))
    ]


def test_problems_come_grouped_by_kind() -> None:
    plan = agenda(
        session(
            "t1",
            HALL,
            "10:00",
            "10:30",
            slot("k", "10:00", 40, paper_id=9),
            slot("x", "10:10", 0),
            topic_id=1,
        ),
    )

    problems = find_problems(plan, [keynote(4, 1)])

    assert kinds(problems) == [
        ProblemKind.BAD_TIMES,
        ProblemKind.SESSION_OVERRUN,
        ProblemKind.KEYNOTE_NOT_DECIDED,
        ProblemKind.KEYNOTE_NOT_DECIDED,
        ProblemKind.KEYNOTE_WITHOUT_SLOT,
        ProblemKind.TOPIC_WITHOUT_COMMENTARY,
    ]


def test_the_checks_work_across_days() -> None:
    next_day = DAY + dt.timedelta(days=1)
    plan = agenda(
        session("a", HALL, "09:00", "10:00", slot("a1", "09:00", 30, SlotKind.OPENING)),
        session(
            "b", HALL, "09:00", "10:00", slot("b1", "09:00", 30, SlotKind.OPENING, day=next_day), day=next_day
        ),
    )

    assert find_problems(plan, []) == []
