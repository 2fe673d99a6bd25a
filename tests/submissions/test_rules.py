from __future__ import annotations

import datetime as dt

import pytest

from seminar.submissions.rules import (
    AuthorDraft,
    PaperDraft,
    effective_deadline,
    is_open,
    missing_for_submission,
    over_quota,
    parse_keywords,
)

DEADLINE = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)
COMPLETE = PaperDraft(
    title="党建引领基层治理",
    has_topic=True,
    abstract="摘要",
    keywords=["党建", "治理", "平安"],
    originality_confirmed=True,
    authors=[AuthorDraft("陈静", "广州市委政法委", True)],
    has_manuscript=True,
)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("党建引领、基层治理、平安建设", ["党建引领", "基层治理", "平安建设"]),
        ("党建引领，基层治理,平安建设；法治", ["党建引领", "基层治理", "平安建设", "法治"]),
        (" 党建 , 党建 ,, ", ["党建"]),
        ("", []),
    ],
)
def test_parse_keywords(typed: str, expected: list[str]) -> None:
    assert parse_keywords(typed) == expected


def test_a_complete_paper_misses_nothing() -> None:
    assert missing_for_submission(COMPLETE) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": " "}, "请填写题目。"),
        ({"has_topic": False}, "请选择专题。"),
        ({"authors": []}, "请至少填写一位作者。"),
        ({"authors": [AuthorDraft("陈静", "", True)]}, "请填写每位作者的姓名和单位。"),
        ({"authors": [AuthorDraft("陈静", "广州市委政法委", False)]}, "请指定一位联系人。"),
        ({"abstract": ""}, "请填写摘要。"),
        ({"keywords": ["党建", "治理"]}, "请填写3至5个关键词。"),
        ({"keywords": ["一", "二", "三", "四", "五", "六"]}, "请填写3至5个关键词。"),
        ({"originality_confirmed": False}, "请确认论文为原创且未公开发表。"),
        ({"has_manuscript": False}, "请上传论文稿件。"),
    ],
)
def test_missing_for_submission_names_each_gap(change: dict[str, object], message: str) -> None:
    from dataclasses import replace

    assert missing_for_submission(replace(COMPLETE, **change)) == [message]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("seminar_deadline", "extension", "expected"),
    [
        (DEADLINE, None, DEADLINE),
        (DEADLINE, DEADLINE + dt.timedelta(days=3), DEADLINE + dt.timedelta(days=3)),
        (DEADLINE, DEADLINE - dt.timedelta(days=3), DEADLINE),
        (None, DEADLINE, None),
    ],
)
def test_effective_deadline_only_moves_later(
    seminar_deadline: dt.datetime | None, extension: dt.datetime | None, expected: dt.datetime | None
) -> None:
    assert effective_deadline(seminar_deadline, extension) == expected


@pytest.mark.parametrize(
    ("now", "opens", "deadline", "expected"),
    [
        (DEADLINE - dt.timedelta(minutes=1), None, DEADLINE, True),
        (DEADLINE, None, DEADLINE, True),
        (DEADLINE + dt.timedelta(minutes=1), None, DEADLINE, False),
        (DEADLINE, DEADLINE + dt.timedelta(days=1), None, False),
        (DEADLINE, None, None, True),
    ],
)
def test_is_open(now: dt.datetime, opens: dt.datetime | None, deadline: dt.datetime | None, expected: bool) -> None:
    assert is_open(now, opens, deadline) is expected


@pytest.mark.parametrize(("submitted", "quota", "expected"), [(0, 1, False), (1, 1, True), (5, None, False), (2, 3, False)])
def test_over_quota(submitted: int, quota: int | None, expected: bool) -> None:
    assert over_quota(submitted, quota) is expected
