from __future__ import annotations

from urllib.parse import quote

import html
import re

import pytest

from seminar.accounts.models import User
from seminar.config import Settings
from seminar.mail import worker
from seminar.mail.models import MailAttempt, MailStatus, OutboxMail
from seminar.seminars.models import Seminar
from tests.conftest import Client, SmtpServer, counted_queries, flashes
from tests.factories import make_mail, make_organizer, make_seminar, make_submitter, make_user


async def make_admin() -> User:
    return await make_user(email="admin@example.org", name="系统管理员", is_admin=True)


def listed_recipients(page: str) -> list[str]:
    return re.findall(r"&lt;([^&]+)&gt;</td>", page)


async def two_seminars() -> tuple[Seminar, Seminar]:
    return await make_seminar(slug="gd-2021"), await make_seminar(slug="gd-2022", topics=1)


async def test_site_outbox_without_smtp_lists_pending_mail_under_a_banner(client: Client) -> None:
    await make_admin()
    await make_mail(to_address="wangfang@example.org")
    await client.login("admin@example.org")

    page = await client.get("/manage/outbox")

    assert page.status_code == 200
    assert "未配置 SMTP 服务器" in page.text
    assert "SMTP_HOST" in page.text
    assert listed_recipients(page.text) == ["wangfang@example.org"]
    assert '<span class="badge pending">待发送</span>' in page.text
    assert await OutboxMail.filter(status=MailStatus.PENDING).count() == 1


async def test_admin_header_links_to_the_outbox_and_organizer_header_does_not(client: Client) -> None:
    seminar = await make_seminar()
    await make_admin()
    await make_organizer(seminar)

    await client.login("admin@example.org")
    admin_page = await client.get("/")
    await client.logout()
    await client.login("organizer@example.org")
    organizer_page = await client.get("/")

    assert 'href="http://testserver/manage/outbox"' in admin_page.text
    assert 'href="http://testserver/manage/outbox"' not in organizer_page.text


async def test_seminar_outbox_shows_only_that_seminars_mail(client: Client) -> None:
    a, b = await two_seminars()
    await make_organizer(a)
    await make_mail(to_address="a@example.org", seminar=a)
    await make_mail(to_address="b@example.org", seminar=b)
    await make_mail(to_address="nobody@example.org")
    await client.login("organizer@example.org")

    page = await client.get("/gd-2021/manage/outbox")

    assert page.status_code == 200
    assert listed_recipients(page.text) == ["a@example.org"]


async def test_site_outbox_lists_every_mail_with_its_seminar(client: Client) -> None:
    a, b = await two_seminars()
    await make_admin()
    await make_mail(to_address="a@example.org", seminar=a)
    await make_mail(to_address="b@example.org", seminar=b)
    await client.login("admin@example.org")

    page = await client.get("/manage/outbox")

    assert listed_recipients(page.text) == ["b@example.org", "a@example.org"]
    assert page.text.count(a.title) >= 2


async def test_organizer_of_one_seminar_cannot_see_or_touch_anothers_mail(client: Client) -> None:
    a, b = await two_seminars()
    await make_organizer(a)
    theirs = await make_mail(to_address="b@example.org", seminar=b)
    await client.login("organizer@example.org")

    outbox = await client.get("/gd-2022/manage/outbox")
    detail = await client.get(f"/manage/outbox/{theirs.id}")
    posts = [await client.post_form(f"/manage/outbox/{theirs.id}/{action}") for action in ("retry", "discard", "send")]
    site = await client.get("/manage/outbox")

    assert outbox.status_code == 403
    assert detail.status_code == 404
    assert "b@example.org" not in detail.text
    assert [post.status_code for post in posts] == [404, 404, 404]
    assert site.status_code == 403
    await theirs.refresh_from_db()
    assert theirs.status == MailStatus.PENDING


async def test_mail_tied_to_no_seminar_is_for_administrators_only(client: Client) -> None:
    seminar = await make_seminar()
    await make_organizer(seminar)
    site_mail = await make_mail()
    await client.login("organizer@example.org")

    response = await client.get(f"/manage/outbox/{site_mail.id}")

    assert response.status_code == 404


@pytest.mark.parametrize("path", ["/manage/outbox", "/gd-2021/manage/outbox", "/manage/outbox/{mail_id}"])
async def test_anonymous_visitor_is_sent_to_log_in_and_back(client: Client, path: str) -> None:
    seminar = await make_seminar()
    mail = await make_mail(seminar=seminar)
    address = path.format(mail_id=mail.id)

    response = await client.get(address)

    assert response.status_code == 303
    assert response.headers["location"] == f"http://testserver/login?next={quote(address, safe='')}"
    assert mail.subject not in response.text


