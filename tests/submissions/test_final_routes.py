"""定稿 (final versions) through HTTP: the city sends one after a positive decision, the organizers accept
or return it, and the book prints the accepted one, else the version that was reviewed."""

from __future__ import annotations

import datetime as dt

from seminar.accounts.models import User
from seminar.config import Settings
from seminar.mail.models import OutboxMail
from seminar.mail.worker import send_pending
from seminar.proceedings.queries import book_spec
from seminar.seminars.models import Seminar
from seminar.submissions.models import FinalVersion, FinalVersionStatus, Manuscript, Paper
from tests.conftest import Client, SmtpServer, flashes, link_in
from tests.factories import (
    make_decision,
    make_organizer,
    make_paper,
    make_proceedings_build,
    make_review,
    make_reviewer,
    make_seminar,
    make_submitter,
)
from tests.submissions.documents import make_docx

NEXT_WEEK = dt.datetime.now(dt.UTC) + dt.timedelta(days=7)
YESTERDAY = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
TOLD = {"notified_at": dt.datetime.now(dt.UTC), "notified_outcome": "keynote"}


async def _printed_text(seminar: Seminar) -> list[str]:
    """The converted text of every paper the book's inputs hold, in book order."""
    spec = await book_spec(seminar)
    return [paper.body_html for topic in spec.topics for paper in topic.papers]


async def _upload(client: Client, paper: Paper, route: str, text: str) -> str:
    response = await client.post_form(
        f"/gd-2021/papers/{paper.number}/{route}", files={"manuscript": ("定稿.txt", text.encode(), "text/plain")}
    )
    return response.headers.get("location", "") if response.status_code == 303 else f"status {response.status_code}"


async def test_a_decided_paper_printed_in_a_published_book_keeps_its_manuscript_until_the_organizers_accept_a_final_version(
    client: Client,
) -> None:
    seminar = await make_seminar(submission_deadline=NEXT_WEEK)  # the submission window is still open
    await make_submitter(seminar, "广州市", email="guangzhou@example.org")
    organizer = await make_organizer(seminar)
    paper = await make_paper(seminar, "广州市", status="submitted")
    await make_decision(paper, "keynote", reviewed_version=1, **TOLD)
    await make_proceedings_build(seminar, manuscripts={str(paper.number): 1})
    await client.login("guangzhou@example.org")

    page = await client.get(f"/gd-2021/papers/{paper.number}")
    plain = await client.post_form(
        f"/gd-2021/papers/{paper.number}/upload", files={"manuscript": ("新稿.txt", "改写后的正文。".encode(), "text/plain")}
    )
    sent = await _upload(client, paper, "final", "定稿正文。")
    while_waiting = await _printed_text(seminar)
    await client.logout()
    await client.login(organizer.email)
    accepted = await client.post_form(f"/gd-2021/manage/final-versions/{paper.number}/2", {"action": "accept"})
    after = await _printed_text(seminar)

    assert f'action="http://testserver/gd-2021/papers/{paper.number}/final"' in page.text
    assert f'action="http://testserver/gd-2021/papers/{paper.number}/upload"' not in page.text
    assert plain.status_code == 400
    assert "组织方已对本论文作出决定，稿件不能再在此更换。收到采用通知后，请在本页提交定稿。" in flashes(plain)
    assert sent == f"http://testserver/gd-2021/papers/{paper.number}"
    assert await Manuscript.filter(paper_id=paper.id).count() == 2  # v1 reviewed, v2 the final version
    await paper.refresh_from_db()
    assert paper.submitted_version == paper.version  # not "changed since submitted": nothing to submit again
    assert while_waiting == ["<p>正文</p>"]
    assert accepted.status_code == 303
    assert after == ["<p>定稿正文。</p>"]
    assert await FinalVersion.filter(paper_id=paper.id).values_list("status", flat=True) == [FinalVersionStatus.ACCEPTED]


async def test_accepting_a_final_version_mails_the_uploader_and_the_contact_author_each_in_their_language(
    client: Client,
) -> None:
    seminar = await make_seminar()
    submitter = await make_submitter(seminar, "广州市", email="guangzhou@example.org")
    submitter.locale = "en"
    await submitter.save(update_fields=["locale"])
    clerk = await make_submitter(seminar, "广州市", email="clerk@example.org")
    clerk.locale = "zh_Hans"  # the account that entered the paper: its contact author's mail is in its language
    await clerk.save(update_fields=["locale"])
    organizer = await make_organizer(seminar)
    paper = await make_paper(seminar, "广州市", status="submitted", created_by=clerk)
    await make_decision(paper, "discussion", notified_at=dt.datetime.now(dt.UTC), notified_outcome="discussion")
    await client.login(submitter.email)
    await _upload(client, paper, "final", "定稿正文。")
    await client.logout()
    await client.login(organizer.email)

    response = await client.post_form(f"/gd-2021/manage/final-versions/{paper.number}/2", {"action": "accept"})

    assert flashes(await client.get(response.headers["location"])) == [f"论文#{paper.number}的第2版已接受为定稿，收入论文集。"]
    mails = {mail.to_address: mail.subject for mail in await OutboxMail.filter(template="submissions/final_version")}
    assert mails == {
        "guangzhou@example.org": f"Final version of paper #{paper.number} accepted",
        f"author{paper.id}@example.org": f"论文#{paper.number}定稿已接受",
    }


