from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from seminar.agenda.changes import ChangeKind, diff_releases
from seminar.agenda.draft import DraftSettings, draft_agenda
from seminar.agenda.model import Agenda, Contribution, Person, Session, SignIn, Slot, SlotKind, TopicRef
from seminar.agenda.snapshot import agenda_from_data, agenda_to_data
from seminar.i18n import use_locale
from tests.agenda.builders import DAY, HALL, SIDE, agenda, at, person, session, slot, topic_papers


@pytest.fixture(autouse=True)
def clean_database() -> None:
    """Pure code, no database: nothing to empty after each test (overrides the conftest's fixture)."""


ZHANG = person(1, "张三")
LI = person(2, "李四")


def v1() -> Agenda:
    return agenda(
        session("opening", HALL, "09:00", "09:20", slot("opening", "09:00", 20, SlotKind.OPENING, "开班式")),
        session(
            "topic-1",
            HALL,
            "10:00",
            "11:00",
            slot("keynote-1", "10:00", 10, title="论文一", paper_id=1, speaker=ZHANG),
            slot("keynote-2", "10:10", 10, title="论文二", paper_id=2, speaker=LI),
            slot(
                "topic-1-discussion",
                "10:20",
                20,
                SlotKind.DISCUSSION,
                "研讨交流",
                contributions=(Contribution(3, "论文三", ZHANG), Contribution(4, "论文四", LI)),
            ),
            slot("topic-1-commentary", "10:40", 10, SlotKind.COMMENTARY, "点评"),
            topic_id=1,
            title="平安建设",
        ),
        session(
            "topic-2",
            SIDE,
            "10:00",
            "11:00",
            slot("keynote-5", "10:00", 10, title="论文五", paper_id=5),
            topic_id=2,
            title="法治宣传",
        ),
    )


def edit(plan: Agenda, key: str, **changes: object) -> Agenda:
    """The same agenda with one slot changed."""
    return Agenda(
        plan.rooms,
        tuple(
            dataclasses.replace(
                s,
                slots=tuple(dataclasses.replace(t, **changes) if t.key == key else t for t in s.slots),  # type: ignore[arg-type]
            )
            for s in plan.sessions
        ),
        plan.time_zone,
    )


def move(plan: Agenda, key: str, to_session: str) -> Agenda:
    moving = next(t for s in plan.sessions for t in s.slots if t.key == key)
    sessions = []
    for s in plan.sessions:
        slots = tuple(t for t in s.slots if t.key != key)
        if s.key == to_session:
            slots = (*slots, moving)
        sessions.append(dataclasses.replace(s, slots=slots))
    return Agenda(plan.rooms, tuple(sessions), plan.time_zone)


def summary(old: Agenda, new: Agenda) -> list[tuple[ChangeKind, str, str]]:
    return [(c.kind, c.slot_key, c.summary) for c in diff_releases(old, new)]


def test_an_unchanged_release_has_no_changes() -> None:
    assert diff_releases(v1(), v1()) == []


def test_a_slot_moved_to_another_room() -> None:
    new = move(v1(), "keynote-2", "topic-2")

    assert summary(v1(), new) == [
        (ChangeKind.MOVED, "keynote-2", "调整地点：“论文二”由第一会议室改至第二会议室。"),
    ]


def test_a_slot_moved_to_another_session_in_the_same_room() -> None:
    old = v1()
    later = session("topic-3", HALL, "11:00", "12:00", topic_id=3, title="数字政法")
    new = move(Agenda(old.rooms, (*old.sessions, later)), "keynote-1", "topic-3")
    new = edit(new, "keynote-1", start=at("11:00"))

    changes = diff_releases(old, new)

    assert [(c.kind, c.summary) for c in changes] == [
        (ChangeKind.MOVED, "调整场次：“论文一”由“平安建设”调至“数字政法”。"),
        (
            ChangeKind.RETIMED,
            "调整时间：“论文一”由2026年12月10日 10:00–10:10改为2026年12月10日 11:00–11:10。",
        ),
    ]
    assert (
        changes[0].before_session and changes[0].before_session.key,
        changes[0].after_session and changes[0].after_session.key,
    ) == ("topic-1", "topic-3")


