from __future__ import annotations

import dataclasses
import datetime as dt
import random

import pytest

from seminar.agenda.draft import AgendaOverflow, DraftSettings, DraftSettingsError, draft_agenda
from seminar.agenda.model import Agenda, Decision, SlotKind, TopicRef
from seminar.errors import UserError
from tests.agenda.builders import DAY, HALL, SIDE, ZONE, at, discussion, keynote, topic_papers


@pytest.fixture(autouse=True)
def clean_database() -> None:
    """Pure code, no database: nothing to empty after each test (overrides the conftest's fixture)."""


TOPICS = [
    TopicRef(1, "党建引领基层治理"),
    TopicRef(2, "矛盾纠纷多元化解"),
    TopicRef(3, "平安建设"),
    TopicRef(4, "法治宣传"),
    TopicRef(5, "网格化管理"),
    TopicRef(6, "数字政法"),
]
NEXT_DAY = DAY + dt.timedelta(days=1)


def settings(**changes: object) -> DraftSettings:
    return dataclasses.replace(DraftSettings(days=(DAY,), rooms=(HALL,)), **changes)  # type: ignore[arg-type]


def layout(agenda: Agenda) -> list[tuple[str, str, str, str]]:
    return [
        (s.key, s.room.name, s.start.strftime("%m-%d %H:%M"), s.end.strftime("%H:%M"))
        for s in agenda.sessions
    ]


def test_two_topics_fit_in_one_day_around_lunch() -> None:
    papers = topic_papers(1) + topic_papers(2)

    agenda = draft_agenda(TOPICS[:2], papers, settings())

    assert layout(agenda) == [
        ("opening", "第一会议室", "12-10 09:00", "09:20"),
        ("lecture", "第一会议室", "12-10 09:20", "10:20"),
        ("break-before-topic-1", "第一会议室", "12-10 10:20", "10:35"),
        ("topic-1", "第一会议室", "12-10 10:35", "11:25"),
        # 11:40–12:30 would cross lunch: the topic moves to the afternoon, without a break before it.
        ("topic-2", "第一会议室", "12-10 14:00", "14:50"),
        ("break-before-closing", "第一会议室", "12-10 14:50", "15:05"),
        ("closing", "第一会议室", "12-10 15:05", "16:05"),
    ]
    assert [s.title for s in agenda.sessions[:2]] == ["开班式", "专题辅导"]
    assert [(slot.kind, slot.title) for slot in agenda.sessions[-1].slots] == [
        (SlotKind.COMMENTARY, "综合点评"),
        (SlotKind.CLOSING, "总结讲话"),
    ]
    assert all(
        s.start.tzinfo == ZONE and s.start.utcoffset() == dt.timedelta(hours=8) for s in agenda.sessions
    )


def test_a_topic_session_holds_keynotes_by_score_then_discussion_then_commentary() -> None:
    papers = [
        keynote(11, 1, 70),
        discussion(21, 1, 75),
        keynote(12, 1, 95),
        keynote(13, 1, 70),
        discussion(22, 1, 90),
    ]

    agenda = draft_agenda(TOPICS[:1], papers, settings())

    topic = next(s for s in agenda.sessions if s.topic_id == 1)
    assert [(slot.key, slot.kind, slot.paper_id, slot.duration) for slot in topic.slots] == [
        ("keynote-12", SlotKind.KEYNOTE, 12, 10),
        ("keynote-11", SlotKind.KEYNOTE, 11, 10),  # equal scores: the lower paper id first
        ("keynote-13", SlotKind.KEYNOTE, 13, 10),
        ("topic-1-discussion", SlotKind.DISCUSSION, None, 20),
        ("topic-1-commentary", SlotKind.COMMENTARY, None, 10),
    ]
    assert [c.paper_id for c in topic.slots[3].contributions] == [22, 21]
    assert topic.slots[0].speaker is not None and topic.slots[0].speaker.name == "发言人12"
    assert [slot.start for slot in topic.slots] == [
        at(t) for t in ("10:35", "10:45", "10:55", "11:05", "11:25")
    ]
    assert topic.end == at("11:35")


@pytest.mark.parametrize(
    ("contributions", "per_speaker", "expected"),
    [(0, 4, 20), (3, 4, 20), (5, 4, 20), (6, 4, 24), (8, 4, 32), (4, 5, 20), (5, 5, 25)],
)
def test_discussion_slot_lasts_the_longer_of_its_minimum_and_the_speakers_time(
    contributions: int, per_speaker: int, expected: int
) -> None:
    papers = topic_papers(1, keynotes=1, discussions=contributions)

    agenda = draft_agenda(TOPICS[:1], papers, settings(per_speaker_minutes=per_speaker))

    (slot,) = [slot for _s, slot in agenda.slots() if slot.kind == SlotKind.DISCUSSION]
    assert (len(slot.contributions), slot.duration) == (contributions, expected)


