from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest

from seminar.seminars.rules import (
    Schedule,
    KeyDate,
    countdown,
    index_order,
    key_dates,
    moved,
    schedule_problems,
    slug_problem,
    to_aware,
    to_local,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize("slug", ["gd-2021", "a", "gz2026", "x-1-y"])
def test_slug_problem_accepts_lowercase_digits_and_inner_hyphens(slug: str) -> None:
    assert slug_problem(slug) is None


@pytest.mark.parametrize(
    ("slug", "expected"),
    [
        ("", "请填写网址简称。"),
        ("GD-2021", "只能使用小写字母、数字和连字符（连字符只能出现在中间），例如 gd-2026。"),
        ("gd_2021", "只能使用小写字母、数字和连字符（连字符只能出现在中间），例如 gd-2026。"),
        ("-gd", "只能使用小写字母、数字和连字符（连字符只能出现在中间），例如 gd-2026。"),
        ("gd--2021", "只能使用小写字母、数字和连字符（连字符只能出现在中间），例如 gd-2026。"),
        ("广东", "只能使用小写字母、数字和连字符（连字符只能出现在中间），例如 gd-2026。"),
        ("manage", "“manage”已被系统使用，请另选网址简称。"),
        ("healthz", "“healthz”已被系统使用，请另选网址简称。"),
        ("a" * 51, "网址简称最多 50 个字符。"),
    ],
)
def test_slug_problem_explains_what_is_wrong(slug: str, expected: str) -> None:
    assert slug_problem(slug) == expected


def _at(day: int, hour: int = 17) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("schedule", "fields"),
    [
        (Schedule(dt.date(2026, 12, 1), dt.date(2026, 12, 2), _at(1), _at(20), _at(25)), set()),
        (Schedule(dt.date(2026, 12, 1), dt.date(2026, 12, 1), None, None, None), set()),
        (Schedule(dt.date(2026, 12, 2), dt.date(2026, 12, 1), None, None, None), {"ends_on"}),
        (Schedule(dt.date(2026, 12, 1), dt.date(2026, 12, 1), _at(20), _at(20), None), {"submission_deadline"}),
        (Schedule(dt.date(2026, 12, 1), dt.date(2026, 12, 1), _at(21), _at(20), None), {"submission_deadline"}),
        # The review deadline may fall on the submission deadline, not before it.
        (Schedule(dt.date(2026, 12, 1), dt.date(2026, 12, 1), None, _at(20), _at(20)), set()),
        (Schedule(dt.date(2026, 12, 1), dt.date(2026, 12, 1), None, _at(20), _at(19)), {"review_deadline"}),
        (Schedule(dt.date(2026, 12, 1), dt.date(2026, 12, 1), _at(20), None, _at(19)), {"review_deadline"}),
    ],
)
def test_schedule_problems_names_the_fields_out_of_order(schedule: Schedule, fields: set[str]) -> None:
    assert set(schedule_problems(schedule)) == fields


def test_local_times_are_read_and_shown_in_the_seminars_zone() -> None:
    typed = dt.datetime(2026, 11, 25, 9, 30)

    stored = to_aware(typed, "Asia/Shanghai")

    assert stored is not None
    assert stored.astimezone(dt.UTC) == dt.datetime(2026, 11, 25, 1, 30, tzinfo=dt.UTC)
    assert to_local(stored.astimezone(dt.UTC), "Asia/Shanghai") == typed
    assert to_aware(None, "Asia/Shanghai") is None


@pytest.mark.parametrize(
    ("moving", "offset", "expected"),
    [
        (12, -1, [12, 11, 13]),
        (12, 1, [11, 13, 12]),
        (11, -1, [11, 12, 13]),
        (13, 1, [11, 12, 13]),
    ],
)
def test_moved_swaps_with_the_neighbour_and_stops_at_the_ends(moving: int, offset: int, expected: list[int]) -> None:
    assert moved([11, 12, 13], moving, offset) == expected


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (dt.date(2026, 11, 25), "今天"),
        (dt.date(2026, 11, 26), "明天"),
        (dt.date(2026, 12, 5), "还有 10 天"),
        (dt.date(2026, 11, 22), "3 天前"),
        (dt.date(2026, 11, 24), "昨天"),
        # 23:30 in Beijing on the 25th is still "today" there, though it is the 25th 15:30 in UTC.
        (dt.datetime(2026, 11, 25, 15, 30, tzinfo=dt.UTC), "今天"),
        (dt.datetime(2026, 11, 25, 16, 30, tzinfo=dt.UTC), "明天"),
    ],
)
def test_countdown_counts_calendar_days_in_the_local_zone(moment: dt.date | dt.datetime, expected: str) -> None:
    now = dt.datetime(2026, 11, 25, 8, 0, tzinfo=SHANGHAI)

    assert countdown(moment, now) == expected


def test_key_dates_leaves_out_unset_moments_and_marks_past_ones() -> None:
    now = dt.datetime(2026, 11, 25, 8, 0, tzinfo=SHANGHAI)
    deadline = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)
    moments: list[tuple[str, dt.date | dt.datetime | None]] = [
        ("截稿", deadline),
        ("评审截止", None),
        ("开班", dt.date(2026, 11, 25)),
        ("通知作者", dt.date(2026, 12, 1)),
    ]

    assert key_dates(moments, now) == [
        KeyDate("截稿", deadline, "5 天前", past=True),
        KeyDate("开班", dt.date(2026, 11, 25), "今天", past=False),
        KeyDate("通知作者", dt.date(2026, 12, 1), "还有 6 天", past=False),
    ]


@dataclass
class _Seminar:
    name: str
    starts_on: dt.date
    ends_on: dt.date


def test_index_order_puts_upcoming_soonest_first_then_past_most_recent_first() -> None:
    today = dt.date(2026, 11, 25)
    seminars = [
        _Seminar("long ago", dt.date(2024, 5, 1), dt.date(2024, 5, 1)),
        _Seminar("next year", dt.date(2027, 3, 1), dt.date(2027, 3, 2)),
        _Seminar("running", dt.date(2026, 11, 24), dt.date(2026, 11, 26)),
        _Seminar("last month", dt.date(2026, 10, 10), dt.date(2026, 10, 10)),
        _Seminar("next month", dt.date(2026, 12, 10), dt.date(2026, 12, 10)),
    ]

    ordered = [seminar.name for seminar in index_order(seminars, today)]

    assert ordered == ["running", "next month", "next year", "last month", "long ago"]
