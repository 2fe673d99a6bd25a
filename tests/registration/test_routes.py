"""Registering for a seminar, the organizers' approval and list, and the "my seminar" page."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from seminar.accounts.models import Role, RoleName, User
from seminar.mail.models import OutboxMail
from seminar.registration.models import Registration, RegistrationSettings, RegistrationStatus
from tests.conftest import Client, autofill_hints, counted_queries, flashes
from tests.factories import make_attendee, make_organizer, make_proceedings_build, make_seminar, make_unit, make_user

DETAILS = {
    "name": "王小明", "unit_id": "", "unit_text": "省社科联", "position": "研究员", "phone": "13712345678",
    "email": "Wangxm@Example.org",
}


async def test_a_visitor_registers_gets_an_account_the_attendee_role_and_an_invitation(client: Client) -> None:
    seminar = await make_seminar()

    response = await client.post_form("/gd-2021/register", DETAILS, follow_redirects=True)

    assert flashes(response) == ["感谢报名。我们已向您填写的邮箱发送邮件，请按邮件中的说明完成报名。"]
    user = await User.get(email="wangxm@example.org")
    assert (user.name, user.position, user.phone, user.password_hash) == ("王小明", "研究员", "13712345678", "")
    registration = await Registration.get(user_id=user.id)
    assert (registration.status, registration.unit_text, registration.unit_id) == (RegistrationStatus.APPROVED, "省社科联", None)  # type: ignore[attr-defined]
    assert await Role.filter(user_id=user.id, seminar_id=seminar.id, name=RoleName.ATTENDEE).exists()
    mail = await OutboxMail.get(to_address="wangxm@example.org")
    assert mail.template == "invitation"


async def test_the_browser_fills_in_what_it_knows_of_the_visitor(client: Client) -> None:
    await make_seminar()

    page = await client.get("/gd-2021/register")

    assert autofill_hints(page) == [
        ("姓名", "name", ""), ("其他单位", "organization", ""), ("职务", "organization-title", ""),
        ("手机", "tel", ""), ("电子邮箱", "email", ""),
    ]


async def test_with_approval_the_role_comes_only_when_an_organizer_approves(client: Client) -> None:
    seminar = await make_seminar()
    await RegistrationSettings.create(seminar=seminar, requires_approval=True)
    organizer = await make_organizer(seminar)
    await make_proceedings_build(seminar)

    await client.post_form("/gd-2021/register", DETAILS)
    registration = await Registration.get(email="wangxm@example.org")
    pending_roles = await Role.filter(user_id=registration.user_id).count()  # type: ignore[attr-defined]
    await client.login(organizer.email)
    page = await client.get("/gd-2021/manage/participants")
    approved = await client.post_form(f"/gd-2021/manage/participants/{registration.id}/approve", follow_redirects=True)

    assert registration.status == RegistrationStatus.PENDING and pending_roles == 0
    assert "待审核" in page.text and "王小明" in page.text
    assert flashes(approved) == ["已通过王小明的参会报名。"]
    await registration.refresh_from_db()
    assert registration.status == RegistrationStatus.APPROVED and registration.decided_by_id == organizer.id  # type: ignore[attr-defined]
    assert await Role.filter(user_id=registration.user_id, name=RoleName.ATTENDEE).exists()  # type: ignore[attr-defined]
    assert await OutboxMail.filter(to_address="wangxm@example.org", template="invitation").count() == 1


async def test_rejecting_an_approved_registration_takes_the_attendee_role_and_the_download_away(client: Client) -> None:
    seminar = await make_seminar()
    organizer = await make_organizer(seminar)
    attendee = await make_attendee(seminar, email="huangying@example.org")
    await make_proceedings_build(seminar)
    registration = await Registration.get(user_id=attendee.id)
    await client.login(organizer.email)

    await client.post_form(f"/gd-2021/manage/participants/{registration.id}/reject")
    await client.logout()
    await client.login(attendee.email)
    download = await client.get("/gd-2021/proceedings.pdf")

    await registration.refresh_from_db()
    assert registration.status == RegistrationStatus.REJECTED
    assert not await Role.filter(user_id=attendee.id, seminar_id=seminar.id).exists()
    assert download.status_code == 404


async def test_a_signed_in_person_finds_the_form_filled_and_registers_at_once(client: Client) -> None:
    await make_seminar()
    unit = await make_unit("省司法厅")
    user = await make_user(email="majun@example.org", name="马俊", unit=unit, phone="13600000000", position="干部")
    await client.login(user.email)

    form = await client.get("/gd-2021/register")
    response = await client.post_form(
        "/gd-2021/register",
        {"name": "马俊", "unit_id": str(unit.id), "unit_text": "", "position": "干部", "phone": "13600000000",
         "email": "majun@example.org"},
        follow_redirects=True,
    )

    assert 'value="马俊"' in form.text and f'<option selected value="{unit.id}">' in form.text
    assert flashes(response) == ["您已成功报名本研讨班。"]
    assert str(response.url).endswith("/gd-2021/me")
    registration = await Registration.get(user_id=user.id)
    assert registration.unit_id == unit.id  # type: ignore[attr-defined]
    assert await Role.filter(user_id=user.id, name=RoleName.ATTENDEE).exists()


async def test_a_missing_unit_and_a_closed_registration_are_refused(client: Client) -> None:
    seminar = await make_seminar()

    no_unit = await client.post_form("/gd-2021/register", {**DETAILS, "unit_text": ""})
    await RegistrationSettings.create(seminar=seminar, is_open=False)
    closed = await client.post_form("/gd-2021/register", DETAILS)

    assert no_unit.status_code == 400 and "请从列表中选择单位，或填写单位名称。" in no_unit.text
    assert closed.status_code == 400 and "本研讨班报名已截止。" in closed.text
    assert await Registration.all().count() == 0 and not await User.filter(email="wangxm@example.org").exists()


async def test_the_participants_export_reads_back_with_landline_zeros_kept(client: Client) -> None:
    seminar = await make_seminar()
    organizer = await make_organizer(seminar)
    await make_attendee(seminar, email="a@example.org", name="黄颖")
    await client.post_form("/gd-2021/register", {**DETAILS, "phone": "020-83123456"})
    await client.login(organizer.email)

    response = await client.get("/gd-2021/manage/participants.xlsx")

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "全省市域社会治理现代化试点创新研讨班参会人员名单"
    headings = rows[1]
    wanted = ["序号", "姓名", "单位", "职务", "手机", "邮箱", "状态"]
    assert [[row[headings.index(heading)] for heading in wanted] for row in rows[2:]] == [
        [1, "黄颖", "省公安厅", "治安管理局干部", "13900139000", "a@example.org", "已通过"],
        [2, "王小明", "省社科联", "研究员", "020-83123456", "wangxm@example.org", "已通过"],
    ]


async def test_only_organizers_open_the_participants_list(client: Client) -> None:
    seminar = await make_seminar()
    attendee = await make_attendee(seminar)
    await client.login(attendee.email)

    page = await client.get("/gd-2021/manage/participants")
    export = await client.get("/gd-2021/manage/participants.xlsx")

    assert (page.status_code, export.status_code) == (403, 403)


async def test_my_seminar_lists_the_published_book_and_volumes(client: Client) -> None:
    seminar = await make_seminar()
    attendee = await make_attendee(seminar)
    await make_proceedings_build(seminar, volume=2, input_hash="2" * 64)
    await make_proceedings_build(seminar)
    await make_proceedings_build(seminar, volume=3, published=False, input_hash="3" * 64)
    await client.login(attendee.email)

    page = await client.get("/gd-2021/me")

    assert page.status_code == 200 and "已通过" in page.text
    links = [line.split('"')[1] for line in page.text.splitlines() if "/proceedings" in line and "href" in line]
    assert links == ["http://testserver/gd-2021/proceedings.pdf", "http://testserver/gd-2021/proceedings/topic-2.pdf"]


async def test_my_seminar_reads_the_registration_and_books_in_one_query(client: Client) -> None:
    seminar = await make_seminar()
    attendee = await make_attendee(seminar)
    await make_proceedings_build(seminar, volume=2, input_hash="2" * 64)
    await make_proceedings_build(seminar)
    unregistered = await make_user(email="visitor@example.org")
    await Role.create(seminar=seminar, user=unregistered, name=RoleName.ATTENDEE)
    await client.login(attendee.email)

    with counted_queries() as registered:
        page = await client.get("/gd-2021/me")
    await client.login(unregistered.email)
    with counted_queries() as visitor:
        other = await client.get("/gd-2021/me")

    assert len(registered) == 2 and len(visitor) == 2, (registered, visitor)  # who is asking, then the page
    assert page.status_code == 200 and "已通过" in page.text and "topic-2.pdf" in page.text
    assert other.status_code == 200 and "已通过" not in other.text and "topic-2.pdf" in other.text