async def test_a_final_version_sent_mails_each_organizer_in_their_language_with_the_page_to_accept_it(
    client: Client, smtp_settings: Settings, smtp_server: SmtpServer
) -> None:
    seminar = await make_seminar(title="全省市域社会治理现代化研讨班")
    await make_submitter(seminar, "广州市", email="guangzhou@example.org")
    organizer = await make_organizer(seminar)
    english = await make_organizer(seminar, email="english@example.org")
    await User.filter(id=english.id).update(locale="en")
    paper = await make_paper(seminar, "广州市", status="submitted", title="网格化治理的广州实践")
    await make_decision(paper, "keynote", **TOLD)
    await client.login("guangzhou@example.org")

    sent = await _upload(client, paper, "final", "定稿正文。")
    delivered = await send_pending(smtp_settings, "test-worker")
    await client.logout()
    [chinese] = smtp_server.bodies_to(organizer.email)
    [in_english] = smtp_server.bodies_to(english.email)
    await client.login(organizer.email)
    opened = await client.get(link_in(chinese))

    assert sent == f"http://testserver/gd-2021/papers/{paper.number}"
    assert delivered == 2  # the organizers only: the city hears when its final version is accepted or returned
    subjects = {message["To"].addresses[0].addr_spec: message["Subject"] for message in smtp_server.messages}
    assert subjects == {
        organizer.email: f"论文#{paper.number}已提交定稿，待您审核",
        english.email: f"Paper #{paper.number} has a final version waiting for you",
    }
    assert (f"广州市已为“全省市域社会治理现代化研讨班”提交论文#{paper.number}“网格化治理的广州实践”的定稿（第2版）。"
            "在您接受之前，论文集仍收入评审时的版本。") in chinese
    assert "has sent version 2 of paper" in in_english
    assert link_in(chinese) == link_in(in_english) == "/gd-2021/manage/final-versions"
    assert f'action="http://testserver/gd-2021/manage/final-versions/{paper.number}/2"' in opened.text


async def test_a_refused_final_version_is_not_converted_the_city_reads_why(client: Client) -> None:
    seminar = await make_seminar()
    await make_submitter(seminar, "广州市", email="guangzhou@example.org")
    await make_organizer(seminar)
    paper = await make_paper(seminar, "广州市", status="submitted")
    await make_decision(paper, "keynote")  # decided, the city not told yet
    await client.login("guangzhou@example.org")

    response = await client.post_form(
        f"/gd-2021/papers/{paper.number}/final", files={"manuscript": ("定稿.docx", make_docx()[:3000], "application/octet-stream")}
    )

    shown = flashes(await client.get(response.headers["location"]))
    assert "收到组织方的采用通知后才能提交定稿。" in shown
    assert "该Word文档已损坏，无法读取。请用Word或WPS打开并重新保存后上传。" not in shown
    assert await OutboxMail.filter(to_address="organizer@example.org").count() == 0


async def test_a_final_version_is_returned_only_with_a_reason_which_the_city_reads(client: Client) -> None:
    seminar = await make_seminar()
    await make_submitter(seminar, "广州市", email="guangzhou@example.org")
    organizer = await make_organizer(seminar)
    paper = await make_paper(seminar, "广州市", status="submitted")
    await make_decision(paper, "keynote", **TOLD)
    await client.login("guangzhou@example.org")
    await _upload(client, paper, "final", "定稿正文。")
    await client.logout()
    await client.login(organizer.email)
    url = f"/gd-2021/manage/final-versions/{paper.number}/2"

    silent = await client.post_form(url, {"action": "return", "reason": "  "})
    silent_flashes = flashes(await client.get(silent.headers["location"]))
    returned = await client.post_form(url, {"action": "return", "reason": "请删去正文中的作者姓名"})
    returned_flashes = flashes(await client.get(returned.headers["location"]))
    again = await client.post_form(url, {"action": "accept"})
    again_flashes = flashes(await client.get(again.headers["location"]))
    await client.logout()
    await client.login("guangzhou@example.org")
    city_page = await client.get(f"/gd-2021/papers/{paper.number}")

    assert silent_flashes == ["请填写退回定稿的原因，报送地市会看到。"]
    assert returned_flashes == [f"论文#{paper.number}的第2版已退回报送地市。"]
    assert again_flashes == ["此定稿已不在待处理状态：已有人处理，或报送地市已提交更新的版本。"]
    assert await FinalVersion.filter(paper_id=paper.id).values_list("status", flat=True) == [FinalVersionStatus.RETURNED]
    assert "退回原因：请删去正文中的作者姓名" in city_page.text and "定稿，已退回" in city_page.text
    bodies = [mail.body_text for mail in await OutboxMail.filter(template="submissions/final_version")]
    assert bodies and all("退回原因： 请删去正文中的作者姓名" in body for body in bodies)
    assert await _printed_text(seminar) == ["<p>正文</p>"]