def test_every_topic_ends_with_its_commentary_and_topics_keep_their_order() -> None:
    papers = [p for topic in TOPICS[:4] for p in topic_papers(topic.id)]

    agenda = draft_agenda(TOPICS[:4], papers, settings(days=(DAY, NEXT_DAY)))

    topics = [s for s in agenda.sessions if s.topic_id is not None]
    assert [s.topic_id for s in topics] == [1, 2, 3, 4]
    assert all(s.slots[-1].kind == SlotKind.COMMENTARY for s in topics)
    assert [s.title for s in topics] == [t.title for t in TOPICS[:4]]


def test_no_session_crosses_lunch_or_the_end_of_a_day_and_the_closing_comes_last() -> None:
    papers = [p for topic in TOPICS for p in topic_papers(topic.id)]

    agenda = draft_agenda(TOPICS, papers, settings(days=(DAY, NEXT_DAY)))

    assert layout(agenda)[3:] == [
        ("topic-1", "第一会议室", "12-10 10:35", "11:25"),
        ("topic-2", "第一会议室", "12-10 14:00", "14:50"),
        ("break-before-topic-3", "第一会议室", "12-10 14:50", "15:05"),
        ("topic-3", "第一会议室", "12-10 15:05", "15:55"),
        ("break-before-topic-4", "第一会议室", "12-10 15:55", "16:10"),
        ("topic-4", "第一会议室", "12-10 16:10", "17:00"),
        ("topic-5", "第一会议室", "12-11 09:00", "09:50"),
        ("break-before-topic-6", "第一会议室", "12-11 09:50", "10:05"),
        ("topic-6", "第一会议室", "12-11 10:05", "10:55"),
        ("closing", "第一会议室", "12-11 14:00", "15:00"),
    ]
    for s in agenda.sessions:
        day = s.start.date()
        assert not (s.start < at("12:00", day) < s.end), s.key
        assert at("09:00", day) <= s.start and s.end <= at("17:30", day), s.key


def test_parallel_rooms_share_the_topics_and_keep_their_order_in_each_room() -> None:
    papers = [p for topic in TOPICS[:4] for p in topic_papers(topic.id)]

    agenda = draft_agenda(TOPICS[:4], papers, settings(rooms=(HALL, SIDE), parallel_rooms=True))

    assert layout(agenda) == [
        ("opening", "第一会议室", "12-10 09:00", "09:20"),
        ("lecture", "第一会议室", "12-10 09:20", "10:20"),
        ("break-before-topic-1", "第一会议室", "12-10 10:20", "10:35"),
        ("break-before-topic-2", "第二会议室", "12-10 10:20", "10:35"),
        ("topic-1", "第一会议室", "12-10 10:35", "11:25"),
        ("topic-2", "第二会议室", "12-10 10:35", "11:25"),
        ("topic-3", "第一会议室", "12-10 14:00", "14:50"),
        ("topic-4", "第二会议室", "12-10 14:00", "14:50"),
        ("break-before-closing", "第一会议室", "12-10 14:50", "15:05"),
        ("closing", "第一会议室", "12-10 15:05", "16:05"),
    ]


def test_without_parallel_rooms_only_the_first_room_is_used() -> None:
    papers = [p for topic in TOPICS[:2] for p in topic_papers(topic.id)]

    agenda = draft_agenda(TOPICS[:2], papers, settings(rooms=(HALL, SIDE), parallel_rooms=False))

    assert {s.room for s in agenda.sessions} == {HALL}
    assert agenda.rooms == (HALL, SIDE)


# A morning of 180 minutes, nothing but topics of 50 minutes each, no breaks: easy to count by hand.
TIGHT = {
    "lunch_start": None,
    "lunch_end": None,
    "day_end": dt.time(12, 0),
    "opening_minutes": 0,
    "lecture_minutes": None,
    "closing_commentary_minutes": 0,
    "closing_minutes": 0,
    "break_minutes": 0,
}


@pytest.mark.parametrize(
    ("topic_count", "extra", "failing", "needed", "available", "shortfall"),
    [
        # 3 × 50 = 150: topic 4 finds 30 minutes left, and is 20 minutes short.
        (4, {}, "专题4“法治宣传”", 50, 30, 20),
        # Topic 5 comes on top of topic 4: 250 − 180.
        (5, {}, "专题4“法治宣传”", 50, 30, 70),
        # With 10-minute breaks topic 3 ends at 11:50; topic 4 would run 12:00–12:50.
        (4, {"break_minutes": 10}, "专题4“法治宣传”", 50, 0, 50),
        # The closing plenary that does not fit is named as such.
        (3, {"closing_minutes": 45}, "综合点评及总结讲话", 45, 30, 15),
    ],
)
def test_an_agenda_that_cannot_fit_says_what_overflows_by_how_many_minutes(
    topic_count: int, extra: dict[str, object], failing: str, needed: int, available: int, shortfall: int
) -> None:
    papers = [p for topic in TOPICS[:topic_count] for p in topic_papers(topic.id)]

    with pytest.raises(AgendaOverflow) as raised:
        draft_agenda(TOPICS[:topic_count], papers, settings(**{**TIGHT, **extra}))

    error = raised.value
    assert (error.item, error.needed, error.available, error.day, error.shortfall) == (
        failing,
        needed,
        available,
        DAY,
        shortfall,
    )
    assert isinstance(error, UserError)


