"""A city's submission flow and the organizers' overview, through HTTP, as the people using them."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from dataclasses import replace

import pytest
from openpyxl import load_workbook

from seminar.accounts.models import RoleName, UnitKind, User
from seminar.config import Settings
from seminar.mail.models import OutboxMail
from seminar.mail.worker import send_pending
from seminar.seminars.models import Seminar, Topic
from seminar.submissions.models import Author, Blob, Manuscript, Paper, PaperStatus
from tests.conftest import Client, SmtpServer, flashes
from tests.factories import grant, make_decision, make_organizer, make_paper, make_seminar, make_submitter, make_unit, make_user
from tests.submissions.documents import make_docx

NEXT_WEEK = dt.datetime.now(dt.UTC) + dt.timedelta(days=7)
YESTERDAY = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)


async def open_seminar(**fields: object) -> Seminar:
    return await make_seminar(submission_deadline=NEXT_WEEK, **fields)


async def paper_form(seminar: Seminar, **overrides: str) -> dict[str, str]:
    topic = await Topic.filter(seminar_id=seminar.id).order_by("position").first()
    assert topic is not None
    return {
        "title": "以党建引领推进市域社会治理现代化",
        "subtitle": "广州市的探索与实践",
        "topic": str(topic.id),
        "abstract": "本文总结广州市以党建引领基层治理、推动矛盾纠纷多元化解的做法与经验。",
        "keywords": "党建引领、市域社会治理，枫桥经验",
        "originality": "y",
        "authors-0-name": "陈静",
        "authors-0-unit": "广州市委政法委",
        "authors-0-job_title": "副处长",
        "authors-0-phone": "13800138000",
        "authors-0-email": "chenjing@example.org",
        "authors-1-name": "刘洋",
        "authors-1-unit": "广州市社会治理研究中心",
        "contact": "0",
        "presenter": "1",
        **overrides,
    }


async def create_paper(client: Client, seminar: Seminar, **overrides: str) -> Paper:
    response = await client.post_form(f"/{seminar.slug}/papers/new", await paper_form(seminar, **overrides))
    assert response.status_code == 303, flashes(response) or response.text[:2000]
    paper = await Paper.filter(seminar_id=seminar.id).order_by("-number").first()
    assert paper is not None
    return paper


async def upload(client: Client, seminar: Seminar, paper: Paper, filename: str, data: bytes):  # type: ignore[no-untyped-def]
    return await client.post_form(
        f"/{seminar.slug}/papers/{paper.number}/upload", files={"manuscript": (filename, data, "application/octet-stream")}
    )


async def test_city_creates_uploads_previews_and_submits_and_receipts_arrive(
    client: Client, smtp_settings: Settings, smtp_server: SmtpServer
) -> None:
    seminar = await open_seminar()
    await make_submitter(seminar, "广州市", email="guangzhou@example.org")
    await client.login("guangzhou@example.org")

    paper = await create_paper(client, seminar)
    uploaded = await upload(client, seminar, paper, "广州-党建引领.docx", make_docx())
    page = await client.get(f"/{seminar.slug}/papers/{paper.number}")
    submitted = await client.post_form(f"/{seminar.slug}/papers/{paper.number}/submit")
    after = await client.get(submitted.headers["location"])
    delivered = await send_pending(smtp_settings, "test-worker")

    assert uploaded.status_code == 303
    assert f"#{paper.number}" in page.text and "坚持和发展新时代“枫桥经验”" in page.text
    assert "约" in page.text and "字" in page.text
    # The document's Heading 1 nests under the page's h2 (第1版正文) for screen readers' outline.
    assert "<h3>党建引领基层治理的实践与思考</h3>" in page.text and "<h1>党建引领" not in page.text
    assert f"论文#{paper.number}已报送，回执将通过电子邮件发送。" in flashes(after)
    await paper.refresh_from_db()
    assert paper.status is PaperStatus.SUBMITTED and paper.keywords == ["党建引领", "市域社会治理", "枫桥经验"]
    assert [a.name for a in await Author.filter(paper_id=paper.id).order_by("position")] == ["陈静", "刘洋"]
    assert delivered == 2
    assert {m["To"].addresses[0].addr_spec for m in smtp_server.messages} == {
        "guangzhou@example.org", "chenjing@example.org"
    }
    body = smtp_server.bodies_to("chenjing@example.org")[0]
    assert f"论文#{paper.number}" in body and "以党建引领推进市域社会治理现代化" in body and "完成政治任务" in body
    assert f"http://testserver/{seminar.slug}/papers/{paper.number}" in body


async def test_revision_keeps_the_old_version_downloadable(client: Client) -> None:
    seminar = await open_seminar()
    await make_submitter(seminar, "广州市", email="guangzhou@example.org")
    await client.login("guangzhou@example.org")
    paper = await create_paper(client, seminar)
    first, second = make_docx("第一稿。"), make_docx("第二稿，修改后的正文。")

    await upload(client, seminar, paper, "论文 初稿.docx", first)
    await upload(client, seminar, paper, "论文 修改稿.docx", second)
    old = await client.get(f"/{seminar.slug}/papers/{paper.number}/versions/1")
    page = await client.get(f"/{seminar.slug}/papers/{paper.number}")

    assert old.content == first
    assert old.headers["content-disposition"] == (
        "attachment; filename=\"__ __.docx\"; filename*=UTF-8''%E8%AE%BA%E6%96%87%20%E5%88%9D%E7%A8%BF.docx"
    )
    assert "第二稿，修改后的正文。" in page.text and "第2版正文" in page.text
    assert await Manuscript.filter(paper_id=paper.id).count() == 2


async def test_identical_uploads_share_one_blob(client: Client) -> None:
    seminar = await open_seminar()
    await make_submitter(seminar, "广州市", email="guangzhou@example.org")
    await client.login("guangzhou@example.org")
    paper = await create_paper(client, seminar)
    data = make_docx()

    await upload(client, seminar, paper, "a.docx", data)
    await upload(client, seminar, paper, "b.docx", data)

    assert await Manuscript.filter(paper_id=paper.id).count() == 2
    assert await Blob.all().count() == 1


async def test_withdraw_needs_confirmation_then_sends_receipt(client: Client) -> None:
    seminar = await open_seminar()
    await make_submitter(seminar, "广州市", email="guangzhou@example.org")
    paper = await make_paper(seminar, "广州市", status="submitted")
    await client.login("guangzhou@example.org")

    unconfirmed = await client.post_form(f"/{seminar.slug}/papers/{paper.number}/withdraw")
    await paper.refresh_from_db()
    assert paper.status is PaperStatus.SUBMITTED
    assert "请勾选确认撤回。" in flashes(await client.get(unconfirmed.headers["location"]))

    confirmed = await client.post_form(f"/{seminar.slug}/papers/{paper.number}/withdraw", {"confirm": "yes"})
    await paper.refresh_from_db()

    assert confirmed.status_code == 303 and paper.status is PaperStatus.WITHDRAWN
    from seminar.mail.models import OutboxMail

    subjects = await OutboxMail.all().values_list("subject", flat=True)
    assert subjects and all(subject == f"回执：论文#{paper.number}已撤回" for subject in subjects)


async def test_the_contact_author_without_an_account_gets_the_receipt_in_the_city_accounts_language(client: Client) -> None:
    seminar = await open_seminar()
    city = await make_submitter(seminar, "广州市", email="guangzhou@example.org")
    await User.filter(id=city.id).update(locale="en")
    paper = await make_paper(seminar, "广州市", status="submitted", created_by=city)
    await client.login("guangzhou@example.org")

    await client.post_form(f"/{seminar.slug}/papers/{paper.number}/withdraw", {"confirm": "yes"})

    mails = await OutboxMail.all().order_by("to_address").values_list("to_address", "locale", "subject")
    assert mails == [
        (f"author{paper.id}@example.org", "en", f"Receipt: paper #{paper.number} withdrawn"),
        ("guangzhou@example.org", "en", f"Receipt: paper #{paper.number} withdrawn"),
    ]


async def test_a_decided_paper_is_neither_edited_nor_withdrawn_by_the_city(client: Client) -> None:
    seminar = await open_seminar()
    await make_submitter(seminar, "广州市", email="guangzhou@example.org")
    decided = await make_paper(seminar, "广州市", status="submitted")
    undecided = await make_paper(seminar, "广州市", title="深化矛盾纠纷多元化解", status="submitted")
    await make_decision(decided, "keynote")
    await client.login("guangzhou@example.org")
    edit, withdraw = f"/{seminar.slug}/papers/{decided.number}/edit", f"/{seminar.slug}/papers/{decided.number}/withdraw"

    page = await client.get(f"/{seminar.slug}/papers/{decided.number}")
    other_page = await client.get(f"/{seminar.slug}/papers/{undecided.number}")
    edit_page = await client.get(edit)
    withdrawn = await client.post_form(withdraw, {"confirm": "yes"})
    edited = await client.post_form(edit, {**await paper_form(seminar, title="改过的题目"), "version": str(decided.version)})

    reason = "组织方已对本论文作出决定，论文信息不能再修改，也不能撤回。如需变更，请联系组织方。"
    assert reason in page.text and f'href="{edit}"' not in page.text and f'href="{withdraw}"' not in page.text
    assert f'href="/{seminar.slug}/papers/{undecided.number}/withdraw"' in other_page.text.replace("http://testserver", "")
    assert edit_page.status_code == withdrawn.status_code == edited.status_code == 303
    assert flashes(await client.get(withdrawn.headers["location"])) == [reason, reason]
    await decided.refresh_from_db()
    assert decided.status is PaperStatus.SUBMITTED and decided.title == "坚持党建引领 推进市域社会治理现代化"


async def test_after_the_deadline_everything_is_read_only(client: Client) -> None:
    seminar = await make_seminar(submission_deadline=YESTERDAY)
    await make_submitter(seminar, "广州市", email="guangzhou@example.org")
    paper = await make_paper(seminar, "广州市")
    await client.login("guangzhou@example.org")

    page = await client.get(f"/{seminar.slug}/papers/{paper.number}")
    submitted = await client.post_form(f"/{seminar.slug}/papers/{paper.number}/submit")
    uploaded = await upload(client, seminar, paper, "late.docx", make_docx())

    assert "报送截止时间已过，论文不能再修改。" in page.text
    assert 'action="/gd-2021/papers/1/upload"' not in page.text
    assert "报送截止时间已过，论文不能再修改。" in flashes(await client.get(submitted.headers["location"]))
    assert uploaded.status_code == 400
    await paper.refresh_from_db()
    assert paper.status is PaperStatus.DRAFT
    assert await Manuscript.filter(paper_id=paper.id).count() == 1


async def test_a_refused_upload_is_not_converted_the_city_reads_why_it_was_refused(client: Client) -> None:
    """The window and the decision are checked before the file goes to the converter: a damaged .docx
    is refused for what the city must act on, not for being damaged (and costs no conversion)."""
    seminar = await open_seminar()
    await make_submitter(seminar, "广州市", email="guangzhou@example.org")
    draft = await make_paper(seminar, "广州市")
    decided = await make_paper(seminar, "广州市", status="submitted")
    await make_decision(decided, "keynote")
    damaged = make_docx()[:3000]  # a download cut off halfway
    await client.login("guangzhou@example.org")

    while_open = await upload(client, seminar, draft, "论文.docx", damaged)
    once_decided = await upload(client, seminar, decided, "论文.docx", damaged)
    await Seminar.filter(id=seminar.id).update(submission_deadline=YESTERDAY)
    after_deadline = await upload(client, seminar, draft, "论文.docx", damaged)

    converter_says = "该Word文档已损坏，无法读取。请用Word或WPS打开并重新保存后上传。"
    assert flashes(while_open) == [converter_says]  # what the converter says of this file
    assert flashes(once_decided) == ["组织方已对本论文作出决定，稿件不能再在此更换。收到采用通知后，请在本页提交定稿。"]
    assert "报送截止时间已过，论文不能再修改。" in flashes(after_deadline)
    assert converter_says not in flashes(after_deadline)
    assert [r.status_code for r in (while_open, once_decided, after_deadline)] == [400, 400, 400]
    assert await Manuscript.filter(paper_id__in=[draft.id, decided.id]).count() == 2  # the factories' version 1 each


async def test_extension_reopens_submission_for_one_city(client: Client) -> None:
    seminar = await make_seminar(submission_deadline=YESTERDAY)
    await make_organizer(seminar)
    await make_submitter(seminar, "广州市", email="guangzhou@example.org")
    shenzhen = await make_unit("深圳市", UnitKind.CITY)
    paper = await make_paper(seminar, "广州市")
    guangzhou = await paper.city
    await client.login("organizer@example.org")

    until = (dt.datetime.now(dt.UTC) + dt.timedelta(days=3)).astimezone(dt.timezone(dt.timedelta(hours=8)))
    response = await client.post_form(
        f"/{seminar.slug}/manage/deadlines", {"city": str(guangzhou.id), "until": until.strftime("%Y-%m-%dT%H:%M")}
    )
    assert response.status_code == 303
    await client.logout()
    await client.login("guangzhou@example.org")
    submitted = await client.post_form(f"/{seminar.slug}/papers/{paper.number}/submit")

    await paper.refresh_from_db()
    assert submitted.status_code == 303 and paper.status is PaperStatus.SUBMITTED
    assert shenzhen.id != guangzhou.id


async def test_submission_over_the_city_quota_is_refused(client: Client) -> None:
    seminar = await open_seminar(city_quota=1)
    await make_submitter(seminar, "广州市", email="guangzhou@example.org")
    await make_paper(seminar, "广州市", status="submitted")
    second = await make_paper(seminar, "广州市", title="第二篇")
    await client.login("guangzhou@example.org")

    response = await client.post_form(f"/{seminar.slug}/papers/{second.number}/submit")

    assert "本市已报送1篇论文，已达本次研讨班每市报送上限" in flashes(await client.get(response.headers["location"]))[0]
    await second.refresh_from_db()
    assert second.status is PaperStatus.DRAFT


async def test_incomplete_paper_cannot_be_submitted(client: Client) -> None:
    seminar = await open_seminar()
    await make_submitter(seminar, "广州市", email="guangzhou@example.org")
    await client.login("guangzhou@example.org")
    paper = await create_paper(client, seminar, keywords="党建引领")

    response = await client.post_form(f"/{seminar.slug}/papers/{paper.number}/submit")

    message = " ".join(flashes(await client.get(response.headers["location"])))
    assert "请填写3至5个关键词。" in message and "请上传论文稿件。" in message
    await paper.refresh_from_db()
    assert paper.status is PaperStatus.DRAFT


async def test_another_citys_paper_is_not_found(client: Client) -> None:
    seminar = await open_seminar()
    await make_submitter(seminar, "广州市", email="guangzhou@example.org")
    shenzhen_paper = await make_paper(seminar, "深圳市", title="深圳的经验")
    await client.login("guangzhou@example.org")

    base = f"/{seminar.slug}/papers/{shenzhen_paper.number}"
    pages = [await client.get(base), await client.get(base + "/edit"), await client.get(base + "/versions/1")]
    posted = await client.post_form(base + "/submit")
    listing = await client.get(f"/{seminar.slug}/papers/")

    assert [page.status_code for page in pages] == [404, 404, 404]
    assert posted.status_code == 404
    assert "深圳的经验" not in listing.text
    await shenzhen_paper.refresh_from_db()
    assert shenzhen_paper.status is PaperStatus.DRAFT


@pytest.mark.parametrize("role", [RoleName.REVIEWER, RoleName.ATTENDEE])
async def test_reviewers_and_attendees_see_no_submission_page(client: Client, role: RoleName) -> None:
    seminar = await open_seminar()
    paper = await make_paper(seminar, "广州市")
    unit = await make_unit("广州市", UnitKind.CITY)
    await grant(await make_user("someone@example.org", unit=unit), seminar, role)
    await client.login("someone@example.org")

    for path in ("papers/", "papers/new", f"papers/{paper.number}", f"papers/{paper.number}/versions/1",
                 "manage/papers", "manage/deadlines"):
        assert (await client.get(f"/{seminar.slug}/{path}")).status_code == 404, path


async def test_stale_form_is_refused_and_nothing_is_overwritten(client: Client) -> None:
    seminar = await open_seminar()
    await make_submitter(seminar, "广州市", email="guangzhou@example.org")
    await client.login("guangzhou@example.org")
    paper = await create_paper(client, seminar)
    opened_version = paper.version
    await Paper.filter(id=paper.id).update(title="同事刚改过的题目", version=paper.version + 1)

    response = await client.post_form(
        f"/{seminar.slug}/papers/{paper.number}/edit",
        await paper_form(seminar, title="我的旧题目", version=str(opened_version)),
    )

    assert response.status_code == 409
    assert "您打开表单后，该论文已被修改" in response.text
    await paper.refresh_from_db()
    assert paper.title == "同事刚改过的题目"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"authors-0-phone": "12345"}, "“12345”不是有效的电话号码"),
        ({"authors-0-email": "not-an-email"}, "“not-an-email”不是有效的电子邮箱"),
        ({"keywords": "一、二、三、四、五、六"}, "关键词最多填写5个。"),
        ({"title": ""}, "题目"),
        ({"authors-1-unit": ""}, "此项为必填项。"),
    ],
)
async def test_bad_paper_form_is_refused_and_keeps_what_was_typed(
    client: Client, overrides: dict[str, str], message: str
) -> None:
    seminar = await open_seminar()
    await make_submitter(seminar, "广州市", email="guangzhou@example.org")
    await client.login("guangzhou@example.org")

    response = await client.post_form(f"/{seminar.slug}/papers/new", await paper_form(seminar, **overrides))

    assert response.status_code == 400
    assert message in response.text
    assert "本文总结广州市以党建引领基层治理" in response.text and 'value="广州市委政法委"' in response.text
    assert await Paper.all().count() == 0


async def test_bad_upload_is_refused_on_the_paper_page_and_stores_nothing(client: Client) -> None:
    seminar = await open_seminar()
    await make_submitter(seminar, "广州市", email="guangzhou@example.org")
    await client.login("guangzhou@example.org")
    paper = await create_paper(client, seminar)

    response = await upload(client, seminar, paper, "论文.docx", b"MZ\x90\x00" + b"\0" * 100)

    assert response.status_code == 400
    # At the top of the page, where the reloaded page is read first (after the draft's own message).
    assert "文件内容与扩展名 .docx 不符" in flashes(response)[-1]
    assert response.text.index('class="flash flash-error"') < response.text.index("<h1>")
    assert await Manuscript.all().count() == 0 and await Blob.all().count() == 0


async def test_over_limit_upload_is_refused(client: Client, app) -> None:  # type: ignore[no-untyped-def]
    app.state.settings = replace(app.state.settings, upload_max_bytes=1024 * 1024 // 100)
    seminar = await open_seminar()
    await make_submitter(seminar, "广州市", email="guangzhou@example.org")
    await client.login("guangzhou@example.org")
    paper = await create_paper(client, seminar)

    response = await upload(client, seminar, paper, "论文.docx", make_docx("很长的正文。" * 3000))

    assert response.status_code == 400 and "文件大于" in response.text
    assert await Manuscript.all().count() == 0


async def test_organizer_sees_all_papers_and_the_city_topic_table(client: Client) -> None:
    seminar = await open_seminar()
    await make_organizer(seminar)
    await make_unit("广州市", UnitKind.CITY, sort_order=1)
    await make_unit("深圳市", UnitKind.CITY, sort_order=2)
    await make_unit("珠海市", UnitKind.CITY, sort_order=3)
    await make_paper(seminar, "深圳市", title="深圳篇一", status="submitted")
    await make_paper(seminar, "深圳市", title="深圳篇二", status="submitted")
    await make_paper(seminar, "广州市", title="广州草稿")
    await client.login("organizer@example.org")

    page = await client.get(f"/{seminar.slug}/manage/papers")
    filtered = await client.get(f"/{seminar.slug}/manage/papers?status=draft")

    assert page.status_code == 200
    assert page.text.index("<th scope=\"row\">广州市</th>") < page.text.index("<th scope=\"row\">深圳市</th>") < page.text.index("<th scope=\"row\">珠海市</th>")
    shenzhen_row = page.text.split('<th scope="row">深圳市</th>')[1].split("</tr>")[0]
    assert '<td class="number">2</td>' in shenzhen_row
    assert "深圳篇一" in page.text and "广州草稿" in page.text
    assert "广州草稿" in filtered.text and "深圳篇一" not in filtered.text


async def test_revised_submitted_paper_is_submitted_again_with_a_new_receipt(client: Client) -> None:
    from seminar.mail.models import OutboxMail

    seminar = await open_seminar()
    await make_submitter(seminar, "广州市", email="guangzhou@example.org")
    paper = await make_paper(seminar, "广州市", status="submitted")
    await client.login("guangzhou@example.org")

    await upload(client, seminar, paper, "修改稿.docx", make_docx("修改后的正文。"))
    page = await client.get(f"/{seminar.slug}/papers/{paper.number}")
    await client.post_form(f"/{seminar.slug}/papers/{paper.number}/submit")
    again = await client.post_form(f"/{seminar.slug}/papers/{paper.number}/submit")

    assert "报送修改后的论文" in page.text
    subjects = await OutboxMail.all().values_list("subject", flat=True)
    assert subjects and set(subjects) == {f"回执：论文#{paper.number}已重新报送"}
    assert "该论文已报送，此后未作修改。" in flashes(await client.get(again.headers["location"]))


async def test_author_name_in_document_properties_is_flagged_for_blind_review(client: Client) -> None:
    seminar = await open_seminar()
    await make_submitter(seminar, "广州市", email="guangzhou@example.org")
    await client.login("guangzhou@example.org")
    paper = await create_paper(client, seminar)

    response = await upload(client, seminar, paper, "论文.docx", make_docx(author="王小明"))
    page = await client.get(response.headers["location"])

    assert any("文档属性中的作者为“王小明”" in message for message in flashes(page))
    assert page.text.count("文档属性中的作者为“王小明”") == 1  # said once, not by a flash and the page both
    manuscript = await Manuscript.get(paper_id=paper.id)
    assert manuscript.author_in_properties == "王小明"
    # Still said on the next visit, until a version without the name replaces it.
    assert "文档属性中的作者为“王小明”" in (await client.get(response.headers["location"])).text
    await upload(client, seminar, paper, "论文.docx", make_docx())
    assert "文档属性中的作者" not in (await client.get(response.headers["location"])).text


async def test_submitter_finds_my_papers_in_the_seminar_navigation(client: Client) -> None:
    seminar = await open_seminar()
    await make_submitter(seminar, "广州市", email="guangzhou@example.org")
    await make_paper(seminar, "广州市", title="广州的论文")
    await client.login("guangzhou@example.org")

    listing = await client.get(f"/{seminar.slug}/papers/")

    assert f'<a href="http://testserver/{seminar.slug}/papers/">我的论文</a>' in listing.text
    assert "广州的论文" in listing.text and "草稿" in listing.text


async def _manuscript(paper: Paper, version: int, content: bytes, kind: str = "docx") -> None:
    blob, _created = await Blob.get_or_create(
        sha256=hashlib.sha256(content).hexdigest(), defaults={"size": len(content), "content": content}
    )
    await Manuscript.create(paper=paper, version=version, blob=blob, original_filename=f"v{version}.{kind}",
                            content_type="application/octet-stream", kind=kind, word_count=4321)


async def _three_cities_of_papers(seminar: Seminar) -> dict[str, Paper]:
    await make_unit("广州市", UnitKind.CITY, sort_order=1)
    await make_unit("深圳市", UnitKind.CITY, sort_order=2)
    return {
        "shenzhen": await make_paper(seminar, "深圳市", title="=HYPERLINK(\"http://evil.example\")", status="submitted"),
        "guangzhou": await make_paper(seminar, "广州市", title="综治中心提档升级", status="submitted"),
        "draft": await make_paper(seminar, "广州市", title="广州草稿"),
    }


async def test_organizer_exports_the_filtered_list_as_xlsx(client: Client) -> None:
    seminar = await open_seminar()
    await make_organizer(seminar)
    papers = await _three_cities_of_papers(seminar)
    await _manuscript(papers["guangzhou"], 2, make_docx())
    await client.login("organizer@example.org")

    page = await client.get(f"/{seminar.slug}/manage/papers?status=submitted")
    everything = await client.get(f"/{seminar.slug}/manage/papers.xlsx")
    submitted = await client.get(f"/{seminar.slug}/manage/papers.xlsx?status=submitted")

    assert f'/{seminar.slug}/manage/papers.xlsx?status=submitted"' in page.text
    assert everything.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "attachment" in everything.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(everything.content)).worksheets[0]
    assert sheet["A1"].value == seminar.title
    assert [c.value for c in sheet[2]][:5] == ["序号", "编号", "城市", "专题", "题目"]
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=3)]
    # Official city order (广州 before 深圳), then the number.
    assert [(r[0], r[2], r[4]) for r in rows] == [
        (1, "广州市", "综治中心提档升级"), (2, "广州市", "广州草稿"), (3, "深圳市", '=HYPERLINK("http://evil.example")'),
    ]
    assert rows[0][9] == "13800138000" and sheet["J3"].number_format == "@"
    assert rows[0][12] == 4321  # the latest version's word count
    assert sheet["E5"].data_type == "s" and sheet["E5"].quotePrefix
    assert [r[2] for r in sheet.iter_rows(min_row=3, values_only=True)] == ["广州市", "广州市", "深圳市"]
    assert "广州草稿" not in [r[4] for r in load_workbook(io.BytesIO(submitted.content)).worksheets[0].iter_rows(min_row=3, values_only=True)]


async def test_organizer_downloads_all_submitted_manuscripts_as_one_zip(client: Client) -> None:
    seminar = await open_seminar()
    await make_organizer(seminar)
    papers = await _three_cities_of_papers(seminar)
    # Generated once: a .docx regenerated later carries another timestamp inside its zip.
    latest = make_docx(text="第二稿：根据评审意见修改后的正文。")
    await _manuscript(papers["guangzhou"], 2, latest)
    await client.login("organizer@example.org")

    response = await client.get(f"/{seminar.slug}/manage/papers.zip")
    only_shenzhen = await client.get(f"/{seminar.slug}/manage/papers.zip?city={papers['shenzhen'].city_id}")

    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = archive.namelist()
        assert names == [
            "广州市-完成政治任务-综治中心提档升级-陈静.docx",
            "深圳市-完成政治任务-=HYPERLINK(＂http：／／evil.example＂)-陈静.txt",
        ]
        assert archive.read(names[0]) == latest  # the latest version, not the first
        assert all(info.flag_bits & 0x800 for info in archive.infolist())
    with zipfile.ZipFile(io.BytesIO(only_shenzhen.content)) as archive:
        assert [name[:3] for name in archive.namelist()] == ["深圳市"]


async def test_zip_of_a_list_without_submitted_manuscripts_says_so(client: Client) -> None:
    seminar = await open_seminar()
    await make_organizer(seminar)
    await make_paper(seminar, "广州市", title="广州草稿")
    await client.login("organizer@example.org")

    response = await client.get(f"/{seminar.slug}/manage/papers.zip")
    page = await client.get(response.headers["location"])

    assert response.status_code == 303
    assert "此列表中没有已提交且附有稿件的论文。" in flashes(page)


async def test_city_submitter_gets_neither_the_export_nor_the_zip(client: Client) -> None:
    seminar = await open_seminar()
    await make_submitter(seminar, "广州市", email="guangzhou@example.org")
    await make_paper(seminar, "广州市", status="submitted")
    await client.login("guangzhou@example.org")

    for path in ("manage/papers.xlsx", "manage/papers.zip"):
        assert (await client.get(f"/{seminar.slug}/{path}")).status_code == 404