async def test_submitter_cannot_read_the_seminar_outbox(client: Client) -> None:
    seminar = await make_seminar()
    await make_submitter(seminar, email="guangzhou@example.org")
    mail = await make_mail(seminar=seminar)
    await client.login("guangzhou@example.org")

    outbox = await client.get("/gd-2021/manage/outbox")
    detail = await client.get(f"/manage/outbox/{mail.id}")

    assert (outbox.status_code, detail.status_code) == (403, 404)
    assert mail.subject not in outbox.text + detail.text


async def test_mail_detail_previews_text_html_and_attempt_log(
    client: Client, smtp_settings: Settings, smtp_server: SmtpServer
) -> None:
    seminar = await make_seminar()
    await make_organizer(seminar)
    mail = await make_mail(seminar=seminar)
    smtp_server.fail_next = 1
    await worker.send_pending(smtp_settings, "worker-a")
    await client.login("organizer@example.org")

    page = await client.get(f"/manage/outbox/{mail.id}")

    assert page.status_code == 200
    assert html.escape(mail.subject) in page.text
    text_part = re.search(r'<pre class="mail-text">(.*?)</pre>', page.text, re.S)
    assert text_part and html.unescape(text_part.group(1)) == mail.body_text
    iframe = re.search(r'<iframe class="mail-preview" sandbox="" srcdoc="([^"]*)"', page.text)
    assert iframe, "the HTML part is shown in a sandbox with no permissions"
    assert html.unescape(iframe.group(1)) == mail.body_html
    assert "<script" not in iframe.group(1)
    assert "451 4.3.0 Try again later" in page.text
    assert "worker-a" in page.text


async def test_failed_mail_can_be_retried_from_the_outbox_and_is_delivered_once(
    client: Client, smtp_settings: Settings, smtp_server: SmtpServer
) -> None:
    seminar = await make_seminar()
    await make_organizer(seminar)
    mail = await make_mail(seminar=seminar)
    smtp_server.fail_next = len(smtp_settings.mail_retry_delays) + 1
    for _round in range(len(smtp_settings.mail_retry_delays) + 1):
        await worker.send_pending(smtp_settings, "worker-a")
    await mail.refresh_from_db()
    assert mail.status == MailStatus.FAILED
    await client.login("organizer@example.org")

    response = await client.post_form(f"/manage/outbox/{mail.id}/retry")

    assert response.status_code == 303
    assert response.headers["location"] == f"http://testserver/manage/outbox/{mail.id}"
    page = await client.get(response.headers["location"])
    assert flashes(page) == ["邮件已重新排队，将很快发送。"]
    await mail.refresh_from_db()
    assert (mail.status, mail.attempts) == (MailStatus.PENDING, 0)
    assert await worker.send_pending(smtp_settings, "worker-a") == 1
    assert await worker.send_pending(smtp_settings, "worker-a") == 0
    assert len(smtp_server.messages) == 1


async def test_organizer_discards_mail_from_the_outbox(client: Client) -> None:
    seminar = await make_seminar()
    await make_organizer(seminar)
    mail = await make_mail(seminar=seminar)
    await client.login("organizer@example.org")

    response = await client.post_form(f"/manage/outbox/{mail.id}/discard")

    page = await client.get(response.headers["location"])
    assert flashes(page) == ["邮件已丢弃，不会发送。"]
    assert '<span class="badge discarded">已丢弃</span>' in page.text
    await mail.refresh_from_db()
    assert mail.status == MailStatus.DISCARDED


async def test_discarding_sent_mail_is_refused_with_a_message(client: Client) -> None:
    seminar = await make_seminar()
    await make_organizer(seminar)
    mail = await make_mail(seminar=seminar)
    await OutboxMail.filter(id=mail.id).update(status=MailStatus.SENT)
    await client.login("organizer@example.org")

    response = await client.post_form(f"/manage/outbox/{mail.id}/discard")

    page = await client.get(response.headers["location"])
    assert flashes(page) == ["只有待发送或发送失败的邮件可以丢弃。"]
    await mail.refresh_from_db()
    assert mail.status == MailStatus.SENT


async def test_send_now_delivers_the_mail_at_once(smtp_client: Client, smtp_server: SmtpServer) -> None:
    seminar = await make_seminar()
    await make_organizer(seminar)
    mail = await make_mail(seminar=seminar, to_address="wangfang@example.org")
    await smtp_client.login("organizer@example.org")

    response = await smtp_client.post_form(f"/manage/outbox/{mail.id}/send")

    page = await smtp_client.get(response.headers["location"])
    assert flashes(page) == ["邮件已发送。"]
    assert [message["Message-ID"] for message in smtp_server.messages] == [mail.message_id]
    await mail.refresh_from_db()
    assert mail.status == MailStatus.SENT
    assert "未配置 SMTP 服务器" not in page.text


