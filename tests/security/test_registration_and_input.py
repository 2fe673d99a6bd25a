"""Issue 11, items 6, 8 and 9, through the real forms: registration that tells no one who has an
account and mails no list of strangers; invisible characters that never reach a page, a mail or
a file; e-mail addresses that cannot imitate another and reach internationalised domains.
"""

from __future__ import annotations

import io
import re
from dataclasses import replace

import httpx
from openpyxl import load_workbook

from seminar.accounts.actions import ensure_units
from seminar.accounts.models import Unit, User
from seminar.app import create_app
from seminar.config import Settings
from seminar.mail.models import OutboxMail
from seminar.mail.worker import send_pending
from seminar.registration.models import Registration
from seminar.submissions.models import Manuscript
from seminar.text import FORMAT_CHARACTERS
from tests.conftest import Client, SmtpServer, flashes
from tests.factories import make_organizer, make_people_xlsx, make_submitter, make_user
from tests.registration.test_routes import DETAILS
from tests.submissions.documents import make_docx
from tests.submissions.test_routes import create_paper, open_seminar

INVISIBLE = re.compile(f"[{FORMAT_CHARACTERS}]")
RLO, PDF, LRI, PDI, ZWSP, ZWJ, BOM = "\u202e", "\u202c", "\u2066", "\u2069", "\u200b", "\u200d", "\ufeff"
LOOK_ALIKE = "organizer@ex\u0430mple.org"  # a Cyrillic а
MIXED_MESSAGE = "混用了不同字母体系的字母（如拉丁字母和西里尔字母），可能是在冒充其他邮箱地址。请核对后手动输入，不要粘贴。"
THROTTLED = "来自此网络或使用此邮箱的报名次数过多。请等待 60 分钟后再试，或请主办方邀请您。"


def error_messages(page: str) -> list[str]:
    """The form's own messages and each field's."""
    return [m.strip() for m in re.findall(r'role="alert">\s*<p>(.*?)</p>|<ul class="field-errors"[^>]*>\s*<li>(.*?)</li>', page, re.S) for m in m if m]


def assert_nothing_invisible(where: str, text: str) -> None:
    found = sorted({f"U+{ord(c):04X}" for c in INVISIBLE.findall(text)})
    assert found == [], f"invisible characters in {where}: {found}"


def xlsx_text(data: bytes) -> str:
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    return "\n".join(str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None)


# ---------- item 6: registration ----------


async def test_registration_answers_a_known_and_an_unknown_e_mail_alike_and_mails_the_holder_instead(
    client: Client,
) -> None:
    seminar = await open_seminar()
    holder = await make_user(email="wangxm@example.org", name="王小明")

    known = await client.post_form(f"/{seminar.slug}/register", DETAILS)
    unknown = await client.post_form(f"/{seminar.slug}/register", {**DETAILS, "email": "lifang@example.org"})

    assert (known.status_code, known.headers["location"]) == (unknown.status_code, unknown.headers["location"]) == (
        303, f"http://testserver/{seminar.slug}/",
    )
    assert not await Registration.filter(user_id=holder.id).exists()  # a stranger registers no one
    assert await User.filter(email="wangxm@example.org").count() == 1
    mail = await OutboxMail.get(to_address="wangxm@example.org")
    assert mail.template == "registration_account_exists" and mail.to_name == "王小明"
    assert seminar.title in mail.body_text
    assert f"/login?next=%2F{seminar.slug}%2Fregister" in mail.body_text and "/password/forgot" in mail.body_text
    assert await OutboxMail.filter(to_address="lifang@example.org", template="invitation").exists()


async def test_both_answers_read_the_same_to_the_visitor(client: Client) -> None:
    seminar = await open_seminar()
    await make_user(email="wangxm@example.org")

    known = await client.post_form(f"/{seminar.slug}/register", DETAILS, follow_redirects=True)
    unknown = await client.post_form(f"/{seminar.slug}/register", {**DETAILS, "email": "lifang@example.org"}, follow_redirects=True)

    assert known.status_code == unknown.status_code == 200
    assert flashes(known) == flashes(unknown) == ["感谢报名。我们已向您填写的邮箱发送邮件，请按邮件中的说明完成报名。"]


async def test_the_eleventh_registration_from_one_address_is_throttled_and_mails_no_one(client: Client) -> None:
    seminar = await open_seminar()
    for number in range(10):
        response = await client.post_form(f"/{seminar.slug}/register", {**DETAILS, "email": f"stranger{number}@example.org"})
        assert response.status_code == 303, error_messages(response.text)
    mails = await OutboxMail.all().count()

    eleventh = await client.post_form(f"/{seminar.slug}/register", {**DETAILS, "email": "stranger10@example.org"})

    assert mails == 10
    assert eleventh.status_code == 429 and THROTTLED in error_messages(eleventh.text)
    assert await OutboxMail.all().count() == 10
    assert not await User.filter(email="stranger10@example.org").exists()


