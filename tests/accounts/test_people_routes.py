from __future__ import annotations

import io

import httpx
import lxml.html
import pytest
from openpyxl import load_workbook

from seminar.accounts.actions import ensure_units
from seminar.accounts.models import AccountToken, LoginFailure, Role, RoleName, Unit, User
from seminar.config import Settings
from seminar.mail.models import OutboxMail
from seminar.mail.worker import send_pending
from seminar.seminars.models import Seminar
from tests.conftest import Client, SmtpServer, autofill_hints, counted_queries, flashes, link_in
from tests.factories import (
    grant,
    make_organizer,
    make_people_xlsx,
    make_seminar,
    make_submitter,
    make_two_factor,
    make_user,
)

PEOPLE = "/gd-2021/manage/people"


@pytest.fixture
async def seminar() -> Seminar:
    await ensure_units()
    return await make_seminar()


@pytest.fixture
async def organizer_client(client: Client, seminar: Seminar) -> Client:
    await make_organizer(seminar)
    await client.login("organizer@example.org")
    return client


async def unit_id(name: str) -> int:
    return (await Unit.get(name=name)).id


async def invite(
    client: Client, email: str = "chengang@example.org", roles: tuple[str, ...] = ("reviewer",), **fields: str
) -> httpx.Response:
    data = {"name": "陈刚", "email": email, "unit": str(await unit_id("中山大学")), "position": "教授", "phone": "13912345678", "roles": list(roles), **fields}
    return await client.post_form(f"{PEOPLE}/invite", data)


# --- who may open the pages ------------------------------------------------------------------

GUARDED = [
    ("GET", PEOPLE),
    ("GET", f"{PEOPLE}/invite"),
    ("GET", f"{PEOPLE}/import"),
    ("GET", f"{PEOPLE}/template.xlsx"),
]


@pytest.mark.parametrize(("method", "url"), GUARDED)
async def test_anonymous_visitors_are_sent_to_login(client: Client, seminar: Seminar, method: str, url: str) -> None:
    response = await client.request(method, url)

    assert response.status_code == 303
    assert response.headers["location"].startswith("http://testserver/login?next=")


@pytest.mark.parametrize(("method", "url"), GUARDED)
async def test_a_submitter_of_the_seminar_is_forbidden(client: Client, seminar: Seminar, method: str, url: str) -> None:
    await make_submitter(seminar, email="guangzhou@example.org")
    await client.login("guangzhou@example.org")

    response = await client.request(method, url)

    assert response.status_code == 403


@pytest.mark.parametrize(("method", "url"), GUARDED)
async def test_an_organizer_of_another_seminar_does_not_find_the_page(client: Client, seminar: Seminar, method: str, url: str) -> None:
    other = await make_seminar(slug="gd-2022")
    await make_organizer(other, email="other@example.org")
    await client.login("other@example.org")

    response = await client.request(method, url)

    assert response.status_code == 404


async def test_a_submitter_cannot_deactivate_anyone(client: Client, seminar: Seminar) -> None:
    organizer = await make_organizer(seminar)
    await make_submitter(seminar, email="guangzhou@example.org")
    await client.login("guangzhou@example.org")

    response = await client.post_form(f"{PEOPLE}/{organizer.id}/deactivate")

    assert response.status_code == 403
    await organizer.refresh_from_db()
    assert organizer.is_active


async def test_an_organizer_cannot_deactivate_themselves(organizer_client: Client) -> None:
    me = await User.get(email="organizer@example.org")

    response = await organizer_client.post_form(f"{PEOPLE}/{me.id}/deactivate")

    assert response.status_code == 403
    await me.refresh_from_db()
    assert me.is_active


