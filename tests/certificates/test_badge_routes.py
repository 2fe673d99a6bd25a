"""The organizers' 参会证 and 桌签 PDFs: who is on them, in which order and colour, and what the QR code carries."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from seminar.accounts.models import UnitKind
from seminar.certificates import badges
from seminar.certificates.checkin import CheckinClaim, read_checkin_token
from seminar.certificates.document import qr_svg
from seminar.certificates.queries import badge_people
from seminar.registration.models import Registration
from tests.conftest import Client
from tests.factories import make_attendee, make_organizer, make_reviewer, make_seminar, make_unit


CODE = r"[A-HJ-NP-Z2-9]{5}(?=工作人员|点评专家|嘉宾|代表)"


def page_texts(data: bytes) -> list[str]:
    return [re.sub(r"\s+", "", page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]


async def test_badges_list_staff_experts_then_delegates_by_unit_order_four_a_sheet(client: Client) -> None:
    seminar = await make_seminar()
    organizer = await make_organizer(seminar)
    await make_reviewer(seminar, "expert@example.org", name="钱教授", unit="中山大学", unit_kind=UnitKind.INSTITUTION)
    await make_attendee(seminar, "a1@example.org", name="黄颖")  # 省公安厅
    await make_attendee(seminar, "a2@example.org", name="马俊")
    await make_attendee(seminar, "a3@example.org", name="张三")  # 省公安厅 too
    shenzhen = await make_unit("深圳市", UnitKind.CITY, sort_order=2)
    await Registration.filter(name="马俊").update(unit_id=shenzhen.id)
    await client.login(organizer.email)

    response = await client.get("/gd-2021/manage/badges.pdf")

    assert response.headers["content-type"] == "application/pdf"
    title = "全省市域社会治理现代化试点创新研讨班"
    first, second = [re.sub(CODE, "", text) for text in page_texts(response.content)]
    # Under each QR code, the code staff type in when the camera fails.
    assert len(re.findall(CODE, page_texts(response.content)[0])) == 4
    # Each badge reads name, unit, the seminar (in the coloured band above), the category (in the band below).
    assert first == (
        f"李明省委政法委{title}工作人员钱教授中山大学{title}点评专家张三省公安厅{title}代表黄颖省公安厅{title}代表"
    )
    assert second == f"马俊深圳市{title}代表"  # delegates of the 省直单位 before those of the cities


async def test_a_badge_s_qr_code_carries_a_token_that_checks_in_its_person(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    seminar = await make_seminar()
    attendee = await make_attendee(seminar, "a1@example.org")

    [person] = await badge_people(seminar, settings.secret_key, settings.base_url)

    token = person.qr_url.removeprefix("http://testserver/gd-2021/checkin/")
    assert read_checkin_token(settings.secret_key, token) == CheckinClaim(seminar.id, attendee.id)
    html = badges_html(person)
    assert qr_svg(person.qr_url) in html


def badges_html(person: badges.BadgePerson) -> str:
    from seminar.certificates.document import _environment

    return _environment().get_template("certificates/pdf/badges.html").render(
        seminar_title="研讨班", sheets=badges.sheets([person]), qr=qr_svg, spaced_name=badges.spaced_name,
        cut_marks=badges.cut_marks, categories=badges.CATEGORIES,
    )


async def test_table_cards_print_each_name_twice_on_its_own_landscape_page(client: Client) -> None:
    seminar = await make_seminar()
    organizer = await make_organizer(seminar)
    await make_attendee(seminar, "a1@example.org", name="马俊")
    await client.login(organizer.email)

    response = await client.get("/gd-2021/manage/table-cards.pdf")

    reader = PdfReader(io.BytesIO(response.content))
    assert [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages] == [(842, 595)] * 2
    assert page_texts(response.content)[1] == "马俊马俊"


async def test_a_long_title_breaks_on_the_badge_between_words_never_inside_one(client: Client) -> None:
    seminar = await make_seminar(title="全省市域社会治理现代化试点创新研讨班（发挥政治引领作用）")
    organizer = await make_organizer(seminar)
    await client.login(organizer.email)

    response = await client.get("/gd-2021/manage/badges.pdf")

    lines = [line.strip() for line in PdfReader(io.BytesIO(response.content)).pages[0].extract_text().splitlines()]
    # The band holds the title in two lines, each whole: not "…研讨班（发挥政" / "治引领作用）".
    start = lines.index("全省市域社会治理现代化试点创新研讨班")
    assert lines[start + 1] == "（发挥政治引领作用）"


def test_the_band_title_is_broken_at_a_phrase_boundary() -> None:
    context = badges.title_context("全省市域社会治理现代化试点创新研讨班（发挥政治引领作用）")

    assert context["band_title_lines"] == ["全省市域社会治理现代化试点创新研讨班", "（发挥政治引领作用）"]
