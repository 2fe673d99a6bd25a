from __future__ import annotations

from seminar.accounts.models import UnitKind
from seminar.accounts.units import UNITS, people_unit_order


def test_the_21_cities_come_first_in_official_order_with_their_codes() -> None:
    cities = [unit for unit in UNITS if unit.kind == UnitKind.CITY]

    assert len(cities) == 21
    assert [unit.name for unit in cities[:5]] == ["广州市", "深圳市", "珠海市", "汕头市", "佛山市"]
    assert cities[-1].name == "云浮市" and cities[-1].code == "445300" and cities[-1].name_hant == "雲浮市"
    assert sorted(UNITS, key=lambda unit: unit.sort_order) == list(UNITS)
    assert len({unit.code for unit in cities}) == 21


def test_special_zones_belong_to_their_city() -> None:
    parents = {unit.name: unit.parent for unit in UNITS if unit.kind == UnitKind.SPECIAL_ZONE}

    assert parents["横琴粤澳深度合作区"] is None
    assert parents["前海深港现代服务业合作区"] == "深圳市"
    assert parents["深汕特别合作区"] == "深圳市"


def test_departments_and_institutions_follow_the_cities() -> None:
    kinds = {unit.name: unit.kind for unit in UNITS}

    assert kinds["省委政法委"] == UnitKind.DEPARTMENT
    assert kinds["中山大学"] == UnitKind.INSTITUTION
    assert [unit.kind for unit in UNITS][-1] == UnitKind.INSTITUTION


def test_people_are_listed_with_the_provincial_departments_before_the_cities() -> None:
    """参会人员名单 and 签到表: 省直单位, then the cities with their zones, then institutions, then no unit."""
    by_name = {unit.name: unit for unit in UNITS}

    def key(name: str | None) -> tuple[int, int]:
        unit = by_name.get(name or "")
        return people_unit_order(unit.kind, unit.sort_order) if unit else people_unit_order(None)

    names = ["中山大学", "广州南沙新区", None, "深圳市", "省公安厅", "广州市", "省委政法委"]
    assert sorted(names, key=key) == ["省委政法委", "省公安厅", "广州市", "深圳市", "广州南沙新区", "中山大学", None]
    # Papers keep the plain official order, in which the cities come first.
    assert by_name["广州市"].sort_order < by_name["省委政法委"].sort_order