@pytest.mark.parametrize("action", ["deactivate", "unlock", "two-factor/reset"])
async def test_inviting_an_administrator_or_another_seminars_organizer_does_not_let_an_organizer_lock_them_out(
    organizer_client: Client, action: str
) -> None:
    """These act on the whole account, beyond this seminar: an organizer's say ends where their seminars end."""
    admin = await make_user("admin@example.org", name="系统管理员", is_admin=True)
    colleague = await make_organizer(await make_seminar(slug="gd-2022"), email="other@example.org")
    for person in (admin, colleague):
        assert (await invite(organizer_client, email=person.email, roles=("attendee",))).status_code == 303
        await LoginFailure.create(email=person.email, ip="10.0.0.9")
        await make_two_factor(person)

    page = await organizer_client.get(PEOPLE)
    refused = [await organizer_client.post_form(f"{PEOPLE}/{person.id}/{action}") for person in (admin, colleague)]

    assert [response.status_code for response in refused] == [403, 403]
    for person in (admin, colleague):
        await person.refresh_from_db()
        assert person.is_active and person.two_factor_enabled
        assert await LoginFailure.filter(email=person.email).count() == 1
        assert f"/people/{person.id}/{action}" not in page.text


async def test_an_organizer_cannot_reactivate_an_administrator(organizer_client: Client, seminar: Seminar) -> None:
    admin = await make_user("admin@example.org", name="系统管理员", is_admin=True, is_active=False)
    await grant(admin, seminar, RoleName.ATTENDEE)

    response = await organizer_client.post_form(f"{PEOPLE}/{admin.id}/reactivate")

    assert response.status_code == 403
    await admin.refresh_from_db()
    assert not admin.is_active


async def test_an_administrator_may_switch_off_an_organizer_of_several_seminars(client: Client, seminar: Seminar) -> None:
    organizer = await make_organizer(seminar)
    await grant(organizer, await make_seminar(slug="gd-2022"), RoleName.ORGANIZER)
    await make_user("admin@example.org", name="系统管理员", is_admin=True)
    await client.login("admin@example.org")

    response = await client.post_form(f"{PEOPLE}/{organizer.id}/deactivate")

    assert response.status_code == 303
    await organizer.refresh_from_db()
    assert not organizer.is_active


async def test_people_outside_the_seminar_are_not_found(organizer_client: Client) -> None:
    stranger = await make_user("stranger@example.org")

    response = await organizer_client.post_form(f"{PEOPLE}/{stranger.id}/deactivate")

    assert response.status_code == 404
    await stranger.refresh_from_db()
    assert stranger.is_active


# --- the list ------------------------------------------------------------------------------


async def test_people_list_departments_first_then_cities_in_official_order_with_roles_and_status(
    organizer_client: Client, seminar: Seminar
) -> None:
    shenzhen = await make_user("shenzhen@example.org", name="深圳联络员", unit=await Unit.get(name="深圳市"))
    lawyer = await grant(await make_user("lawyer@example.org", name="周律师"), seminar, RoleName.ATTENDEE)
    guangzhou = await make_user("guangzhou@example.org", name="广州联络员", unit=await Unit.get(name="广州市"), is_active=False)
    invited = await User.create(email="expert@example.org", name="陈教授", unit=await Unit.get(name="中山大学"))
    await grant(shenzhen, seminar, RoleName.SUBMITTER)
    await grant(guangzhou, seminar, RoleName.SUBMITTER, RoleName.ATTENDEE)
    await grant(invited, seminar, RoleName.REVIEWER)

    page = await organizer_client.get(PEOPLE)

    text = page.text[page.text.index("<tbody>") :]
    # 李明 of 省委政法委 (a 省直单位) first, then the cities, the university, and 周律师 without a unit last.
    assert text.index("李明") < text.index("广州联络员") < text.index("深圳联络员") < text.index("陈教授") < text.index(lawyer.name)
    assert "报送人、参会人员" in text
    assert "已停用" in text and "已邀请" in text and "已启用" in text
    reviewers = await organizer_client.get(PEOPLE, params={"role": "reviewer"})
    assert "陈教授" in reviewers.text and "深圳联络员" not in reviewers.text


async def test_people_list_query_count_does_not_grow_with_people(organizer_client: Client, seminar: Seminar) -> None:
    await organizer_client.get(PEOPLE)  # warm up: the session and CSRF token exist
    with counted_queries() as one:
        await organizer_client.get(PEOPLE)
    for number in range(2):
        user = await make_user(f"person{number}@example.org", unit=await Unit.get(name="佛山市"))
        await grant(user, seminar, RoleName.REVIEWER, RoleName.ATTENDEE)

    with counted_queries() as three:
        page = await organizer_client.get(PEOPLE)

    assert page.text.count("person") >= 2
    assert len(three) == len(one)


