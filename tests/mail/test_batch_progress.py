"""The page that queued many mails follows their sending, over HTTP, with the real mail worker and a real
SMTP server: "已发送 n/N" moves as the outbox delivers them, and failures are counted and said, while the
mail that failed stays in the outbox for its retry.

(Reminders to reviewers stand for every kind of batch here; the agenda's, the decisions', the
assignments' and the import's pages show theirs in their areas' tests.)
"""

from __future__ import annotations

import asyncio
from dataclasses import replace

import lxml.html

from seminar.config import Settings
from seminar.mail.models import MailBatch, MailStatus, OutboxMail
from seminar.mail.worker import send_pending
from seminar.reviews.actions import ensure_criteria
from seminar.seminars.models import Seminar
from tests.conftest import Client, SmtpServer
from tests.factories import make_assignment, make_organizer, make_paper, make_reviewer, make_seminar

PROGRESS = "/gd-2021/manage/reviews"


async def reviewers_with_outstanding_reviews(count: int) -> Seminar:
    seminar = await make_seminar()
    await make_organizer(seminar)
    await ensure_criteria(seminar)
    paper = await make_paper(seminar, status="submitted")
    for index in range(count):
        await make_assignment(paper, await make_reviewer(seminar, email=f"r{index}@example.org", name=f"专家{index}"))
    return seminar


def batch_region(html: str) -> lxml.html.HtmlElement:
    [region] = lxml.html.fromstring(html).xpath("//*[@id='mail-batch']")
    return region


async def remind(client: Client) -> tuple[str, str]:
    """Remind the reviewers as an organizer; the page it returns to and the batch's status address."""
    await client.login("organizer@example.org")
    response = await client.post_form(f"{PROGRESS}/remind")
    assert response.status_code == 303
    batch = await MailBatch.get()
    return (await client.get(response.headers["location"])).text, f"/gd-2021/manage/outbox/batches/{batch.id}/status"


async def test_the_reminders_page_follows_the_mails_as_the_worker_sends_them(
    smtp_client: Client, smtp_settings: Settings, smtp_server: SmtpServer
) -> None:
    await reviewers_with_outstanding_reviews(5)
    page, status = await remind(smtp_client)

    region = batch_region(page)
    [widget] = region.xpath(".//*[@data-progress-url]")
    assert region.xpath(".//h2")[0].text_content() == "给评审专家的提醒邮件"
    assert widget.get("data-progress-url") == f"http://testserver{status}"
    assert widget.xpath(".//*[@data-progress-text]")[0].text_content() == "等待发送进程 · 已发送 0/5"
    assert '<script src="http://testserver/static/js/progress.js" defer>' in page

    smtp_server.delay = 0.05  # a distant server: the worker takes a while over each mail
    worker = asyncio.create_task(send_pending(smtp_settings, "test-worker"))
    answers = []
    while not worker.done():
        answers.append((await smtp_client.get(status)).json())
        await asyncio.sleep(0.02)
    finished = (await smtp_client.get(status)).json()
    after = await smtp_client.get(PROGRESS)

    sent = [answer["value"] for answer in answers]
    assert sent == sorted(sent) and any(0 < number < 5 for number in sent), sent
    assert all(answer["maximum"] == 5 and not answer["finished"] for answer in answers if answer["value"] < 5)
    assert finished == {
        "stage": "已发送", "done": 5, "maximum": 5, "value": 5, "seconds_left": None, "text": "已发送 5/5",
        "finished": True, "failed": False, "url": f"{PROGRESS}#mail-batch",
    }
    assert len(smtp_server.messages) == 5
    region = batch_region(after.text)
    assert not region.xpath(".//*[@data-progress-url]")  # finished: nothing polls any more
    assert "已发送 5/5" in region.text_content()


async def test_mails_that_fail_are_counted_and_stay_in_the_outbox_for_their_retry(
    smtp_client: Client, smtp_settings: Settings, smtp_server: SmtpServer
) -> None:
    await reviewers_with_outstanding_reviews(3)
    _page, status = await remind(smtp_client)
    smtp_server.fail_next = 1

    await send_pending(smtp_settings, "test-worker")
    answer = (await smtp_client.get(status)).json()
    page = await smtp_client.get(PROGRESS)
    [link] = batch_region(page.text).xpath(".//a[text()='在发件箱中查看这些邮件']")
    listed = await smtp_client.get(link.get("href"))
    await send_pending(smtp_settings, "test-worker")  # the retry is due at once here (MAIL_RETRY_DELAYS 0)
    retried = (await smtp_client.get(status)).json()

    assert (answer["text"], answer["finished"], answer["failed"]) == (
        "已发送 2/3 · 1 封暂未发出，发件箱稍后会自动重试", True, True
    )
    assert "1 封暂未发出" in batch_region(page.text).text_content()
    assert "只列出" in listed.text and "给评审专家的提醒邮件" in listed.text
    assert sorted(lxml.html.fromstring(listed.text).xpath("//tbody//td[2]/text()")) == [
        f"专家{index} <r{index}@example.org>" for index in range(3)
    ]
    assert (retried["text"], retried["failed"]) == ("已发送 3/3", False)
    assert await OutboxMail.filter(status=MailStatus.SENT, attempts=2).count() == 1


async def test_a_mail_that_failed_every_try_asks_for_the_organizers_retry(
    smtp_client: Client, smtp_settings: Settings, smtp_server: SmtpServer
) -> None:
    await reviewers_with_outstanding_reviews(2)
    _page, status = await remind(smtp_client)
    smtp_server.fail_next = 1

    await send_pending(replace(smtp_settings, mail_retry_delays=()), "test-worker")
    answer = (await smtp_client.get(status)).json()

    assert answer["text"] == "已发送 1/2 · 1 封多次重试仍未发出，请在发件箱中重试"
    assert await OutboxMail.filter(status=MailStatus.FAILED).count() == 1


async def test_without_a_mail_server_the_page_says_so_and_does_not_poll(client: Client) -> None:
    await reviewers_with_outstanding_reviews(2)

    page, _status = await remind(client)

    region = batch_region(page)
    assert not region.xpath(".//*[@data-progress-url]")
    assert "未配置邮件服务器，邮件留在发件箱中等待 · 已发送 0/2" in region.text_content()


async def test_a_page_without_a_batch_has_no_region_and_no_script(client: Client) -> None:
    await reviewers_with_outstanding_reviews(1)
    await client.login("organizer@example.org")

    page = await client.get(PROGRESS)

    assert page.status_code == 200
    assert not lxml.html.fromstring(page.text).xpath("//*[@id='mail-batch']")
    assert "progress.js" not in page.text