async def test_send_now_reports_the_smtp_error(smtp_client: Client, smtp_server: SmtpServer) -> None:
    seminar = await make_seminar()
    await make_organizer(seminar)
    mail = await make_mail(seminar=seminar)
    smtp_server.fail_next = 1
    await smtp_client.login("organizer@example.org")

    response = await smtp_client.post_form(f"/manage/outbox/{mail.id}/send")

    page = await smtp_client.get(response.headers["location"])
    assert flashes(page) == ["邮件未能发送：451 4.3.0 Try again later"]
    await mail.refresh_from_db()
    assert (mail.status, mail.attempts) == (MailStatus.PENDING, 1)
    assert await MailAttempt.filter(mail_id=mail.id).count() == 1


async def test_admin_sends_a_test_message_to_themselves(smtp_client: Client, smtp_server: SmtpServer, smtp_settings: Settings) -> None:
    await make_admin()
    await smtp_client.login("admin@example.org")

    response = await smtp_client.post_form("/manage/outbox/test")
    await worker.send_pending(smtp_settings, "worker-a")

    mail = await OutboxMail.get(to_address="admin@example.org")
    assert response.headers["location"] == f"http://testserver/manage/outbox/{mail.id}"
    assert mail.seminar_id is None  # type: ignore[attr-defined]  # Tortoise adds the _id attribute
    [message] = smtp_server.messages
    assert message["To"].addresses[0].display_name == "系统管理员"
    assert "测试" in message["Subject"]
    assert smtp_settings.smtp_host in message.get_body(("plain",)).get_content()


async def test_organizer_test_message_lands_in_the_seminar_outbox(client: Client) -> None:
    seminar = await make_seminar()
    await make_organizer(seminar)
    await client.login("organizer@example.org")

    await client.post_form("/gd-2021/manage/outbox/test")
    page = await client.get("/gd-2021/manage/outbox")

    assert listed_recipients(page.text) == ["organizer@example.org"]


async def test_submitter_cannot_queue_a_test_message(client: Client) -> None:
    seminar = await make_seminar()
    await make_submitter(seminar, email="guangzhou@example.org")
    await client.login("guangzhou@example.org")

    response = await client.post_form("/gd-2021/manage/outbox/test")

    assert response.status_code == 403
    assert await OutboxMail.all().count() == 0


async def test_outbox_filters_by_status_and_searches_recipients(client: Client) -> None:
    await make_admin()
    await make_mail(to_address="zhangwei@example.org", to_name="张伟")
    failed = await make_mail(to_address="lina@example.org", to_name="李娜")
    await OutboxMail.filter(id=failed.id).update(status=MailStatus.FAILED)
    await client.login("admin@example.org")

    by_status = await client.get("/manage/outbox?status=failed")
    by_name = await client.get("/manage/outbox", params={"q": "张伟"})
    by_address = await client.get("/manage/outbox", params={"q": "LINA@"})
    nothing = await client.get("/manage/outbox", params={"q": "nobody"})

    assert listed_recipients(by_status.text) == ["lina@example.org"]
    assert listed_recipients(by_name.text) == ["zhangwei@example.org"]
    assert listed_recipients(by_address.text) == ["lina@example.org"]
    assert listed_recipients(nothing.text) == []
    assert "没有符合条件的邮件。" in nothing.text
    assert "发送失败 (1)" in by_status.text and "待发送 (1)" in by_status.text


async def test_outbox_is_paginated(client: Client) -> None:
    await make_admin()
    for number in range(51):
        await make_mail(to_address=f"user{number:02d}@example.org")
    await client.login("admin@example.org")

    first = await client.get("/manage/outbox")
    second = await client.get("/manage/outbox?page=2")

    assert len(listed_recipients(first.text)) == 50
    assert listed_recipients(second.text) == ["user00@example.org"]
    assert "第 2 / 2 页" in second.text


@pytest.mark.parametrize("asked", ["²", "٢", "-1", "abc"])
async def test_a_page_number_no_keyboard_digit_writes_shows_the_first_page(client: Client, asked: str) -> None:
    """`?page=²` passed `str.isdigit` and `int` refused it: a server error instead of the first page."""
    await make_admin()
    await make_mail(to_address="user00@example.org")
    await client.login("admin@example.org")

    page = await client.get("/manage/outbox", params={"page": asked})

    assert page.status_code == 200
    assert listed_recipients(page.text) == ["user00@example.org"]


async def test_outbox_list_query_count_does_not_grow_with_the_number_of_mails(client: Client) -> None:
    a, b = await two_seminars()
    await make_admin()
    await make_mail(seminar=a)
    await client.login("admin@example.org")
    with counted_queries() as one:
        await client.get("/manage/outbox")
    await make_mail(seminar=b)
    await make_mail()

    with counted_queries() as three:
        page = await client.get("/manage/outbox")

    assert len(listed_recipients(page.text)) == 3
    assert len(three) == len(one)
