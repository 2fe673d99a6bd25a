from __future__ import annotations

import datetime as dt

import pytest

from seminar.submissions.rules import (
    AuthorDraft,
    PaperDraft,
    VersionFacts,
    book_version,
    effective_deadline,
    final_version_problem,
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


@pytest.mark.parametrize(
    ("versions", "reviewed", "expected"),
    [
        ([], None, None),  # no manuscript at all
        ([VersionFacts(1), VersionFacts(2)], None, 2),  # undecided: the newest upload
        ([VersionFacts(1), VersionFacts(2)], 1, 1),  # decided on version 1: that one
        ([VersionFacts(1), VersionFacts(2, "pending")], 1, 1),  # a final version waiting is not printed
        ([VersionFacts(1), VersionFacts(2, "returned")], 1, 1),
        ([VersionFacts(1), VersionFacts(2, "accepted"), VersionFacts(3, "pending")], 1, 2),
        ([VersionFacts(1), VersionFacts(2, "accepted"), VersionFacts(3, "accepted")], 1, 3),
        ([VersionFacts(1), VersionFacts(2, "superseded"), VersionFacts(3, "accepted")], 1, 3),
        ([VersionFacts(1), VersionFacts(2, "pending")], None, 1),  # decided before versions were recorded
        ([VersionFacts(2)], 1, 2),  # the reviewed version is gone: the newest ordinary upload
    ],
)
def test_book_version(versions: list[VersionFacts], reviewed: int | None, expected: int | None) -> None:
    assert book_version(versions, reviewed) == expected


NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
TOLD_FIRST = "收到组织方的采用通知后才能提交定稿。"
TOO_LATE = "定稿提交截止时间已过。如论文仍需修改，请联系组织方。"


@pytest.mark.parametrize(
    ("outcome", "deadline", "expected"),
    [
        ("keynote", None, None),
        ("discussion", NOW + dt.timedelta(minutes=1), None),
        ("proceedings", NOW, None),  # up to the minute of the deadline
        ("keynote", NOW - dt.timedelta(minutes=1), TOO_LATE),
        ("decline", None, TOLD_FIRST),
        (None, None, TOLD_FIRST),  # undecided, or the decision not mailed yet
    ],
)
def test_final_version_problem(outcome: str | None, deadline: dt.datetime | None, expected: str | None) -> None:
    assert final_version_problem(outcome, deadline, NOW) == expected
