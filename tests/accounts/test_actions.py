from __future__ import annotations

from seminar.accounts.actions import ensure_units
from seminar.accounts.models import Unit, UnitKind
from seminar.accounts.units import UNITS


async def test_ensure_units_creates_every_unit_in_official_order_with_parents() -> None:
    await ensure_units()

    units = await Unit.all().select_related("parent")

    assert [unit.name for unit in units] == [data.name for data in UNITS]
    by_name = {unit.name: unit for unit in units}
    assert by_name["前海深港现代服务业合作区"].parent.name == "深圳市"  # type: ignore[union-attr]
    assert by_name["横琴粤澳深度合作区"].parent is None
    assert by_name["广州市"].code == "440100" and by_name["广州市"].pinyin == "Guǎngzhōu"
    # The short name people write, the 全称 a cover prints.
    assert by_name["省委政法委"].full_name == "中共广东省委政法委员会"


async def test_ensure_units_twice_changes_nothing_and_repairs_drift() -> None:
    await Unit.create(name="广州市", kind=UnitKind.DEPARTMENT, sort_order=999)
    await ensure_units()
    first = await Unit.all().values_list("id", "name", "kind", "sort_order", "parent_id")

    await ensure_units()

    assert await Unit.all().values_list("id", "name", "kind", "sort_order", "parent_id") == first
    guangzhou = await Unit.get(name="广州市")
    assert (guangzhou.kind, guangzhou.sort_order) == (UnitKind.CITY, 10)
