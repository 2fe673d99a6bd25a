from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from seminar.agenda.checks import FixAction, Problem, ProblemKind, PublishedAgenda, find_problems
from seminar.agenda.draft import DraftSettings, draft_agenda
from seminar.agenda.model import Contribution, PaperState, Person, Room, SlotKind, TopicRef
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


def test_a_drafted_agenda_has_no_problems_but_its_commentators_to_name() -> None:
    topics = [TopicRef(1, "平安建设"), TopicRef(2, "法治宣传"), TopicRef(3, "数字政法")]
    papers = [p for topic in topics for p in topic_papers(topic.id)]
    settings = DraftSettings(days=(DAY,), rooms=(HALL, SIDE), parallel_rooms=True)

    problems = find_problems(draft_agenda(topics, papers, settings), papers)

    assert [(p.kind, p.session_keys) for p in problems] == [
        (ProblemKind.TOPIC_WITHOUT_COMMENTATOR, ("topic-1",)),
        (ProblemKind.TOPIC_WITHOUT_COMMENTATOR, ("topic-2",)),
        (ProblemKind.TOPIC_WITHOUT_COMMENTATOR, ("topic-3",)),
    ]


def test_a_topic_session_without_a_commentator_is_named_with_its_room_and_time_and_the_fix() -> None:
    plan = agenda(
        session("t1", HALL, "10:00", "10:50", slot("k1", "10:00", 40, SlotKind.DISCUSSION), slot("c1", "10:40", 10, SlotKind.COMMENTARY),
                topic_id=1, title="平安建设", commentators=()),
        session("t2", SIDE, "10:00", "10:50", slot("k2", "10:00", 40, SlotKind.DISCUSSION), slot("c2", "10:40", 10, SlotKind.COMMENTARY),
                topic_id=2, title="法治宣传", commentators=(Person(None, "周点评", "中山大学", "教授"),)),
        # Not a topic's session: the 综合点评 is not checked for its 点评人.
        session("closing", HALL, "11:00", "11:30", slot("cc", "11:00", 30, SlotKind.COMMENTARY, "综合点评")),
    )

    problems = find_problems(plan, [])

    assert [(p.kind, p.message, p.session_keys) for p in problems] == [
        (ProblemKind.TOPIC_WITHOUT_COMMENTATOR,
         "场次“平安建设”（第一会议室，2026年12月10日 10:00–10:50）未安排点评人。", ("t1",)),
    ]
    assert problems[0].fix.text == "在场次表单中填写点评人（姓名、单位、职务）。"
    assert problems[0].fix.actions == (FixAction.EDIT_SESSION,)


def test_a_topic_over_two_sessions_needs_its_commentator_where_the_commentary_is() -> None:
    morning = session("t1a", HALL, "10:00", "10:40", slot("k1", "10:00", 40, SlotKind.DISCUSSION), topic_id=1, commentators=())
    afternoon = session("t1b", HALL, "14:00", "14:40", slot("k2", "14:00", 30, SlotKind.DISCUSSION),
                        slot("c1", "14:30", 10, SlotKind.COMMENTARY), topic_id=1, commentators=())

    assert [p.session_keys for p in find_problems(agenda(morning, afternoon), [])] == [("t1b",)]
    named = dataclasses.replace(afternoon, commentators=(Person(None, "周点评"),))
    assert find_problems(agenda(morning, named), []) == []


def test_a_commentator_in_two_parallel_sessions_is_in_two_places_at_the_commentary() -> None:
    zhou = Person(None, "周点评", "中山大学")
    plan = agenda(
        session("t1", HALL, "10:00", "10:50", slot("k1", "10:00", 40, SlotKind.DISCUSSION), slot("c1", "10:40", 10, SlotKind.COMMENTARY),
                topic_id=1, commentators=(zhou,)),
        session("t2", SIDE, "10:00", "10:50", slot("k2", "10:00", 40, SlotKind.DISCUSSION), slot("c2", "10:40", 10, SlotKind.COMMENTARY),
                topic_id=2, commentators=(zhou, Person(None, "李点评"))),
    )

    problems = find_problems(plan, [])

    assert [(p.kind, p.slot_keys) for p in problems] == [(ProblemKind.PERSON_CLASH, ("c1", "c2"))]
    assert "周点评" in problems[0].message


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
            paper_id=5,
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


