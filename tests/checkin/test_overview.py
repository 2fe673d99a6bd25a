"""The organizers' side of 签到: live counts, who is missing by unit, the printed 签到表, and 参会证明 for those who came."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator

import pytest
from pypdf import PdfReader

from seminar.accounts.models import RoleName, UnitKind
from seminar.certificates.models import Certificate, CertificateKind
from seminar.checkin import days
from seminar.checkin.models import CheckIn, CheckInMethod
from seminar.registration.models import Registration
from tests.conftest import Client
from tests.factories import grant, make_attendee, make_organizer, make_reviewer, make_seminar, make_unit, make_user

SEMINAR_DAY = dt.datetime(2026, 12, 10, 1, 30, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def on_the_day(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(days, "now", lambda: SEMINAR_DAY)
    yield


async def three_units():  # type: ignore[no-untyped-def]
    """Attendees of 深圳市 (second in the official order), 广州市 (first) and 省公安厅 (a department: listed before the cities)."""
    seminar = await make_seminar()
    organizer = await make_organizer(seminar)
    guangzhou = await make_unit("广州市", UnitKind.CITY, sort_order=1)
    shenzhen = await make_unit("深圳市", UnitKind.CITY, sort_order=2)
    await make_unit("省公安厅", UnitKind.DEPARTMENT, sort_order=50)
    people = {}
    for email, name, unit in [("a1@example.org", "黄颖", None), ("a2@example.org", "马俊", shenzhen),
                              ("a3@example.org", "陈静", guangzhou), ("a4@example.org", "张伟", shenzhen)]:
        people[name] = await make_attendee(seminar, email, name=name)
        if unit is not None:
            await Registration.filter(user_id=people[name].id).update(unit_id=unit.id)
    await make_reviewer(seminar, "expert@example.org", name="钱教授", unit="中山大学", unit_kind=UnitKind.INSTITUTION)
    staff = await grant(await make_user(email="staff@example.org", name="周工"), seminar, RoleName.STAFF)
    return seminar, organizer, staff, people


async def test_the_organizer_sees_the_count_and_who_is_missing_by_unit_in_official_order(client: Client) -> None:
    seminar, organizer, staff, people = await three_units()
    await CheckIn.create(seminar=seminar, user=people["马俊"], day=dt.date(2026, 12, 10), at=SEMINAR_DAY, by=staff,
                         method=CheckInMethod.SCAN)
    await CheckIn.create(seminar=seminar, user=staff, day=dt.date(2026, 12, 10), at=SEMINAR_DAY, by=staff,
                         method=CheckInMethod.LIST)  # staff are not expected: not counted
    await client.login(organizer.email)

    page = await client.get("/gd-2021/manage/checkin")
    status = (await client.get("/gd-2021/manage/checkin/status.json", params={"day": "2026-12-10"})).json()

    assert page.status_code == 200 and "checkin-overview.js" in page.text
    assert (status["checked_in"], status["expected"]) == (1, 5)  # four attendees and the 点评专家
    assert [(group["unit"], group["people"]) for group in status["missing"]] == [
        ("省公安厅", ["黄颖"]), ("广州市", ["陈静"]), ("深圳市", ["张伟"]), ("中山大学", ["钱教授"]),
    ]
    assert status["counts"][0] == {"day": "2026-12-10", "label": "2026年12月10日", "session": "", "title": "",
                                   "checked_in": 1, "expected": 5}
    assert "1</span> / <span data-expected>5" in page.text
    # The page as first served names them too, before any refresh.
    assert "<strong>广州市</strong>（1）：陈静</p>" in page.text and "<strong>中山大学</strong>（1）：钱教授</p>" in page.text
    # The table of every day says its dates as the reader writes them, not 2026-12-10.
    assert '<th scope="row">2026年12月10日 </th><td>1 / 5</td>' in page.text


def page_texts(data: bytes) -> list[str]:
    return [re.sub(r"\s+", "", page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]


async def test_the_sign_in_sheet_lists_the_expected_by_unit_with_the_header_on_every_page(client: Client) -> None:
    seminar, organizer, _staff, _people = await three_units()
    for n in range(30):  # enough for a second page
        await make_attendee(seminar, f"more{n}@example.org", name=f"参会人{n:02d}")
    await client.login(organizer.email)

    response = await client.get("/gd-2021/manage/checkin/sheet.pdf", params={"day": "2026-12-10"})

    assert response.headers["content-type"] == "application/pdf"
    pages = page_texts(response.content)
    reader = PdfReader(io.BytesIO(response.content))
    assert len(pages) >= 2 and round(float(reader.pages[0].mediabox.width)) == 595  # A4 portrait
    # The 省直单位 first (the 30 more are of 省公安厅 too), then 广州市, 深圳市 (both of its people together),
    # then units outside the list
    assert pages[0].startswith("全省市域社会治理现代化试点创新研讨班签到表2026年12月10日序号姓名单位职务签名备注1参会人00省公安厅")
    assert all("序号姓名单位职务签名备注" in text for text in pages)  # the header repeats
    text = "".join(pages)
    assert text.index("参会人29") < text.index("黄颖") < text.index("陈静") < min(text.index("马俊"), text.index("张伟"))
    assert max(text.index("马俊"), text.index("张伟")) < text.index("钱教授")
    assert "周工" not in text and "李明" not in text  # staff and organizers work the day, they do not sign in


async def test_certificates_of_attendance_go_to_those_who_checked_in(client: Client) -> None:
    seminar, organizer, staff, people = await three_units()
    await client.login(organizer.email)
    await CheckIn.create(seminar=seminar, user=people["陈静"], day=dt.date(2026, 12, 10), at=SEMINAR_DAY, by=staff,
                         method=CheckInMethod.SCAN)

    await client.post_form("/gd-2021/manage/certificates/issue")
    first = {c.holder for c in await Certificate.filter(kind=CertificateKind.ATTENDANCE)}
    await CheckIn.create(seminar=seminar, user=people["马俊"], day=dt.date(2026, 12, 10), session_key="s1",
                         at=SEMINAR_DAY, by=staff, method=CheckInMethod.SCAN)
    await client.post_form("/gd-2021/manage/certificates/issue")
    second = {c.holder for c in await Certificate.filter(kind=CertificateKind.ATTENDANCE)}

    assert first == {"陈静"}
    assert second == {"陈静", "马俊"}  # a later check-in, for one session, earns one too