async def test_a_final_version_waits_for_the_decision_mail_and_ends_at_the_seminar_s_deadline(client: Client) -> None:
    seminar = await make_seminar(final_version_deadline=YESTERDAY)
    await make_submitter(seminar, "广州市", email="guangzhou@example.org")
    not_told = await make_paper(seminar, "广州市", status="submitted")
    await make_decision(not_told, "keynote")  # decided, mail not sent yet
    late = await make_paper(seminar, "广州市", status="submitted")
    await make_decision(late, "keynote", **TOLD)
    declined = await make_paper(seminar, "广州市", status="submitted")
    await make_decision(declined, "decline", notified_at=dt.datetime.now(dt.UTC), notified_outcome="decline")
    await client.login("guangzhou@example.org")

    shown = []
    for paper in (not_told, late, declined):
        page = await client.get(await _upload(client, paper, "final", "定稿正文。"))
        shown.append([message for message in flashes(page) if "定稿" in message])
    late_page = await client.get(f"/gd-2021/papers/{late.number}")

    told_first = "收到组织方的采用通知后才能提交定稿。"
    too_late = "定稿提交截止时间已过。如论文仍需修改，请联系组织方。"
    assert shown == [[told_first], [too_late, too_late], [told_first]]  # the late page also says why it has no form
    assert await FinalVersion.all().count() == 0
    assert "定稿提交截止时间已过。" in late_page.text and 'action="http://testserver/gd-2021/papers/2/final"' not in late_page.text


async def test_a_newer_final_version_supersedes_the_one_waiting_and_the_organizers_list_shows_the_newest(
    client: Client,
) -> None:
    seminar = await make_seminar()
    await make_submitter(seminar, "广州市", email="guangzhou@example.org")
    organizer = await make_organizer(seminar)
    sent = await make_paper(seminar, "广州市", status="submitted")
    await make_decision(sent, "keynote", **TOLD)
    silent = await make_paper(seminar, "广州市", title="深化矛盾纠纷多元化解", status="submitted")
    await make_decision(silent, "proceedings", notified_at=dt.datetime.now(dt.UTC), notified_outcome="proceedings")
    await client.login("guangzhou@example.org")
    await _upload(client, sent, "final", "第一次定稿。")
    await _upload(client, sent, "final", "第二次定稿。")
    await client.logout()
    await client.login(organizer.email)

    page = await client.get("/gd-2021/manage/final-versions")

    statuses = await FinalVersion.filter(paper_id=sent.id).order_by("id").values_list("status", flat=True)
    assert statuses == [FinalVersionStatus.SUPERSEDED, FinalVersionStatus.PENDING]
    assert page.status_code == 200
    assert f'action="http://testserver/gd-2021/manage/final-versions/{sent.number}/3"' in page.text
    assert f'action="http://testserver/gd-2021/manage/final-versions/{sent.number}/2"' not in page.text
    assert f"#{silent.number} 深化矛盾纠纷多元化解</a>" in page.text  # accepted, no final version yet


async def test_the_published_book_s_paper_page_keeps_the_printed_version_and_organizers_see_it_is_outdated(
    client: Client,
) -> None:
    seminar = await make_seminar(proceedings_public=True)
    await make_submitter(seminar, "广州市", email="guangzhou@example.org")
    organizer = await make_organizer(seminar)
    paper = await make_paper(seminar, "广州市", status="submitted")
    await make_decision(paper, "keynote", reviewed_version=1, **TOLD)
    book = await make_proceedings_build(seminar, manuscripts={str(paper.number): 1})
    await client.login("guangzhou@example.org")
    await _upload(client, paper, "final", "定稿正文。")
    await client.logout()
    await client.login(organizer.email)
    await client.post_form(f"/gd-2021/manage/final-versions/{paper.number}/2", {"action": "accept"})
    await client.logout()

    public_page = await client.get(f"/gd-2021/proceedings/papers/{paper.number}")
    await client.login(organizer.email)
    manage_page = await client.get("/gd-2021/manage/proceedings")

    assert '<div class="paper-body"><p>正文</p></div>' in public_page.text
    assert "定稿正文" not in public_page.text
    assert f"第 {book.id} 号生成版本" in manage_page.text and "收录的是第1版；论文集现应收录第2版" in manage_page.text


async def test_reviewers_keep_the_version_they_reviewed_after_a_final_version_arrives(client: Client) -> None:
    seminar = await make_seminar()
    reviewer = await make_reviewer(seminar)
    paper = await make_paper(seminar, "广州市", status="submitted")
    await make_review(paper, reviewer, status="draft")
    await make_decision(paper, "keynote", **TOLD)
    final = await Manuscript.create(paper=paper, version=2, blob_id="0" * 64, original_filename="定稿.txt",
                                    content_type="text/plain", kind="txt", html="<p>定稿正文</p>")
    await FinalVersion.create(manuscript=final, paper=paper)
    await client.login(reviewer.email)

    page = await client.get(f"/gd-2021/reviews/{paper.number}")

    assert page.status_code == 200
    assert "<p>正文</p>" in page.text and "定稿正文" not in page.text