# --- papers against their state: withdrawn, decided, left out -----------------------------------


def topic_session(*slots, topic_id: int = 1, key: str = "t1"):  # type: ignore[no-untyped-def]
    return session(key, HALL, "10:00", "11:00", *slots, topic_id=topic_id, title="平安建设")


def state(paper_id: int, outcome: str | None, topic_id: int = 1, **fields: object) -> PaperState:
    return PaperState(paper_id, paper_id, f"论文{paper_id}", topic_id, outcome=outcome, **fields)  # type: ignore[arg-type]


def contributions(*paper_ids: int) -> tuple[Contribution, ...]:
    return tuple(Contribution(p, f"论文{p}", person(p)) for p in paper_ids)


def test_a_withdrawn_paper_in_the_draft_names_the_paper_and_the_slot_and_says_to_take_it_out() -> None:
    plan = agenda(topic_session(
        slot("k5", "10:00", 10, title="论文5", paper_id=5),
        slot("d", "10:10", 20, SlotKind.DISCUSSION, "研讨交流", contributions=contributions(6)),
        slot("c", "10:30", 10, SlotKind.COMMENTARY),
    ))
    papers = {5: state(5, "keynote", withdrawn=True), 6: state(6, "discussion", withdrawn=True)}

    problems = find_problems(plan, [discussion(6, 1)], papers)

    assert problems == [
        Problem(ProblemKind.PAPER_WITHDRAWN, "论文#5“论文5”已被所在市撤回，但仍在“论文5”（2026年12月10日 10:00–10:10）中。",
                ("k5",), ("t1",), 5),
        Problem(ProblemKind.PAPER_WITHDRAWN, "论文#6“论文6”已被所在市撤回，但仍在“研讨交流”（2026年12月10日 10:10–10:30）中。",
                ("d",), ("t1",), 6),
    ]
    assert problems[0].fix.text == "请将该论文移出议程。"
    assert problems[0].fix.actions == (FixAction.REMOVE_PAPER,)


def test_a_withdrawn_paper_in_the_published_version_is_a_finding_until_a_version_without_it_is_published() -> None:
    published = agenda(topic_session(slot("k5", "10:00", 10, title="论文5", paper_id=5), slot("c", "10:10", 10, SlotKind.COMMENTARY)))
    corrected = agenda(topic_session(slot("c", "10:00", 10, SlotKind.COMMENTARY)))
    papers = {5: state(5, "keynote", withdrawn=True)}

    problems = find_problems(corrected, [], papers, PublishedAgenda(1, published))

    assert problems == [
        Problem(ProblemKind.PUBLISHED_WITHDRAWN,
                "已发布的第1版仍在“论文5”（2026年12月10日 10:00–10:10）中列有论文#5“论文5”，但该论文已被所在市撤回。",
                paper_id=5)
    ]
    assert problems[0].fix.actions == (FixAction.PUBLISH,)
    assert find_problems(corrected, [], papers, PublishedAgenda(2, corrected)) == []


def test_a_paper_decided_off_the_agenda_after_publishing_is_a_finding_until_a_version_without_it_is_published() -> None:
    published = agenda(topic_session(slot("k5", "10:00", 10, title="论文5", paper_id=5), slot("c", "10:10", 10, SlotKind.COMMENTARY)))
    redrafted = agenda(topic_session(slot("c", "10:00", 10, SlotKind.COMMENTARY)))
    papers = {5: state(5, "decline")}  # was the keynote; the decision changed, the draft was made again

    problems = find_problems(redrafted, [], papers, PublishedAgenda(1, published))

    assert problems == [
        Problem(ProblemKind.PUBLISHED_NOT_ON_AGENDA,
                "已发布的第1版仍在“论文5”（2026年12月10日 10:00–10:10）中列有论文#5“论文5”，但其评审结果现为：不采用。",
                paper_id=5)
    ]
    assert problems[0].fix.actions == (FixAction.DECIDE, FixAction.PUBLISH)
    assert find_problems(redrafted, [], papers, PublishedAgenda(2, redrafted)) == []
    assert find_problems(redrafted, [], {5: state(5, "keynote")}, PublishedAgenda(1, published)) != problems