# --- inviting one person ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("roles", "subject", "says"),
    [
        (("attendee",), "参会邀请", "办理参会报名并下载论文集"),
        (("submitter",), "论文报送账号", "报送本单位的论文"),
        (("reviewer", "attendee"), "论文评审邀请", "撰写点评意见"),
        (("organizer", "reviewer"), "会务管理账号", "作为会务组成员"),
    ],
)
async def test_an_invitation_is_worded_for_what_the_person_will_do(
    organizer_client: Client, seminar: Seminar, smtp_settings: Settings, smtp_server: SmtpServer,
    roles: tuple[str, ...], subject: str, says: str,
) -> None:
    await invite(organizer_client, roles=roles)
    assert await send_pending(smtp_settings) == 1

    [message] = smtp_server.messages
    assert message["Subject"] == f"“全省市域社会治理现代化试点创新研讨班”{subject}"
    [body] = smtp_server.bodies_to("chengang@example.org")
    assert says in body
    if roles != ("attendee",):
        assert "参会" not in message["Subject"]


async def test_invitation_end_to_end_through_smtp(
    organizer_client: Client, seminar: Seminar, smtp_settings: Settings, smtp_server: SmtpServer
) -> None:
    response = await invite(organizer_client, roles=("reviewer", "attendee"))
    listing = await organizer_client.get(response.headers["location"])
    assert await send_pending(smtp_settings) == 1
    [body] = smtp_server.bodies_to("chengang@example.org")
    link = link_in(body)
    await organizer_client.logout()

    invitation = await organizer_client.get(link)
    accepted = await organizer_client.post_form(link, {"password": "my own password", "confirm": "my own password"})
    landing = await organizer_client.get(accepted.headers["location"])

    assert flashes(listing) == ["已授予 chengang@example.org 评审专家、参会人员角色，系统将发送邮件通知。"]
    assert smtp_server.messages[0]["Subject"] == "“全省市域社会治理现代化试点创新研讨班”论文评审邀请"
    assert "请您在评审截止前登录系统阅读分配给您的论文" in body
    assert "李明 邀请您以评审专家、参会人员身份参加“全省市域社会治理现代化试点创新研讨班”。" in body
    assert "有效期至" in body
    assert "全省市域社会治理现代化试点创新研讨班" in invitation.text and "评审专家、参会人员" in invitation.text
    assert autofill_hints(invitation) == [
        ("chengang@example.org", "username", ""), ("新密码", "new-password", ""), ("再次输入新密码", "new-password", ""),
    ]
    assert accepted.status_code == 303 and accepted.headers["location"] == "http://testserver/gd-2021/"
    assert flashes(landing) == ["欢迎，陈刚。您的账号已开通。"]
    user = await User.get(email="chengang@example.org").select_related("unit")
    assert (user.name, user.unit.name, user.position, user.phone) == ("陈刚", "中山大学", "教授", "13912345678")  # type: ignore[union-attr]
    assert set(await Role.filter(user=user, seminar=seminar).values_list("name", flat=True)) == {"reviewer", "attendee"}
    assert (await organizer_client.get("/profile")).status_code == 200  # logged in as the invitee
    used = await organizer_client.get(link)
    assert used.status_code == 400 and "该链接已使用过，请用密码登录。" in used.text
    await organizer_client.logout()
    assert (await organizer_client.login("chengang@example.org", "my own password")).status_code == 303


async def test_an_expired_invitation_is_refused_and_changes_nothing(organizer_client: Client) -> None:
    await invite(organizer_client)
    mail = await OutboxMail.get(to_address="chengang@example.org")
    await AccountToken.all().update(expires_at=mail.created_at)
    await organizer_client.logout()

    response = await organizer_client.post_form(link_in(mail.body_text), {"password": "my own password", "confirm": "my own password"})

    assert response.status_code == 400
    assert "该链接已过期" in response.text and "请联系研讨班组织者重新发送邀请。" in response.text
    assert (await User.get(email="chengang@example.org")).password_hash == ""


