from __future__ import annotations

from dataclasses import replace

import pytest

from seminar.accounts.actions import UnitFields, ensure_units, save_unit
from seminar.errors import UserError
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


async def test_ensure_units_keeps_what_an_administrator_changed_and_finds_a_renamed_unit() -> None:
    await ensure_units()
    department = await Unit.get(name="省委政法委")
    zone = await Unit.get(name="横琴粤澳深度合作区")
    await save_unit(department, UnitFields(
        name="省委政法委（含综治办）", name_hant="", full_name="中共广东省委政法委员会（综治办）",
        kind=UnitKind.DEPARTMENT, sort_order=department.sort_order, parent_id=None, pinyin=""))
    count = await Unit.all().count()
    # Drift in a unit nobody edited is still repaired.
    await Unit.filter(id=zone.id).update(sort_order=1)

    await ensure_units()

    assert await Unit.all().count() == count  # the old name did not come back as a second unit
    department = await Unit.get(id=department.id)
    assert (department.name, department.full_name) == ("省委政法委（含综治办）", "中共广东省委政法委员会（综治办）")
    assert (await Unit.get(id=zone.id)).sort_order != 1


async def test_save_unit_refuses_a_taken_name_and_a_parent_that_belongs_to_a_unit() -> None:
    await ensure_units()
    guangzhou = await Unit.get(name="广州市")
    qianhai = await Unit.get(name="前海深港现代服务业合作区")  # belongs to 深圳市
    new = UnitFields(name="广州市", name_hant="", full_name="", kind=UnitKind.SPECIAL_ZONE, sort_order=15,
                     parent_id=None, pinyin="")

    with pytest.raises(UserError) as taken:
        await save_unit(None, new)
    assert taken.value.field == "name"
    with pytest.raises(UserError) as nested:
        await save_unit(None, replace(new, name="南沙新区", parent_id=qianhai.id))
    assert nested.value.field == "parent"
    with pytest.raises(UserError):
        await save_unit(guangzhou, replace(new, name="广州市", kind=UnitKind.CITY, parent_id=guangzhou.id))

    assert not await Unit.filter(name="南沙新区").exists()
    assert (await Unit.get(id=guangzhou.id)).parent_id is None
