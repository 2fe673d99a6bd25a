"""Lists of people by unit put the 省直单位 before the cities (domain.md §7), wherever they are printed."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from seminar.accounts.models import UnitKind
from seminar.checkin.queries import sheet_order, site_people
from seminar.proceedings.queries import participants
from seminar.registration.models import Registration
from tests.conftest import Client
from tests.factories import make_attendee, make_organizer, make_seminar, make_unit


async def test_a_provincial_department_comes_before_guangzhou_in_the_export_the_sheet_and_the_name_list(
    client: Client,
) -> None:
    seminar = await make_seminar()
    organizer = await make_organizer(seminar)
    guangzhou = await make_unit("广州市", UnitKind.CITY, sort_order=10)
    department = await make_unit("省委政法委", UnitKind.DEPARTMENT, sort_order=510)
    await make_attendee(seminar, "gz@example.org", name="陈静")
    await make_attendee(seminar, "zfw@example.org", name="赵强")
    await Registration.filter(name="陈静").update(unit_id=guangzhou.id)
    await Registration.filter(name="赵强").update(unit_id=department.id)
    await client.login(organizer.email)

    export = await client.get("/gd-2021/manage/participants.xlsx")
    sheet = [person.name for person in sheet_order(await site_people(seminar))]
    book = [person.name for person in await participants(seminar)]  # the book's and the 会议手册's 参会人员名单

    rows = [[cell.value for cell in row] for row in load_workbook(io.BytesIO(export.content)).active.iter_rows()]
    assert [(row[1], row[2]) for row in rows[2:]] == [("省委政法委", "赵强"), ("广州市", "陈静")]
    assert sheet.index("赵强") < sheet.index("陈静")
    assert book == ["赵强", "陈静"]