@pytest.mark.parametrize(
    "weak",
    [
        "chengang1990",  # 陈刚's name in pinyin and a year (his address does not spell it)
        "Gang.Chen.19900101",  # given name first, separators, a birthday
        "zhongshandaxue1",  # his unit
        "cg-13912345678",  # his phone
        "cg.zsu@example.org",  # his address
    ],
)
async def test_invitation_refuses_a_password_built_on_the_persons_details_saying_why(organizer_client: Client, weak: str) -> None:
    await invite(organizer_client, email="cg.zsu@example.org")
    mail = await OutboxMail.get(to_address="cg.zsu@example.org")
    await organizer_client.logout()
    link = link_in(mail.body_text)

    refused = await organizer_client.post_form(link, {"password": weak, "confirm": weak})
    accepted = await organizer_client.post_form(link, {"password": "qing-shan-liu-shui-42", "confirm": "qing-shan-liu-shui-42"})

    assert refused.status_code == 400
    assert "密码太容易被猜中。它包含您的姓名、电子邮箱、单位或电话号码，或本网站的名称。再加一两个词，不常用的词更好。" in refused.text
    assert 'name="password"' in refused.text  # the form again, not a spent link
    assert accepted.status_code == 303
    await organizer_client.logout()
    assert (await organizer_client.login("cg.zsu@example.org", "qing-shan-liu-shui-42")).status_code == 303


async def test_inviting_someone_with_an_account_grants_the_role_and_sends_a_notice(organizer_client: Client, seminar: Seminar) -> None:
    existing = await make_user("chengang@example.org", name="陈刚老师")

    response = await invite(organizer_client)

    assert response.status_code == 303
    assert await Role.exists(user=existing, seminar=seminar, name=RoleName.REVIEWER)
    mail = await OutboxMail.get(to_address="chengang@example.org")
    assert mail.template == "role_granted"
    assert "请使用原有密码登录" in mail.body_text and "http://testserver/login" in mail.body_text
    assert await AccountToken.all().count() == 0
    await existing.refresh_from_db()
    assert existing.name == "陈刚老师"  # the person's own details are kept


async def test_inviting_someone_who_already_has_the_role_says_so_and_changes_nothing(organizer_client: Client, seminar: Seminar) -> None:
    await invite(organizer_client)

    response = await invite(organizer_client, name="陈刚")

    assert response.status_code == 400
    assert "陈刚（chengang@example.org）在本研讨班中已具有评审专家角色。" in response.text
    assert await OutboxMail.filter(to_address="chengang@example.org").count() == 1


async def test_invite_form_errors_keep_what_was_typed(organizer_client: Client) -> None:
    response = await invite(organizer_client, email="not-an-address", phone="12345", roles=())

    assert response.status_code == 400
    assert 'value="陈刚"' in response.text
    assert "“12345”不是有效的电话号码" in response.text
    assert await User.filter(name="陈刚").count() == 0


async def test_a_submitter_must_have_a_unit(organizer_client: Client) -> None:
    response = await invite(organizer_client, roles=("submitter",), unit="")

    assert response.status_code == 400
    assert "报送人须选择单位" in response.text


# --- resend, deactivate, reactivate ------------------------------------------------------------


async def test_resend_sends_a_new_link_and_the_old_one_stops_working(organizer_client: Client) -> None:
    invited = await invite(organizer_client)
    await organizer_client.get(invited.headers["location"])
    invitee = await User.get(email="chengang@example.org")
    first = await OutboxMail.get(to_address="chengang@example.org")

    response = await organizer_client.post_form(f"{PEOPLE}/{invitee.id}/resend")
    page = await organizer_client.get(response.headers["location"])

    assert flashes(page) == ["已向 chengang@example.org 重新发送邀请，此前的链接已失效。"]
    mails = await OutboxMail.filter(to_address="chengang@example.org").order_by("id")
    assert len(mails) == 2
    assert "该链接已过期" in (await organizer_client.get(link_in(first.body_text))).text
    assert (await organizer_client.get(link_in(mails[1].body_text))).status_code == 200


