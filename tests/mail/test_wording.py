"""A seminar's own wording of the mails the site sends: the registry, the page, and the mails that arrive."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from seminar import i18n
from seminar.accounts.actions import ensure_units
from seminar.accounts.models import Unit
from seminar.config import Settings
from seminar.mail import kinds
from seminar.mail.models import MailWording
from seminar.mail.wording import check_template, render_letter
from seminar.mail.worker import send_pending
from seminar.seminars.models import Seminar
from tests.conftest import Client, SmtpServer, flashes
from tests.factories import make_organizer, make_seminar, make_submitter, make_user
from tests.submissions.documents import make_docx
from tests.submissions.test_routes import NEXT_WEEK, create_paper, upload

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "mail"
WORDING = "/{slug}/manage/mail/wording"


# --- the registry ------------------------------------------------------------------------------


def test_every_mail_template_the_site_sends_is_in_the_registry() -> None:
    sent = {str(path.relative_to(TEMPLATES)).removesuffix(".subject.txt") for path in TEMPLATES.rglob("*.subject.txt")}
    # Mail to a group is the organizer's own text each time; the test message is the administrators'.
    assert sent - {kind.template for kind in kinds.KINDS} == {"bulk", "test_message"}


@pytest.mark.parametrize("locale", i18n.LOCALES)
@pytest.mark.parametrize("kind", kinds.editable_kinds(), ids=lambda kind: kind.key)
def test_each_default_wording_uses_only_its_placeholders_and_reads_in_the_language(kind: kinds.MailKind, locale: str) -> None:
    with i18n.use_locale(locale):
        subject, body = kind.default()
    check_template(subject, body, kind.names)
    assert subject and body and "%(" not in subject + body
    assert "{recipient}" in body
    if locale != "en":
        assert not re.search(r"[A-Za-z]", re.sub(r"\{\w+\}", "", subject + body)), "an untranslated message"
    letter = render_letter(subject, body, {p.name: p.example for p in kind.placeholders}, kind.names)
    assert "{" not in letter.subject


def test_each_placeholder_has_a_meaning_and_an_example() -> None:
    for kind in kinds.editable_kinds():
        assert len(set(kind.names)) == len(kind.names), kind.key
        for placeholder in kind.placeholders:
            assert str(placeholder.meaning) and placeholder.example, (kind.key, placeholder.name)


# --- the pages ---------------------------------------------------------------------------------


@pytest.fixture
async def seminar() -> Seminar:
    await ensure_units()
    return await make_seminar(submission_deadline=NEXT_WEEK)


@pytest.fixture
async def organizer(client: Client, seminar: Seminar) -> Client:
    await make_organizer(seminar)
    await client.login("organizer@example.org")
    return client


async def test_the_list_groups_every_mail_by_stage_and_marks_the_customised(organizer: Client, seminar: Seminar) -> None:
    await MailWording.create(seminar=seminar, kind="invitation", locale="zh_Hans", subject="邀请", body="{recipient}：您好")

    page = await organizer.get(WORDING.format(slug=seminar.slug))

    assert page.status_code == 200
    for stage in ("账号与角色", "论文报送", "评审", "评审结果", "日程", "论文集", "报名", "现场与证书"):
        assert stage in page.text, stage
    assert "简体中文：已自定义" in page.text and "繁體中文：默认" in page.text
    assert "找回密码" in page.text and "始终使用网站的默认措辞" in page.text
    assert f"/{seminar.slug}/manage/decisions/mail/keynote" in page.text
    # The decision letters' row says which languages this seminar worded (any outcome).
    await MailWording.create(seminar=seminar, kind="reviews-decision-decline", locale="en", subject="x", body="y")
    row = re.search(r'decisions/mail/keynote.*?</tr>', (await organizer.get(WORDING.format(slug=seminar.slug))).text, re.S)
    assert row is not None and "English：已自定义" in row.group() and "简体中文：默认" in row.group()
    manage = await organizer.get(f"/{seminar.slug}/manage/")
    assert WORDING.format(slug=seminar.slug) in manage.text


async def test_the_editor_starts_from_the_default_and_previews_it_for_a_real_recipient(
    organizer: Client, seminar: Seminar
) -> None:
    person = await make_user("wangfang@example.org", name="王芳")
    from tests.factories import grant
    from seminar.accounts.models import RoleName
    await grant(person, seminar, RoleName.REVIEWER)

    page = await organizer.get(f"{WORDING.format(slug=seminar.slug)}/invitation?locale=zh_Hans&recipient={person.id}")

    assert page.status_code == 200
    assert "{purpose}" in page.text and "{link}" in page.text
    assert "王芳" in page.text and seminar.title in page.text
    english = await organizer.get(f"{WORDING.format(slug=seminar.slug)}/invitation?locale=en")
    assert "Hello {recipient}," in english.text


async def test_a_preview_fills_in_the_text_typed_and_saves_nothing(organizer: Client, seminar: Seminar) -> None:
    await make_submitter(seminar, "广州市", email="guangzhou@example.org")

    page = await organizer.post_form(f"{WORDING.format(slug=seminar.slug)}/submissions-receipt", {
        "locale": "zh_Hans", "subject": "回执{paper_number}", "body": "{recipient}：见 {paper_url}", "action": "preview",
    })

    assert page.status_code == 200
    assert "回执12" in page.text and "：见 https://example.org/gd-2026/papers/12" in page.text
    assert not await MailWording.exists()


@pytest.mark.parametrize(("body", "says"), [
    ("{recipient}：请于{deadine}前登录", "{deadine}"),
    ("{recipient}：请登录 {link", "括号"),
])
async def test_an_unknown_placeholder_or_a_broken_brace_is_refused_and_nothing_is_saved(
    organizer: Client, seminar: Seminar, body: str, says: str
) -> None:
    response = await organizer.post_form(f"{WORDING.format(slug=seminar.slug)}/invitation", {
        "locale": "zh_Hans", "subject": "邀请", "body": body, "action": "save",
    })

    assert response.status_code == 400
    assert says in response.text
    assert not await MailWording.exists()


async def test_a_mail_sent_for_site_accounts_has_no_editor(organizer: Client, seminar: Seminar) -> None:
    assert (await organizer.get(f"{WORDING.format(slug=seminar.slug)}/password_reset")).status_code == 404
    assert (await organizer.get(f"{WORDING.format(slug=seminar.slug)}/reviews-decision")).status_code == 404


# --- the mails that arrive ------------------------------------------------------------------------


async def _invite(client: Client, seminar: Seminar, email: str) -> None:
    unit = await Unit.get(name="中山大学")
    response = await client.post_form(f"/{seminar.slug}/manage/people/invite", {
        "name": "陈刚", "email": email, "unit": str(unit.id), "position": "教授", "phone": "13912345678", "roles": ["reviewer"],
    })
    assert response.status_code == 303, flashes(response)


async def test_an_edited_invitation_arrives_with_the_new_wording_and_a_reset_brings_the_default_back(
    organizer: Client, seminar: Seminar, smtp_settings: Settings, smtp_server: SmtpServer
) -> None:
    url = f"{WORDING.format(slug=seminar.slug)}/invitation"
    saved = await organizer.post_form(url, {
        "locale": "zh_Hans", "subject": "{seminar}：特邀评审专家 <请查收>",
        "body": "尊敬的{recipient}：\n\n诚邀您担任{roles}。\n\n请打开：{link}\n（{expires}前有效）",
        "action": "save",
    })
    assert saved.status_code == 303, saved.text[:2000]
    edited = await organizer.get(saved.headers["location"])
    assert "已保存" in "".join(flashes(edited)) and "✎" in edited.text and "恢复默认措辞" in edited.text

    await _invite(organizer, seminar, "chengang@example.org")
    assert await send_pending(smtp_settings) == 1
    [message] = smtp_server.messages
    assert message["Subject"] == f"{seminar.title}：特邀评审专家 <请查收>"
    [text] = smtp_server.bodies_to("chengang@example.org")
    assert text.startswith("尊敬的陈刚：") and "诚邀您担任评审专家。" in text and "/invitation/" in text
    html = message.get_body(("html",)).get_content()
    assert "尊敬的陈刚：" in html and "&lt;" not in text
    # The subject is plain text; a "<" typed in the text would be escaped in the HTML part.
    assert "<请查收>" not in html or "&lt;请查收&gt;" in html

    reset = await organizer.post_form(f"{url}/reset", {"locale": "zh_Hans"})
    assert reset.status_code == 303
    assert "已恢复为网站默认措辞" in "".join(flashes(await organizer.get(reset.headers["location"])))
    assert not await MailWording.exists()
    await _invite(organizer, seminar, "lihua@example.org")
    assert await send_pending(smtp_settings) == 1
    [default] = smtp_server.bodies_to("lihua@example.org")
    assert "尊敬的" not in default and "陈刚" in default


async def test_the_wording_is_per_language_and_escaped_in_the_html_part(
    organizer: Client, seminar: Seminar, smtp_settings: Settings, smtp_server: SmtpServer
) -> None:
    # Ann Lee has an account already: she is told of her new role, worded here in English only.
    await organizer.post_form(f"{WORDING.format(slug=seminar.slug)}/role_granted", {
        "locale": "en", "subject": "Join us at {seminar}", "body": "Dear {recipient},\n\n<b>welcome</b> & see {seminar_link}",
        "action": "save",
    })
    english = await make_user("english@example.org", name="Ann Lee")
    english.locale = "en"
    await english.save()

    await _invite(organizer, seminar, "english@example.org")
    await _invite(organizer, seminar, "chengang@example.org")
    assert await send_pending(smtp_settings) == 2

    [text] = smtp_server.bodies_to("english@example.org")
    assert text.startswith("Dear Ann Lee,") and "<b>welcome</b> & see http" in text
    message = next(m for m in smtp_server.messages if "english@example.org" in m["To"])
    html = message.get_body(("html",)).get_content()
    assert "&lt;b&gt;welcome&lt;/b&gt; &amp; see" in html and "<b>" not in html
    assert message["Subject"] == f"Join us at {seminar.title}"
    [chinese] = smtp_server.bodies_to("chengang@example.org")
    assert "Dear" not in chinese and "陈刚，您好" in chinese


async def test_an_edited_receipt_arrives_with_the_new_wording(
    client: Client, seminar: Seminar, smtp_settings: Settings, smtp_server: SmtpServer
) -> None:
    await MailWording.create(
        seminar=seminar, kind="submissions-receipt", locale="zh_Hans",
        subject="回执：{city}第{paper_number}号论文{event}",
        body="{recipient}同志：\n\n《{paper_title}》（{topic}）已于{moment}{event}。\n\n{paper_url}",
    )
    await make_submitter(seminar, "广州市", email="guangzhou@example.org")
    await client.login("guangzhou@example.org")
    paper = await create_paper(client, seminar)
    await upload(client, seminar, paper, "广州-党建引领.docx", make_docx())
    submitted = await client.post_form(f"/{seminar.slug}/papers/{paper.number}/submit")
    assert submitted.status_code == 303

    assert await send_pending(smtp_settings) == 2
    [message, _other] = sorted(smtp_server.messages, key=lambda m: "guangzhou" not in m["To"])
    assert message["Subject"] == f"回执：广州市第{paper.number}号论文报送"
    [text] = smtp_server.bodies_to("guangzhou@example.org")
    assert "同志：" in text and "《以党建引领推进市域社会治理现代化 ——广州市的探索与实践》" in text
    assert f"http://testserver/{seminar.slug}/papers/{paper.number}" in text


async def test_addresses_in_an_own_wording_are_links_in_the_html_part_and_plain_in_the_text(
    organizer: Client, seminar: Seminar, smtp_settings: Settings, smtp_server: SmtpServer
) -> None:
    url = f"{WORDING.format(slug=seminar.slug)}/invitation"
    saved = await organizer.post_form(url, {
        "locale": "zh_Hans", "subject": "{seminar}：邀请",
        "body": "{recipient}：\n\n会务指南见https://example.org/guide?a=1&b=2。"
                "\n<a href=\"javascript:alert(1)\">点这里</a>\n\n请打开：{link}",
        "action": "save",
    })
    assert saved.status_code == 303, saved.text[:2000]
    await _invite(organizer, seminar, "chengang@example.org")
    assert await send_pending(smtp_settings) == 1
    [message] = smtp_server.messages
    html = message.get_body(("html",)).get_content()
    assert '见<a href="https://example.org/guide?a=1&amp;b=2">https://example.org/guide?a=1&amp;b=2</a>。' in html
    assert re.search(r'请打开：<a href="http://testserver/invitation/[^"]+">http://testserver/invitation/', html)
    # What the organizer typed as markup stays text: no link to a script, no tag of theirs.
    assert "javascript:alert(1)" in html and 'href="javascript' not in html and "&lt;a href=" in html
    [text] = smtp_server.bodies_to("chengang@example.org")
    # The text part is the text as typed: no markup added, none taken away.
    assert "会务指南见https://example.org/guide?a=1&b=2。" in text and '<a href="javascript:alert(1)">点这里</a>' in text
    assert "<a href=\"https://example.org" not in text