async def test_a_fourth_registration_with_one_e_mail_is_throttled_from_any_address(app, client: Client) -> None:  # type: ignore[no-untyped-def]
    seminar = await open_seminar()
    await make_user(email="wangxm@example.org")
    for _attempt in range(3):
        assert (await client.post_form(f"/{seminar.slug}/register", DETAILS)).status_code == 303
    elsewhere = httpx.ASGITransport(app=app, client=("203.0.113.9", 40000))
    async with Client(transport=elsewhere, base_url="http://testserver") as other_network:
        fourth = await other_network.post_form(f"/{seminar.slug}/register", DETAILS)
        other_person = await other_network.post_form(f"/{seminar.slug}/register", {**DETAILS, "email": "lifang@example.org"})

    assert fourth.status_code == 429 and THROTTLED in error_messages(fourth.text)
    assert await OutboxMail.filter(to_address="wangxm@example.org").count() == 3
    assert other_person.status_code == 303


# ---------- item 8: invisible characters ----------


async def test_bidi_and_zero_width_characters_leave_a_papers_title_and_an_uploaded_file_name(client: Client) -> None:
    seminar = await open_seminar()
    await make_submitter(seminar, "广州市", email="guangzhou@example.org")
    await client.login("guangzhou@example.org")

    paper = await create_paper(
        client, seminar, title=f"以党建{RLO}引领{PDF}推进{ZWSP}市域治理", **{"authors-0-name": f"陈{ZWJ}静{BOM}"}
    )
    uploaded = await client.post_form(
        f"/{seminar.slug}/papers/{paper.number}/upload",
        files={"manuscript": (f"论文{RLO}xcod.exe{LRI}.docx", make_docx(), "application/octet-stream")},
    )
    page = await client.get(f"/{seminar.slug}/papers/{paper.number}")
    download = await client.get(f"/{seminar.slug}/papers/{paper.number}/versions/1")

    assert paper.title == "以党建引领推进市域治理"
    assert uploaded.status_code == 303
    assert (await Manuscript.get(paper_id=paper.id)).original_filename == "论文xcod.exe.docx"
    assert "以党建引领推进市域治理" in page.text and "陈静" in page.text
    assert_nothing_invisible("the paper page", page.text)
    assert "%E2%80%AE" not in download.headers["content-disposition"]


async def test_an_invited_persons_name_and_a_registered_unit_reach_no_page_mail_or_xlsx_with_bidi_characters(
    client: Client, smtp_settings: Settings, smtp_server: SmtpServer
) -> None:
    await ensure_units()
    seminar = await open_seminar()
    organizer = await make_organizer(seminar)
    unit = await Unit.get(name="中山大学")

    registered = await client.post_form(f"/{seminar.slug}/register", {
        **DETAILS, "name": f"王{ZWSP}小明", "unit_text": f"省社科联{RLO}部政法{PDF}", "position": f"{LRI}研究员{PDI}",
    })
    await client.login(organizer.email)
    invited = await client.post_form(f"/{seminar.slug}/manage/people/invite", {
        "name": f"陈刚{RLO}授教", "email": "chengang@example.org", "unit": str(unit.id), "position": f"教授{BOM}",
        "phone": "13912345678", "roles": ["reviewer"],
    })
    people = await client.get(f"/{seminar.slug}/manage/people")
    participants = await client.get(f"/{seminar.slug}/manage/participants")
    export = await client.get(f"/{seminar.slug}/manage/participants.xlsx")
    await send_pending(smtp_settings, "test-worker")

    assert registered.status_code == invited.status_code == 303
    assert (await User.get(email="chengang@example.org")).name == "陈刚授教"
    registration = await Registration.get(email="wangxm@example.org")
    assert (registration.name, registration.unit_text, registration.position) == ("王小明", "省社科联部政法", "研究员")
    assert "省社科联部政法" in participants.text and "陈刚授教" in people.text
    for where, text in [("the people page", people.text), ("the participants page", participants.text),
                        ("the participants' .xlsx", xlsx_text(export.content))]:
        assert_nothing_invisible(where, text)
    assert "省社科联部政法" in xlsx_text(export.content)
    [invitation] = [m for m in smtp_server.messages if "chengang@example.org" in m["To"]]
    assert invitation["To"].addresses[0].display_name == "陈刚授教"
    assert_nothing_invisible("the invitation", invitation.as_string() + invitation.get_body(("plain",)).get_content())


