"""Rank levels read off the 职务, and the two precedence keys."""

from __future__ import annotations

import pytest

from seminar.seating.ranks import (
    BUREAU,
    BUREAU_DEPUTY,
    DIVISION,
    DIVISION_DEPUTY,
    PROVINCIAL,
    PROVINCIAL_DEPUTY,
    delegate_precedence,
    leader_precedence,
    rank_from_position,
)


@pytest.mark.parametrize(("position", "level"), [
    ("省委常委、政法委书记", PROVINCIAL_DEPUTY),
    ("副省长", PROVINCIAL_DEPUTY),
    ("省长", PROVINCIAL),
    ("市委常委、政法委书记", BUREAU_DEPUTY),
    ("市委政法委副书记", BUREAU_DEPUTY - 1),
    ("省公安厅厅长", BUREAU),
    ("省公安厅副厅长", BUREAU_DEPUTY),
    ("市长", BUREAU),
    ("处长", DIVISION),
    ("综治处副处长", DIVISION_DEPUTY),
    ("治安管理局干部", None),
    ("", None),
])
def test_rank_from_position(position: str, level: int | None) -> None:
    assert rank_from_position(position) == level


def test_leaders_sort_by_rank_then_unit_order_unknown_rank_last() -> None:
    people = [("未知", None, 1), ("副厅", BUREAU_DEPUTY, 1), ("厅长深圳", BUREAU, 2), ("厅长广州", BUREAU, 1)]

    ordered = sorted(people, key=lambda p: leader_precedence(p[1], p[2]))

    assert [p[0] for p in ordered] == ["厅长广州", "厅长深圳", "副厅", "未知"]


def test_delegates_sort_by_unit_order_then_rank() -> None:
    people = [("深圳处长", 2, "深圳市", DIVISION), ("广州科员", 1, "广州市", None), ("广州处长", 1, "广州市", DIVISION)]

    ordered = sorted(people, key=lambda p: delegate_precedence(p[1], p[2], p[3]))

    assert [p[0] for p in ordered] == ["广州处长", "广州科员", "深圳处长"]