def test_a_decided_paper_without_a_place_is_a_finding_until_placed_or_left_out() -> None:
    plan = agenda(topic_session(
        slot("k5", "10:00", 10, paper_id=5),
        slot("d", "10:10", 20, SlotKind.DISCUSSION, contributions=contributions(6)),
        slot("c", "10:30", 10, SlotKind.COMMENTARY),
    ))
    decided = [keynote(5, 1), keynote(7, 1), discussion(6, 1), discussion(8, 1)]
    papers = {5: state(5, "keynote"), 6: state(6, "discussion"), 7: state(7, "keynote"), 8: state(8, "discussion")}

    problems = find_problems(plan, decided, papers)
    left_out = find_problems(plan, decided, {**papers, 8: state(8, "discussion", left_out="作者因公出国")})

    assert [(p.kind, p.message, p.paper_id) for p in problems] == [
        (ProblemKind.KEYNOTE_WITHOUT_SLOT, "重点发言论文#7“论文7”尚未排入议程。", 7),
        (ProblemKind.DISCUSSION_WITHOUT_PLACE, "研讨交流论文#8“论文8”尚未排入议程。", 8),
    ]
    assert problems[1].fix.actions == (FixAction.PLACE_PAPER, FixAction.LEAVE_OUT)
    assert kinds(left_out) == [ProblemKind.KEYNOTE_WITHOUT_SLOT]


@pytest.mark.parametrize(("outcome", "expected", "words"), [
    ("proceedings", ProblemKind.PAPER_NOT_ON_AGENDA, "其评审结果为：仅收入论文集"),
    ("decline", ProblemKind.PAPER_NOT_ON_AGENDA, "其评审结果为：不采用"),
    (None, ProblemKind.PAPER_NOT_ON_AGENDA, "其评审结果为：尚未决定"),
    ("keynote", ProblemKind.PAPER_IN_WRONG_PLACE, "已确定为重点发言"),
])
def test_a_contribution_whose_decision_changed_says_what_it_is_now(outcome: str | None, expected: ProblemKind, words: str) -> None:
    plan = agenda(topic_session(
        slot("d", "10:00", 20, SlotKind.DISCUSSION, "研讨交流", contributions=contributions(6)),
        slot("c", "10:20", 10, SlotKind.COMMENTARY),
    ))
    decided = [keynote(6, 1)] if outcome == "keynote" else []

    problems = find_problems(plan, decided, {6: state(6, outcome)})

    assert kinds(problems) == [expected]
    assert words in problems[0].message and "论文#6“论文6”" in problems[0].message
    assert problems[0].slot_keys == ("d",)


def test_a_paper_placed_under_another_topic_is_told_to_move_to_its_own() -> None:
    plan = agenda(topic_session(
        slot("d", "10:00", 20, SlotKind.DISCUSSION, contributions=contributions(6)),
        slot("c", "10:20", 10, SlotKind.COMMENTARY),
    ))

    problems = find_problems(plan, [discussion(6, 2)], {6: state(6, "discussion", topic_id=2)})

    assert kinds(problems) == [ProblemKind.PAPER_IN_OTHER_TOPIC]
    assert problems[0].fix.actions == (FixAction.PLACE_PAPER,)


def test_every_finding_says_how_to_fix_it_and_where() -> None:
    plan = agenda(
        session("s", Room(99, "临时会场"), "09:00", "08:00", slot("x", "09:00", 0, SlotKind.OPENING), title="开班式"),
        topic_session(
            slot("k", "10:00", 70, speaker=person(1)),
            slot("k5", "10:05", 10, paper_id=5),
            slot("d", "10:15", 20, SlotKind.DISCUSSION, contributions=contributions(6, 9, 10)),
            slot("z", "12:00", 10, SlotKind.OPENING),
        ),
        session("t2", SIDE, "10:00", "11:00", slot("y", "10:00", 10, SlotKind.LECTURE, speaker=person(1)), topic_id=2,
                commentators=()),
    )
    papers = {5: state(5, "keynote", withdrawn=True), 6: state(6, "decline"), 7: state(7, "keynote"),
              9: state(9, "keynote"), 10: state(10, "discussion", topic_id=2), 11: state(11, "discussion")}
    decided = [keynote(7, 1), keynote(9, 1), discussion(10, 2), discussion(11, 1)]

    problems = find_problems(plan, decided, papers, PublishedAgenda(1, plan))

    assert set(kinds(problems)) == set(ProblemKind)
    assert all(problem.fix.text and problem.fix.actions for problem in problems)
