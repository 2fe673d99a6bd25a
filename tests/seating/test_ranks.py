"""Rank levels read off the 职务, and the two precedence keys."""

from __future__ import annotations

import pytest

from seminar.accounts.units import people_unit_order
from seminar.registration.models import Registration
from seminar.registration.receipt import Rank
from seminar.seating.queries import rank_of
from seminar.seating.ranks import (
    BUREAU,
    BUREAU_DEPUTY,
    DIVISION,
    DIVISION_DEPUTY,
    PROVINCIAL,
    PROVINCIAL_DEPUTY,
    SECTION,
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


GUANGZHOU, SHENZHEN = people_unit_order("city", 10), people_unit_order("city", 20)
PUBLIC_SECURITY = people_unit_order("department", 540)  # 省公安厅: after the cities in plain sort_order


def test_leaders_sort_by_rank_then_the_provincial_department_before_the_cities_unknown_rank_last() -> None:
    people = [("未知", None, GUANGZHOU), ("副厅", BUREAU_DEPUTY, GUANGZHOU), ("厅长深圳", BUREAU, SHENZHEN),
              ("厅长广州", BUREAU, GUANGZHOU), ("公安厅厅长", BUREAU, PUBLIC_SECURITY)]

    ordered = sorted(people, key=lambda p: leader_precedence(p[1], p[2]))

    assert [p[0] for p in ordered] == ["公安厅厅长", "厅长广州", "厅长深圳", "副厅", "未知"]


def test_delegates_sort_by_unit_order_departments_first_then_rank() -> None:
    people = [("深圳处长", SHENZHEN, "深圳市", DIVISION), ("广州科员", GUANGZHOU, "广州市", None),
              ("广州处长", GUANGZHOU, "广州市", DIVISION), ("公安厅科员", PUBLIC_SECURITY, "省公安厅", None),
              ("无单位", people_unit_order(None), "某律师事务所", DIVISION)]

    ordered = sorted(people, key=lambda p: delegate_precedence(p[1], p[2], p[3]))

    assert [p[0] for p in ordered] == ["公安厅科员", "广州处长", "广州科员", "深圳处长", "无单位"]


@pytest.mark.parametrize(("rank", "position", "level"), [
    (None, "副厅长", BUREAU - 1),  # nothing stated: the 职务 alone
    (Rank.BUREAU, "处长", BUREAU),  # the stated 职级 wins over a 职务 of another level
    (Rank.BUREAU, "副厅长", BUREAU - 1),  # a 副职 of the stated 职级 sits after its 正职
    (Rank.COUNTY, "干部", DIVISION),  # a 职务 the list does not know: the stated 职级
    (Rank.OTHER, "科长", SECTION),  # 其他 says nothing: the 职务 decides
    (Rank.PROVINCIAL, "", PROVINCIAL),
])
def test_rank_of_uses_the_stated_rank_refined_by_the_position(rank: Rank | None, position: str, level: int) -> None:
    assert rank_of(Registration(position=position, rank=rank)) == level