def test_a_slot_added_and_one_removed() -> None:
    old = v1()
    added = slot("topic-2-commentary", "10:10", 10, SlotKind.COMMENTARY, "点评")
    new = Agenda(
        old.rooms,
        (old.sessions[0], old.sessions[1], dataclasses.replace(old.sessions[2], slots=(added,))),
    )

    assert summary(old, new) == [
        (ChangeKind.REMOVED, "keynote-5", "取消：“论文五”（原定2026年12月10日 10:00–10:10，第二会议室）。"),
        (ChangeKind.ADDED, "topic-2-commentary", "新增：“点评”，2026年12月10日 10:10–10:20，第二会议室。"),
    ]


def test_a_slot_re_timed_by_its_start_or_by_its_duration() -> None:
    later = edit(v1(), "opening", start=at("09:10"))
    longer = edit(v1(), "opening", duration=30)

    assert summary(v1(), later) == [
        (
            ChangeKind.RETIMED,
            "opening",
            "调整时间：“开班式”由2026年12月10日 09:00–09:20改为2026年12月10日 09:10–09:30。",
        )
    ]
    assert summary(v1(), longer) == [
        (
            ChangeKind.RETIMED,
            "opening",
            "调整时间：“开班式”由2026年12月10日 09:00–09:20改为2026年12月10日 09:00–09:30。",
        )
    ]


def test_a_retitled_slot_and_a_changed_speaker() -> None:
    new = edit(edit(v1(), "keynote-1", title="论文一（修订稿）"), "keynote-2", speaker=Person(None, "王书记"))

    assert summary(v1(), new) == [
        (ChangeKind.RETITLED, "keynote-1", "更改名称：“论文一”改为“论文一（修订稿）”。"),
        (ChangeKind.SPEAKERS_CHANGED, "keynote-2", "更换发言人：“论文二”由李四改为王书记。"),
    ]


def test_reordered_discussion_contributions_change_the_speakers() -> None:
    old = v1()
    _session, discussion = old.find_slot("topic-1-discussion") or (None, None)
    assert discussion is not None
    new = edit(old, "topic-1-discussion", contributions=tuple(reversed(discussion.contributions)))

    assert summary(old, new) == [
        (
            ChangeKind.SPEAKERS_CHANGED,
            "topic-1-discussion",
            "更换发言人：“研讨交流”由张三、李四改为李四、张三。",
        ),
    ]


def test_the_changelog_follows_the_users_language() -> None:
    new = edit(v1(), "opening", start=at("09:10"))

    with use_locale("en"):
        (change,) = diff_releases(v1(), new)

    assert change.summary == (
        "Re-timed: “开班式” from December 10, 2026 09:00–09:20 to December 10, 2026 09:10–09:30."
    )


def test_changes_come_in_time_order_and_each_way_a_slot_changed_is_its_own_line() -> None:
    old = v1()
    new = edit(move(old, "keynote-1", "topic-2"), "keynote-1", start=at("10:50"), title="论文一（修订稿）")
    new = edit(new, "opening", duration=25)

    assert [(c.kind, c.slot_key) for c in diff_releases(old, new)] == [
        (ChangeKind.RETIMED, "opening"),
        (ChangeKind.MOVED, "keynote-1"),
        (ChangeKind.RETIMED, "keynote-1"),
        (ChangeKind.RETITLED, "keynote-1"),
    ]