async def test_deactivating_ends_the_persons_sessions_and_reactivating_lets_them_back(
    organizer_client: Client, second_client: Client, seminar: Seminar
) -> None:
    submitter = await make_submitter(seminar, email="guangzhou@example.org")
    await second_client.login("guangzhou@example.org")

    response = await organizer_client.post_form(f"{PEOPLE}/{submitter.id}/deactivate")
    page = await organizer_client.get(response.headers["location"])

    assert flashes(page) == ["广州市联络员 的账号已停用，无法再登录。"]
    await submitter.refresh_from_db()
    assert not submitter.is_active
    assert (await second_client.get("/profile")).status_code == 303
    refused = await second_client.post_form("/login", {"email": "guangzhou@example.org", "password": "demo-password"})
    assert "该账号已停用" in refused.text

    await organizer_client.post_form(f"{PEOPLE}/{submitter.id}/reactivate")

    assert (await second_client.login("guangzhou@example.org")).status_code == 303


# --- import from .xlsx ---------------------------------------------------------------------------


def upload(data: bytes, name: str = "名单.xlsx") -> dict[str, tuple[str, bytes, str]]:
    return {"file": (name, data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}


async def test_import_invites_everyone_in_the_file(organizer_client: Client, seminar: Seminar) -> None:
    existing = await make_user("chengang@example.org", name="陈刚")
    data = make_people_xlsx(
        [
            ["王芳", "广州市", "政法委干部", "13800138000", "wangfang@example.org", "报送人"],
            ["陈刚", "中山大学", "教授", "13912345678", "chengang@example.org", "评审专家、参会人员"],
            ["刘洋", "省委组织部", "处长", "020-12345678", "liuyang@example.org", "reviewer"],
        ]
    )

    response = await organizer_client.post_form(f"{PEOPLE}/import", files=upload(data))
    page = await organizer_client.get(response.headers["location"])

    assert flashes(page) == ["已导入 3 人，系统将发送邮件通知。"]
    wang = await User.get(email="wangfang@example.org").select_related("unit")
    assert (wang.name, wang.unit.name, wang.phone) == ("王芳", "广州市", "13800138000")  # type: ignore[union-attr]
    assert await Role.exists(user=wang, seminar=seminar, name=RoleName.SUBMITTER)
    assert set(await Role.filter(user=existing, seminar=seminar).values_list("name", flat=True)) == {"reviewer", "attendee"}
    templates = dict(await OutboxMail.all().values_list("to_address", "template"))
    assert templates == {
        "wangfang@example.org": "invitation",
        "chengang@example.org": "role_granted",
        "liuyang@example.org": "invitation",
    }
    # The people page follows the invitations' sending (this site has no mail server: it says so).
    [region] = lxml.html.fromstring(page.text).xpath("//*[@id='mail-batch']")
    assert region.xpath(".//h2")[0].text_content() == "导入人员的邀请邮件"
    assert "已发送 0/3" in region.text_content()


async def test_import_sends_as_many_queries_for_forty_people_as_for_four(organizer_client: Client) -> None:
    """Each row once took seven queries: 2,000 rows kept an organizer waiting over a minute on PostgreSQL."""
    def people(first: int, count: int) -> bytes:
        return make_people_xlsx([[f"人员{n}", "广州市", "", "", f"p{n}@example.org", "参会人员"] for n in range(first, first + count)])

    await organizer_client.post_form(f"{PEOPLE}/import", files=upload(people(0, 1)))  # the first request reads more
    with counted_queries() as four:
        await organizer_client.post_form(f"{PEOPLE}/import", files=upload(people(1, 4)))
    with counted_queries() as forty:
        response = await organizer_client.post_form(f"{PEOPLE}/import", files=upload(people(5, 40)))

    assert response.status_code == 303
    assert len(forty) == len(four)
    assert await OutboxMail.filter(template="invitation").count() == 45
    # Each of them has a working invitation link of their own.
    body = (await OutboxMail.get(to_address="p44@example.org")).body_text
    invitation = await organizer_client.get(link_in(body))
    assert invitation.status_code == 200 and "p44@example.org" in invitation.text


async def test_import_with_bad_rows_imports_nothing_and_lists_every_problem(organizer_client: Client) -> None:
    data = make_people_xlsx(
        [
            ["王芳", "广州市", "", "13800138000", "wangfang@example.org", "报送人"],
            ["陈刚", "北京市", "", "12345", "chengang@example", "评审专家"],
        ]
    )

    response = await organizer_client.post_form(f"{PEOPLE}/import", files=upload(data))

    assert response.status_code == 400
    assert "未导入任何人员" in response.text
    assert "第 3 行“邮箱”列：“chengang@example”不是有效的电子邮箱" in response.text
    assert "第 3 行“手机”列" in response.text
    assert "第 3 行“单位”列：系统中没有单位“北京市”" in response.text
    assert await User.filter(email="wangfang@example.org").count() == 0
    assert await OutboxMail.all().count() == 0


async def test_import_rolls_back_when_a_row_already_has_its_roles(organizer_client: Client, seminar: Seminar) -> None:
    await grant(await make_user("chengang@example.org", name="陈刚"), seminar, RoleName.REVIEWER)
    data = make_people_xlsx(
        [
            ["王芳", "广州市", "", "", "wangfang@example.org", "报送人"],
            ["陈刚", "中山大学", "", "", "chengang@example.org", "评审专家"],
        ]
    )

    response = await organizer_client.post_form(f"{PEOPLE}/import", files=upload(data))

    assert response.status_code == 400
    assert "第 3 行“邮箱”列：陈刚（chengang@example.org）在本研讨班中已具有评审专家角色。" in response.text
    assert await User.filter(email="wangfang@example.org").count() == 0
    assert await OutboxMail.all().count() == 0


async def test_import_names_missing_columns(organizer_client: Client) -> None:
    data = make_people_xlsx([["王芳", "wangfang@example.org"]], header=["姓名", "邮箱"])

    response = await organizer_client.post_form(f"{PEOPLE}/import", files=upload(data))

    assert response.status_code == 400
    assert "缺少以下列：单位、职务、手机、角色。" in response.text
    assert await User.filter(email="wangfang@example.org").count() == 0


async def test_import_refuses_a_file_that_is_not_xlsx(organizer_client: Client) -> None:
    response = await organizer_client.post_form(f"{PEOPLE}/import", files=upload(b"%PDF-1.7 not a workbook", "名单.pdf"))

    assert response.status_code == 400
    assert "不是有效的 .xlsx 工作簿" in response.text


async def test_import_refuses_an_oversized_file(organizer_client: Client) -> None:
    response = await organizer_client.post_form(f"{PEOPLE}/import", files=upload(b"0" * (5 * 1024 * 1024 + 1)))

    assert response.status_code == 400
    assert "文件超过 5 MB。" in response.text


async def test_import_template_downloads_with_the_header_row(organizer_client: Client) -> None:
    response = await organizer_client.get(f"{PEOPLE}/template.xlsx")

    assert response.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [cell.value for cell in sheet[1]] == ["姓名", "单位", "职务", "手机", "邮箱", "角色"]
    assert sheet["D2"].number_format == "@"


async def test_a_locked_out_person_is_marked_and_the_organizer_unlocks_them(
    organizer_client: Client, seminar: Seminar, settings: Settings
) -> None:
    guangzhou = await make_submitter(seminar, email="guangzhou@example.org")
    for _attempt in range(settings.login_attempts_per_account):
        await LoginFailure.create(email="guangzhou@example.org", ip="10.0.0.9")

    page = await organizer_client.get(PEOPLE)
    response = await organizer_client.post_form(f"{PEOPLE}/{guangzhou.id}/unlock")
    after = await organizer_client.get(response.headers["location"])

    assert "已锁定" in page.text
    assert await LoginFailure.filter(email="guangzhou@example.org").count() == 0
    assert "已锁定" not in after.text
    assert flashes(after) == [f"{guangzhou.name} 可立即重新登录。"]


async def test_a_submitter_cannot_unlock_anyone(client: Client, seminar: Seminar) -> None:
    submitter = await make_submitter(seminar, email="guangzhou@example.org")
    other = await make_submitter(seminar, city="深圳市", email="shenzhen@example.org")
    await LoginFailure.create(email="shenzhen@example.org", ip="10.0.0.9")
    await client.login("guangzhou@example.org")

    response = await client.post_form(f"{PEOPLE}/{other.id}/unlock")

    assert response.status_code == 403
    assert await LoginFailure.filter(email="shenzhen@example.org").count() == 1
    assert submitter.id != other.id
