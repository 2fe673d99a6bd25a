"""The site administrators' units page: the official order shown, units added and corrected."""

from __future__ import annotations

import lxml.html
import pytest

from seminar.accounts.actions import ensure_units
from seminar.accounts.models import Unit, UnitKind
from tests.conftest import Client, flashes
from tests.factories import make_organizer, make_seminar, make_user

UNITS = "/manage/units"


@pytest.fixture
async def admin(client: Client) -> Client:
    await ensure_units()
    await make_user(email="admin@example.org", name="系统管理员", is_admin=True)
    await client.login("admin@example.org")
    return client


def form_for(unit: Unit, **changes: str) -> dict[str, str]:
    return {"name": unit.name, "name_hant": unit.name_hant, "full_name": unit.full_name, "kind": unit.kind.value,
            "sort_order": str(unit.sort_order), "parent": str(unit.parent_id or ""), "pinyin": unit.pinyin, **changes}


async def test_the_page_lists_the_units_in_official_order_with_their_people_and_papers(admin: Client) -> None:
    page = await admin.get(UNITS)

    assert page.status_code == 200
    names = [cell.text_content().split()[0] for cell in lxml.html.fromstring(page.text).xpath("//tbody/tr/td[2]")]
    assert names[:3] == ["广州市", "深圳市", "珠海市"]
    assert "中共广东省委政法委员会" in page.text
    header = await admin.get("/")
    assert '/manage/units">单位</a>' in header.text  # in the administrator's header links


async def test_an_administrator_adds_a_zone_between_two_cities_and_it_is_listed_there(admin: Client) -> None:
    shenzhen = await Unit.get(name="深圳市")
    response = await admin.post_form(f"{UNITS}/new", {
        "name": "河套深港科技创新合作区", "name_hant": "河套深港科技創新合作區", "full_name": "",
        "kind": "special_zone", "sort_order": "25", "parent": str(shenzhen.id), "pinyin": "",
    })

    assert response.status_code == 303
    page = await admin.get(response.headers["location"])
    assert "“河套深港科技创新合作区”" in flashes(page)[0]
    zone = await Unit.get(name="河套深港科技创新合作区")
    assert (zone.kind, zone.parent_id, zone.edited_at is not None) == (UnitKind.SPECIAL_ZONE, shenzhen.id, True)
    names = [cell.text_content().split()[0] for cell in lxml.html.fromstring(page.text).xpath("//tbody/tr/td[2]")]
    assert names.index("河套深港科技创新合作区") == names.index("深圳市") + 1


async def test_a_full_name_set_on_the_page_survives_the_units_command(admin: Client) -> None:
    guangzhou = await Unit.get(name="广州市")
    response = await admin.post_form(f"{UNITS}/{guangzhou.id}", form_for(guangzhou, full_name="广州市人民政府"))
    assert response.status_code == 303

    await ensure_units()

    assert (await Unit.get(id=guangzhou.id)).full_name == "广州市人民政府"


@pytest.mark.parametrize(("changes", "field"), [
    ({"name": "深圳市"}, "name"),
    ({"name": ""}, "name"),
    ({"sort_order": "第一"}, "sort_order"),
    ({"kind": "planet"}, "kind"),
])
async def test_bad_input_is_refused_with_a_message_and_changes_nothing(
        admin: Client, changes: dict[str, str], field: str) -> None:
    guangzhou = await Unit.get(name="广州市")
    before = await Unit.all().order_by("id").values_list("id", "name", "kind", "sort_order", "parent_id")

    response = await admin.post_form(f"{UNITS}/{guangzhou.id}", form_for(guangzhou, **changes))

    assert response.status_code == 400
    errors = lxml.html.fromstring(response.text).xpath(f'//ul[@id="{field}-errors"]/li')
    assert errors and all(error.text_content().strip() for error in errors)  # said under the field at fault
    if changes.get("name") == "深圳市":
        assert "已有名为“深圳市”的单位" in errors[0].text_content()
    assert await Unit.all().order_by("id").values_list("id", "name", "kind", "sort_order", "parent_id") == before


async def test_organizers_who_are_not_administrators_may_not_edit_units(client: Client) -> None:
    await ensure_units()
    await make_organizer(await make_seminar())
    await client.login("organizer@example.org")
    guangzhou = await Unit.get(name="广州市")

    assert (await client.get(UNITS)).status_code == 403
    response = await client.post_form(f"{UNITS}/{guangzhou.id}", form_for(guangzhou, name="穗"))
    assert response.status_code == 403
    assert (await Unit.get(id=guangzhou.id)).name == "广州市"