def test_a_release_snapshot_survives_json_unchanged() -> None:
    topics = [TopicRef(1, "平安建设"), TopicRef(2, "法治宣传")]
    drafted = draft_agenda(
        topics, topic_papers(1) + topic_papers(2), DraftSettings(days=(DAY,), rooms=(HALL, SIDE))
    )
    chaired = Agenda(
        drafted.rooms,
        tuple(
            dataclasses.replace(s, chair=Person(None, "王书记")) if s.key == "opening" else s
            for s in drafted.sessions
        ),
    )

    restored = agenda_from_data(json.loads(json.dumps(agenda_to_data(chaired))))

    assert restored == chaired
    assert diff_releases(chaired, restored) == []
    first: Session = restored.sessions[0]
    opening: Slot = first.slots[0]
    assert (first.chair, f"{opening.start:%H:%M %Z}") == (Person(None, "王书记"), "09:00 CST")


def test_new_commentators_change_the_speakers_of_the_commentary() -> None:
    old = v1()
    topic = next(s for s in old.sessions if s.key == "topic-1")
    new = dataclasses.replace(old, sessions=tuple(
        dataclasses.replace(s, commentators=(Person(None, "王点评"), Person(None, "周点评"))) if s is topic else s
        for s in old.sessions
    ))

    assert summary(old, new) == [
        (ChangeKind.SPEAKERS_CHANGED, "topic-1-commentary", "更换发言人：“点评”由topic-1的点评人改为王点评、周点评。"),
    ]


def test_people_and_sign_in_times_survive_json_and_an_older_single_commentator_is_read() -> None:
    zhou = Person(None, "周点评", "中山大学", "教授")
    plan = dataclasses.replace(v1(), sign_in=(SignIn(DAY, dt.time(8, 0)), SignIn(DAY + dt.timedelta(days=1), None)))
    plan = dataclasses.replace(plan, sessions=tuple(
        dataclasses.replace(s, chair=Person(None, "林主持", "省委政法委", "副秘书长"),
                            commentators=(zhou, Person(7, "王点评"))) if s.key == "topic-1" else s
        for s in plan.sessions
    ))
    data = json.loads(json.dumps(agenda_to_data(plan)))
    older = json.loads(json.dumps(data))
    topic = next(s for s in older["sessions"] if s["key"] == "topic-1")
    topic["commentator"] = topic.pop("commentators")[0]

    assert agenda_from_data(data) == plan
    assert data["sign_in"] == {"2026-12-10": "08:00", "2026-12-11": None}
    assert next(s for s in agenda_from_data(older).sessions if s.key == "topic-1").commentators == (zhou,)
    assert "commentators" not in next(s for s in data["sessions"] if s["key"] == "opening")
    assert "sign_in" not in agenda_to_data(v1())  # nothing new is stored where nothing was set


def test_a_new_chair_and_a_new_sign_in_time_each_have_a_line() -> None:
    """What the printed agenda shows has a line in the changelog: a release that only names the
    主持人 or moves the 签到 is not published with an empty changelog."""
    before = v1()
    chaired = dataclasses.replace(before, sessions=tuple(
        dataclasses.replace(s, chair=Person(None, "林主持")) if s.key == "topic-1" else s for s in before.sessions
    ), sign_in=(SignIn(DAY, dt.time(8, 0)),))
    with use_locale("zh_Hans"):
        changes = diff_releases(before, chaired)
    assert [(c.kind, c.summary) for c in changes] == [
        (ChangeKind.SIGN_IN_CHANGED, "调整签到时间：2026年12月10日由08:30改为08:00。"),
        (ChangeKind.PEOPLE_CHANGED, "更换主持人：“平安建设”由—改为林主持。"),
    ]
    assert diff_releases(chaired, chaired) == []


def test_a_day_without_sign_in_and_commentators_of_a_session_without_commentary_slot() -> None:
    before = v1()
    after = dataclasses.replace(before, sessions=tuple(
        dataclasses.replace(s, commentators=(Person(None, "王点评"),)) if s.key == "topic-2" else s
        for s in before.sessions
    ), sign_in=(SignIn(DAY, None),))
    with use_locale("en"):
        lines = [c.summary for c in diff_releases(before, after)]
    assert lines == [
        "Sign-in on December 10, 2026: 08:30, now none.",
        "Commentators of “法治宣传”: topic-2的点评人, now 王点评.",
    ]