async def test_a_name_imported_from_a_spreadsheet_loses_its_bidi_and_zero_width_characters(client: Client) -> None:
    await ensure_units()
    seminar = await open_seminar()
    organizer = await make_organizer(seminar)
    await client.login(organizer.email)
    data = make_people_xlsx([[f"王{RLO}芳{ZWSP}", "广州市", f"{BOM}干部", "13800138000", "wangfang@example.org", "报送人"]])

    response = await client.post_form(
        f"/{seminar.slug}/manage/people/import",
        files={"file": ("名单.xlsx", data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")},
    )
    people = await client.get(f"/{seminar.slug}/manage/people")

    assert response.status_code == 303
    wang = await User.get(email="wangfang@example.org")
    assert (wang.name, wang.position) == ("王芳", "干部")
    assert_nothing_invisible("the people page", people.text)
    mail = await OutboxMail.get(to_address="wangfang@example.org")
    assert_nothing_invisible("the invitation", mail.to_name + mail.body_text + mail.body_html)


# ---------- item 9: e-mail addresses ----------


async def test_a_cyrillic_look_alike_is_refused_at_the_invitation_with_the_reason(client: Client) -> None:
    await ensure_units()
    seminar = await open_seminar()
    organizer = await make_organizer(seminar)
    await client.login(organizer.email)

    response = await client.post_form(f"/{seminar.slug}/manage/people/invite", {
        "name": "李明", "email": LOOK_ALIKE, "unit": "", "position": "", "phone": "", "roles": ["reviewer"],
    })

    assert response.status_code == 400
    assert f"“{LOOK_ALIKE}”{MIXED_MESSAGE}" in error_messages(response.text)
    assert await User.all().count() == 1 and await OutboxMail.all().count() == 0


async def test_a_cyrillic_look_alike_is_refused_at_registration_and_in_an_imported_list(client: Client) -> None:
    await ensure_units()
    seminar = await open_seminar()
    organizer = await make_organizer(seminar)

    registered = await client.post_form(f"/{seminar.slug}/register", {**DETAILS, "email": LOOK_ALIKE})
    await client.login(organizer.email)
    imported = await client.post_form(
        f"/{seminar.slug}/manage/people/import",
        files={"file": ("名单.xlsx", make_people_xlsx([["李明", "广州市", "", "", LOOK_ALIKE, "报送人"]]), "application/octet-stream")},
    )

    assert registered.status_code == 400 and f"“{LOOK_ALIKE}”{MIXED_MESSAGE}" in error_messages(registered.text)
    assert imported.status_code == 400 and MIXED_MESSAGE in imported.text
    assert await User.all().count() == 1 and await OutboxMail.all().count() == 0


async def test_an_address_typed_in_full_width_or_capitals_finds_the_account_at_login(client: Client) -> None:
    await make_user(email="wangxm@example.org")
    await make_user(email="chen@例子.公司")

    full_width = await client.post_form("/login", {"email": "ｗａｎｇｘｍ＠Example.ORG", "password": "demo-password"})
    await client.logout()
    punycode = await client.post_form("/login", {"email": "Chen@XN--FSQU00A.XN--55QX5D", "password": "demo-password"})

    assert full_width.status_code == punycode.status_code == 303


async def test_an_internationalised_domain_gets_a_valid_to_header_through_a_real_smtp_server(
    client: Client, smtp_settings: Settings, smtp_server: SmtpServer
) -> None:
    seminar = await open_seminar()
    organizer = await make_organizer(seminar)
    await client.login(organizer.email)

    invited = await client.post_form(f"/{seminar.slug}/manage/people/invite", {
        "name": "陈刚", "email": "ChenGang@例子.公司", "unit": "", "position": "", "phone": "", "roles": ["reviewer"],
    })
    people = await client.get(f"/{seminar.slug}/manage/people")
    sent = await send_pending(replace(smtp_settings, mail_from="研讨班 <noreply@研讨班.中国>"), "test-worker")

    assert invited.status_code == 303 and "chengang@例子.公司" in people.text  # shown as typed, readable
    assert sent == 1
    [message] = smtp_server.messages
    [to] = message["To"].addresses
    assert (to.display_name, to.addr_spec) == ("陈刚", "chengang@xn--fsqu00a.xn--55qx5d")
    assert message["From"].addresses[0].domain == "xn--jeyn2gv4v.xn--fiqs8s"