def test_overflow_message_in_chinese() -> None:
    papers = [p for topic in TOPICS[:4] for p in topic_papers(topic.id)]

    with pytest.raises(AgendaOverflow) as raised:
        draft_agenda(TOPICS[:4], papers, settings(**TIGHT))

    assert raised.value.message == (
        "专题4“法治宣传”需要50分钟，但2026年12月10日仅剩连续30分钟。按现有日期和时间安排，议程总计超出20分钟。"
    )


def test_a_topic_longer_than_any_part_of_a_day_overflows_with_the_longest_stretch_left() -> None:
    papers = topic_papers(1, keynotes=20, discussions=0)  # 200 + 20 + 10 = 230 minutes

    with pytest.raises(AgendaOverflow) as raised:
        draft_agenda(TOPICS[:1], papers, settings(opening_minutes=0, lecture_minutes=None))

    # The afternoon (14:00–17:30) is the longest stretch. Were it open-ended, the topic would end
    # at 17:50 and the closing, after its break, at 19:05: 95 minutes past 17:30.
    error = raised.value
    assert (error.item, error.needed, error.available, error.shortfall) == (
        "专题1“党建引领基层治理”",
        230,
        210,
        95,
    )


def test_the_draft_is_deterministic_whatever_the_order_of_the_decisions() -> None:
    papers = [p for topic in TOPICS for p in topic_papers(topic.id)]
    shuffled = papers[:]
    random.Random(5).shuffle(shuffled)

    first = draft_agenda(
        TOPICS, papers, settings(days=(DAY, NEXT_DAY), rooms=(HALL, SIDE), parallel_rooms=True)
    )
    second = draft_agenda(
        TOPICS, shuffled, settings(days=(DAY, NEXT_DAY), rooms=(HALL, SIDE), parallel_rooms=True)
    )

    assert first == second


def test_topics_without_papers_get_no_session_and_papers_of_unknown_topics_are_left_out() -> None:
    papers = topic_papers(2) + [keynote(999, 42)]

    agenda = draft_agenda(TOPICS[:3], papers, settings())

    assert [s.topic_id for s in agenda.sessions if s.topic_id is not None] == [2]
    assert all(slot.paper_id != 999 for _s, slot in agenda.slots())


def test_lecture_and_opening_can_be_left_out_and_the_lecture_keeps_its_given_title() -> None:
    papers = topic_papers(1)

    without = draft_agenda(TOPICS[:1], papers, settings(opening_minutes=0, lecture_minutes=None))
    titled = draft_agenda(TOPICS[:1], papers, settings(lecture_minutes=90, lecture_title="新时代枫桥经验"))

    assert layout(without)[0] == ("topic-1", "第一会议室", "12-10 09:00", "09:50")
    assert [(s.key, s.title, s.end.strftime("%H:%M")) for s in titled.sessions[:2]] == [
        ("opening", "开班式", "09:20"),
        ("lecture", "新时代枫桥经验", "10:50"),
    ]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"days": ()}, "请至少选择一天安排议程。"),
        ({"rooms": ()}, "生成议程前请至少添加一个会场。"),
        ({"day_start": dt.time(18, 0)}, "每日结束时间应晚于开始时间。"),
        ({"lunch_end": None}, "请同时填写午休的开始和结束时间，或均不填写。"),
        ({"lunch_start": dt.time(8, 0)}, "午休应在当日议程时间之内，且结束时间晚于开始时间。"),
        ({"keynote_minutes": 0}, "重点发言和研讨交流的时长均应至少为1分钟。"),
        ({"break_minutes": -5}, "时长不能为负数。"),
    ],
)
def test_settings_that_cannot_describe_a_day_are_refused(changes: dict[str, object], message: str) -> None:
    with pytest.raises(DraftSettingsError) as raised:
        draft_agenda(TOPICS[:1], topic_papers(1), settings(**changes))

    assert raised.value.message == message


def test_decision_values_match_the_review_recommendations() -> None:
    from seminar.reviews.models import Recommendation

    assert {d.value for d in Decision} <= {r.value for r in Recommendation}
