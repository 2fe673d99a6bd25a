"""参会回执: asked in the registration form as the seminar configures it, changed by the attendee until
the deadline, shown, counted and exported to the organizers."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook

from seminar.accounts.models import UnitKind
from seminar.registration.models import Registration, RegistrationSettings
from seminar.registration.receipt import Diet, Gender, Lodging, Rank
from tests.conftest import Client, flashes
from tests.factories import make_attendee, make_organizer, make_seminar, make_unit, make_user

DETAILS = {
    "name": "王小明", "unit_id": "", "unit_text": "省社科联", "position": "研究员", "phone": "13712345678",
    "email": "wangxm@example.org",
}
RECEIPT = {
    "gender": "male", "ethnicity": "回族", "rank": "county", "arrival_on": "2026-12-09", "arrival_transport": "G6101 14:30 广州南",
    "departure_on": "2026-12-11", "departure_transport": "CZ3100", "lodging": "shared", "diet": "halal",
    "companions": "", "companion_names": "李司机", "receipt_note": "需要无障碍房间",
}


async def test_a_visitor_fills_in_the_receipt_when_registering(client: Client) -> None:
    await make_seminar()

    form = await client.get("/gd-2021/register")
    response = await client.post_form("/gd-2021/register", {**DETAILS, **RECEIPT})

    assert "到会日期" in form.text and "住宿" in form.text and "清真" in form.text
    assert response.status_code == 303
    registration = await Registration.get(email="wangxm@example.org")
    assert (registration.gender, registration.ethnicity, registration.rank) == (Gender.MALE, "回族", Rank.COUNTY)
    assert (registration.arrival_on, registration.departure_on) == (dt.date(2026, 12, 9), dt.date(2026, 12, 11))
    assert (registration.lodging, registration.diet) == (Lodging.SHARED, Diet.HALAL)
    assert (registration.companions, registration.companion_names) == (1, "李司机")  # one name: one companion
    assert registration.receipt_note == "需要无障碍房间" and registration.receipt_updated_at is not None


async def test_a_departure_before_arrival_and_dates_far_from_the_seminar_are_refused_and_the_form_keeps_what_was_typed(
    client: Client,
) -> None:
    await make_seminar()  # 2026年12月10日, one day

    backwards = await client.post_form(
        "/gd-2021/register", {**DETAILS, **RECEIPT, "arrival_on": "2026-12-10", "departure_on": "2026-12-09"}
    )
    far = await client.post_form("/gd-2021/register", {**DETAILS, **RECEIPT, "arrival_on": "2026-11-01"})

    assert backwards.status_code == 400 and "离会日期不能早于到会日期。" in backwards.text
    assert 'value="G6101 14:30 广州南"' in backwards.text and 'value="回族"' in backwards.text
    assert '<option selected value="halal">' in backwards.text
    assert far.status_code == 400
    assert "到会日期须在2026年12月7日至2026年12月10日之间（研讨班会期为2026年12月10日至2026年12月10日）。" in far.text
    assert not await Registration.exists()


async def test_required_fields_and_a_mobile_number_are_asked_when_the_organizer_requires_them(client: Client) -> None:
    seminar = await make_seminar()
    await RegistrationSettings.create(seminar=seminar, receipt_fields={"lodging": "required", "mobile": "required"})

    response = await client.post_form(
        "/gd-2021/register", {**DETAILS, **RECEIPT, "lodging": "", "phone": "020-83123456"}
    )

    assert response.status_code == 400
    assert "请填写“住宿”。" in response.text
    assert "请填写11位手机号码，如13800138000。" in response.text
    assert not await Registration.exists()


async def test_fields_turned_off_are_not_asked_and_keep_their_value(client: Client) -> None:
    seminar = await make_seminar()
    await RegistrationSettings.create(seminar=seminar, receipt_fields={"gender": "off", "diet": "off", "note": "off"})

    form = await client.get("/gd-2021/register")
    await client.post_form("/gd-2021/register", {**DETAILS, **RECEIPT})

    assert 'name="gender"' not in form.text and 'name="diet"' not in form.text and 'name="receipt_note"' not in form.text
    assert 'name="lodging"' in form.text
    registration = await Registration.get(email="wangxm@example.org")
    assert (registration.gender, registration.diet, registration.receipt_note) == (None, None, "")
    assert registration.lodging == Lodging.SHARED


async def test_the_attendee_changes_the_receipt_until_the_deadline_and_not_after(client: Client) -> None:
    seminar = await make_seminar()
    attendee = await make_attendee(seminar)
    today = dt.date.today()
    options = await RegistrationSettings.create(seminar=seminar, receipt_deadline=today + dt.timedelta(days=1))
    await client.login(attendee.email)

    me = await client.get("/gd-2021/me")
    page = await client.get("/gd-2021/me/receipt")
    saved = await client.post_form(
        "/gd-2021/me/receipt",
        {**RECEIPT, "position": "治安管理局副局长", "phone": "13900139001", "lodging": "single"}, follow_redirects=True,
    )
    registration = await Registration.get(user_id=attendee.id)
    options.receipt_deadline = today - dt.timedelta(days=1)
    await options.save()
    late_page = await client.get("/gd-2021/me/receipt")
    late = await client.post_form("/gd-2021/me/receipt", {**RECEIPT, "position": "局长", "phone": "13900139002", "lodging": "none"})

    assert "/gd-2021/me/receipt" in me.text and page.status_code == 200
    assert flashes(saved) == ["参会回执已保存。"]
    assert (registration.position, registration.phone, registration.lodging) == ("治安管理局副局长", "13900139001", Lodging.SINGLE)
    assert "disabled" in late_page.text and "保存" not in late_page.text.split("</form>")[0].split("<fieldset")[-1]
    assert late.status_code == 400 and "如有变化，请联系会务组。" in late.text
    await registration.refresh_from_db()
    assert (registration.position, registration.phone, registration.lodging) == ("治安管理局副局长", "13900139001", Lodging.SINGLE)


async def test_someone_without_a_registration_has_no_receipt_page(client: Client) -> None:
    await make_seminar()
    user = await make_user(email="nobody@example.org")
    await client.login(user.email)

    assert (await client.get("/gd-2021/me/receipt")).status_code == 404


async def test_the_organizer_chooses_the_fields_and_the_deadline(client: Client) -> None:
    seminar = await make_seminar()
    organizer = await make_organizer(seminar)
    await client.login(organizer.email)
    modes = {f"mode_{name}": "1" for name in (
        "gender", "ethnicity", "position", "rank", "mobile", "arrival", "departure", "lodging", "diet", "companions", "note")}

    page = await client.get("/gd-2021/manage/participants")
    saved = await client.post_form(
        "/gd-2021/manage/participants/receipt",
        {**modes, "mode_ethnicity": "0", "mode_lodging": "2", "receipt_deadline": "2026-12-05"}, follow_redirects=True,
    )
    bad = await client.post_form(
        "/gd-2021/manage/participants/receipt", {**modes, "mode_phone": "0", "mode_mobile": "0", "receipt_deadline": "明天"}
    )

    assert "参会回执" in page.text and 'name="mode_lodging"' in page.text
    assert flashes(saved) == ["参会回执设置已保存。"]
    options = await RegistrationSettings.get(seminar_id=seminar.id)
    assert options.receipt_deadline == dt.date(2026, 12, 5)
    assert options.receipt_fields["ethnicity"] == "off" and options.receipt_fields["lodging"] == "required"
    assert bad.status_code == 400  # 手机 cannot be "not asked"; the date is not a date
    await options.refresh_from_db()
    assert options.receipt_fields["mobile"] == "on" and options.receipt_deadline == dt.date(2026, 12, 5)
    form = await client.get("/gd-2021/register")
    assert 'name="ethnicity"' not in form.text


async def test_the_list_the_counts_and_the_export_show_the_receipt_in_unit_order(client: Client) -> None:
    seminar = await make_seminar(ends_on=dt.date(2026, 12, 11))
    organizer = await make_organizer(seminar)
    await make_unit("广州市", UnitKind.CITY, sort_order=1)
    shenzhen = await make_unit("深圳市", UnitKind.CITY, sort_order=2)
    await make_attendee(seminar, email="a@example.org", name="黄颖")  # 省公安厅: a department, before the cities
    await client.post_form("/gd-2021/register", {**DETAILS, **RECEIPT})  # 省社科联, typed: last
    await client.post_form("/gd-2021/register", {
        **DETAILS, **RECEIPT, "name": "陈静", "email": "chenjing@example.org", "unit_id": str(shenzhen.id), "unit_text": "",
        "gender": "female", "ethnicity": "汉族", "lodging": "single", "diet": "vegetarian", "arrival_on": "2026-12-10",
        "arrival_transport": "自驾", "companion_names": "", "companions": "0", "rank": "bureau",
    })
    await client.login(organizer.email)

    page = await client.get("/gd-2021/manage/participants")
    counts = await client.get("/gd-2021/manage/participants/counts")
    export = await client.get("/gd-2021/manage/participants.xlsx")

    assert "G6101 14:30 广州南" in page.text and "县处级" in page.text and "素食" in page.text
    assert counts.status_code == 200
    # 王小明 shares from the 9th to the 11th (nights of the 9th, 10th); 陈静 single from the 10th to the 11th
    assert "<td class=\"nowrap\">2026年12月9日</td><td>0.5</td>" in counts.text
    assert "<td class=\"nowrap\">2026年12月10日</td><td>1.5</td>" in counts.text
    assert "自驾" in counts.text and "G6101 14:30 广州南" in counts.text
    rows = [[cell.value for cell in row] for row in load_workbook(io.BytesIO(export.content)).active.iter_rows()]
    assert rows[1] == [
        "序号", "单位", "姓名", "性别", "民族", "职务", "职级", "手机", "到会日期", "到会车次/航班", "离会日期", "离会车次/航班",
        "住宿", "饮食", "随行人员", "备注", "邮箱", "状态", "报名时间",
    ]
    assert [(row[0], row[1], row[2]) for row in rows[2:]] == [(1, "省公安厅", "黄颖"), (2, "深圳市", "陈静"), (3, "省社科联", "王小明")]
    assert rows[4][3:16] == [
        "男", "回族", "研究员", "县处级", "13712345678", "12月9日", "G6101 14:30 广州南", "12月11日", "CZ3100", "合住", "清真",
        "1人（李司机）", "需要无障碍房间",
    ]


async def test_the_demo_gives_approved_registrations_plausible_details_once() -> None:
    from seminar.registration.demo import fill_demo_receipts

    seminar = await make_seminar(ends_on=dt.date(2026, 12, 11))
    attendee = await make_attendee(seminar)  # 黄颖, 治安管理局干部
    pending_user = await make_user(email="pending@example.org", name="周敏")
    await Registration.create(seminar=seminar, user=pending_user, name="周敏", email=pending_user.email, unit_text="省社科联")

    filled = await fill_demo_receipts(seminar)
    again = await fill_demo_receipts(seminar)

    assert (filled, again) == (1, 0)
    registration = await Registration.get(user_id=attendee.id)
    assert (registration.gender, registration.ethnicity, registration.rank) == (Gender.FEMALE, "汉族", Rank.TOWNSHIP)
    assert registration.arrival_on == dt.date(2026, 12, 9) and registration.departure_on == dt.date(2026, 12, 11)
    assert registration.lodging == Lodging.SINGLE and registration.arrival_transport
    assert (await Registration.get(user_id=pending_user.id)).receipt_updated_at is None


async def test_the_organizer_corrects_an_attendees_receipt_after_the_deadline_and_the_attendee_sees_it(
    client: Client,
) -> None:
    from seminar.audit.models import AuditEntry

    seminar = await make_seminar()
    organizer = await make_organizer(seminar)
    attendee = await make_attendee(seminar)  # 黄颖
    registration = await Registration.get(user_id=attendee.id)
    await RegistrationSettings.create(seminar=seminar, receipt_deadline=dt.date.today() - dt.timedelta(days=2))
    await client.login(organizer.email)

    listing = await client.get("/gd-2021/manage/participants")
    page = await client.get(f"/gd-2021/manage/participants/{registration.id}/receipt")
    saved = await client.post_form(
        f"/gd-2021/manage/participants/{registration.id}/receipt",
        {**RECEIPT, "position": "治安管理局副局长", "phone": "13900139001", "lodging": "single", "arrival_on": "2026-12-09"},
        follow_redirects=True,
    )
    await client.login(attendee.email)
    own = await client.get("/gd-2021/me/receipt")

    assert f"/gd-2021/manage/participants/{registration.id}/receipt" in listing.text
    assert page.status_code == 200 and "黄颖的参会回执" in page.text and 'value="治安管理局干部"' in page.text
    assert flashes(saved) == ["黄颖的参会回执已保存。"]
    await registration.refresh_from_db()
    assert (registration.position, registration.phone, registration.lodging) == ("治安管理局副局长", "13900139001", Lodging.SINGLE)
    assert (registration.arrival_on, registration.diet) == (dt.date(2026, 12, 9), Diet.HALAL)
    assert 'value="治安管理局副局长"' in own.text and '<option selected value="single">' in own.text
    entry = await AuditEntry.get(action="registration:edit_receipt")
    assert entry.user_id == organizer.id and entry.target == {"slug": "gd-2021", "registration_id": str(registration.id)}


async def test_an_invalid_receipt_from_the_organizer_changes_nothing_and_keeps_what_was_typed(client: Client) -> None:
    seminar = await make_seminar()
    organizer = await make_organizer(seminar)
    registration = await Registration.get(user_id=(await make_attendee(seminar)).id)
    await RegistrationSettings.create(seminar=seminar, receipt_fields={"lodging": "required"})
    await client.login(organizer.email)
    url = f"/gd-2021/manage/participants/{registration.id}/receipt"

    backwards = await client.post_form(url, {**RECEIPT, "position": "局长", "phone": "13900139001",
                                             "arrival_on": "2026-12-10", "departure_on": "2026-12-09"})
    no_lodging = await client.post_form(url, {**RECEIPT, "position": "局长", "phone": "13900139001", "lodging": ""})
    bad_phone = await client.post_form(url, {**RECEIPT, "position": "局长", "phone": "电话"})

    assert backwards.status_code == 400 and "离会日期不能早于到会日期。" in backwards.text
    assert 'value="局长"' in backwards.text and 'value="G6101 14:30 广州南"' in backwards.text
    assert no_lodging.status_code == 400 and "请填写“住宿”。" in no_lodging.text
    assert bad_phone.status_code == 400
    await registration.refresh_from_db()
    assert (registration.position, registration.phone, registration.lodging) == ("治安管理局干部", "13900139000", None)


async def test_only_this_seminars_organizers_open_someone_elses_receipt(client: Client) -> None:
    from tests.factories import make_reviewer, make_submitter

    seminar = await make_seminar()
    other = await make_seminar(slug="sz-2022")
    registration = await Registration.get(user_id=(await make_attendee(seminar)).id)
    people = [
        await make_reviewer(seminar, email="reviewer@example.org"),
        await make_submitter(seminar, email="submitter@example.org"),
        await make_attendee(seminar, email="another@example.org", name="陈静"),
        await make_organizer(other, email="elsewhere@example.org"),
    ]
    url = f"/gd-2021/manage/participants/{registration.id}/receipt"

    answers = []
    for person in people:
        await client.login(person.email)
        answers.append(((await client.get(url)).status_code,
                        (await client.post_form(url, {**RECEIPT, "position": "局长", "phone": "13900139001"})).status_code))
    elsewhere = await client.get(f"/sz-2022/manage/participants/{registration.id}/receipt")  # its organizer, their address

    assert all(get in (403, 404) and post in (403, 404) for get, post in answers), answers
    assert elsewhere.status_code == 404  # the registration is not the other seminar's
    await registration.refresh_from_db()
    assert (registration.position, registration.phone) == ("治安管理局干部", "13900139000")
