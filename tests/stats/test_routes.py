"""The statistics page and its workbook: the figures an organizer would check by hand."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook

from seminar.accounts.models import Unit, UnitKind
from seminar.registration.models import Registration, RegistrationStatus
from seminar.reviews.actions import ensure_criteria
from seminar.seminars.models import Seminar, Topic
from tests.conftest import Client
from tests.factories import (
    make_assignment,
    make_attendee,
    make_organizer,
    make_paper,
    make_reviewer,
    make_review,
    make_seminar,
    make_submitter,
    make_unit,
    make_user,
)

SLUG = "gd-2021"


async def _seminar_with_figures() -> None:
    seminar = await make_seminar(SLUG, topics=2, submission_deadline=dt.datetime(2026, 10, 31, 16, tzinfo=dt.UTC))
    await ensure_criteria(seminar)
    await make_organizer(seminar)
    await make_unit("广州市", UnitKind.CITY, sort_order=1)
    await make_unit("深圳市", UnitKind.CITY, sort_order=2)
    await make_unit("珠海市", UnitKind.CITY, sort_order=3)
    await make_submitter(seminar, "珠海市", "zhuhai@example.org")  # a city that has sent nothing
    second_topic = await Topic.filter(seminar_id=seminar.id).order_by("-position").first()
    first = await make_paper(seminar, "深圳市", status="submitted")
    second = await make_paper(seminar, "广州市", status="submitted", topic=second_topic)
    await make_paper(seminar, "广州市", status="submitted")
    await make_paper(seminar, "广州市", status="withdrawn")  # not counted
    await make_paper(seminar, "广州市")  # a draft: not counted
    strict = await make_reviewer(seminar, "strict@example.org", name="严评审")
    generous = await make_reviewer(seminar, "generous@example.org", name="宽评审", unit="中山大学",
                                   unit_kind=UnitKind.INSTITUTION)
    await make_review(first, strict, [8, 10, 10, 12, 8])  # 48
    await make_review(second, strict, [10, 14, 12, 14, 10])  # 60
    await make_review(first, generous, [14, 24, 18, 24, 14])  # 94
    await make_review(second, generous, [], status="draft", total=None)
    await make_assignment(await make_paper(seminar, "深圳市", status="submitted"), generous)  # not started
    await make_attendee(seminar, "attendee@example.org")
    guest = await make_user(email="guest@example.org", name="访客")
    await Registration.create(seminar=seminar, user=guest, name="访客", unit_text="某研究院", email=guest.email,
                              status=RegistrationStatus.PENDING)


async def _organizer(client: Client) -> Client:
    await client.login("organizer@example.org")
    return client


async def test_the_page_shows_each_chart_with_the_figures_an_organizer_would_count(client: Client) -> None:
    await _seminar_with_figures()
    await _organizer(client)

    page = (await client.get(f"/{SLUG}/manage/statistics")).text

    assert page.count("<svg class=\"chart\"") == 5
    # Cities in official order, 珠海市 with nothing sent is there too; the withdrawn paper and the draft are not.
    assert page.index("<th scope=\"row\">广州市</th>") < page.index("<th scope=\"row\">深圳市</th>") < page.index("<th scope=\"row\">珠海市</th>")
    assert "已报送 4 篇论文" in page
    assert "严评审</td><td class=\"number\">2</td><td class=\"number\">48</td><td class=\"number\">54.0</td><td class=\"number\">60</td>" in page
    assert "宽评审</td><td class=\"number\">1</td><td class=\"number\">1</td><td class=\"number\">1</td></tr>" in page
    assert "某研究院</td><td class=\"number\">0</td><td class=\"number\">1</td>" in page
    assert "/gd-2021/manage/statistics\"" in (await client.get(f"/{SLUG}/manage/")).text  # reachable from the menu


async def test_the_workbook_has_a_sheet_per_chart(client: Client) -> None:
    await _seminar_with_figures()
    await _organizer(client)

    response = await client.get(f"/{SLUG}/manage/statistics.xlsx")

    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["城市与专题", "报送进度", "评分分布", "评审进度", "报名"]
    cities = [row for row in book["城市与专题"].iter_rows(min_row=3, values_only=True)]
    assert [row[0] for row in cities] == ["广州市", "深圳市", "珠海市", "合计"]
    assert cities[0][1:] == (1, 1, 2) and cities[1][1:] == (2, 0, 2) and cities[-1][1:] == (3, 1, 4)
    scores = {row[0]: row[1:] for row in book["评分分布"].iter_rows(min_row=3, values_only=True)}
    assert scores == {"严评审": (2, 48, 54, 60), "宽评审": (1, 94, 94, 94)}


async def test_registrations_by_unit_list_the_provincial_departments_first_then_cities_then_institutions(client: Client) -> None:
    await _seminar_with_figures()  # 黄颖 of 省公安厅 (a department, after the cities in plain order), 访客 of a typed unit
    seminar = await Seminar.get(slug=SLUG)
    for email, name, unit in [("sz@example.org", "深圳代表", "深圳市"), ("gz@example.org", "广州代表", "广州市"),
                              ("zd@example.org", "中大学者", "中山大学")]:
        person = await make_user(email=email, name=name, unit=await Unit.get(name=unit))
        await Registration.create(seminar=seminar, user=person, name=name, unit=person.unit, email=email,
                                  status=RegistrationStatus.APPROVED)
    await _organizer(client)

    response = await client.get(f"/{SLUG}/manage/statistics.xlsx")

    sheet = load_workbook(io.BytesIO(response.content))["报名"]
    units = [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert units[:5] == ["省公安厅", "广州市", "深圳市", "中山大学", "某研究院"]


async def test_others_may_not_see_the_figures(client: Client) -> None:
    await _seminar_with_figures()
    await client.login("strict@example.org")

    assert (await client.get(f"/{SLUG}/manage/statistics")).status_code == 403
    assert (await client.get(f"/{SLUG}/manage/statistics.xlsx")).status_code == 403
