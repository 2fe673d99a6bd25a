from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import replace

import pytest
from tortoise.transactions import in_transaction

from seminar.config import Settings
from seminar.db import is_postgres
from seminar.mail import worker
from seminar.mail.actions import STALE_CLAIM
from seminar.mail.models import MailAttempt, MailStatus, OutboxMail
from tests.conftest import SmtpServer, _free_port
from tests.factories import make_mail
from tests.patience import patience


async def test_send_pending_delivers_queued_mail_with_chinese_name_subject_and_both_parts(
    smtp_settings: Settings, smtp_server: SmtpServer
) -> None:
    mail = await make_mail(to_address="wangfang@example.org", to_name="王芳")

    sent = await worker.send_pending(smtp_settings, "worker-a")

    assert sent == 1
    [message] = smtp_server.messages
    assert message["To"].addresses[0].display_name == "王芳"
    assert message["To"].addresses[0].addr_spec == "wangfang@example.org"
    assert message["Subject"] == mail.subject
    assert message["Message-ID"] == mail.message_id
    assert message.get_body(("plain",)).get_content().startswith("王芳")
    assert "王芳" in message.get_body(("html",)).get_content()
    await mail.refresh_from_db()
    assert mail.status == MailStatus.SENT
    assert mail.sent_at is not None
    assert mail.attempts == 1
    assert await MailAttempt.filter(mail_id=mail.id).values_list("worker", "error") == [("worker-a", "")]


async def test_mail_refused_once_is_retried_and_delivered_exactly_once(
    smtp_settings: Settings, smtp_server: SmtpServer
) -> None:
    mail = await make_mail()
    smtp_server.fail_next = 1

    first = await worker.send_pending(smtp_settings, "worker-a")
    await mail.refresh_from_db()
    after_failure = (mail.status, mail.attempts, mail.last_error)
    second = await worker.send_pending(smtp_settings, "worker-a")
    third = await worker.send_pending(smtp_settings, "worker-a")

    assert (first, second, third) == (0, 1, 0)
    assert after_failure == (MailStatus.PENDING, 1, "451 4.3.0 Try again later")
    assert len(smtp_server.messages) == 1
    await mail.refresh_from_db()
    assert (mail.status, mail.attempts, mail.last_error) == (MailStatus.SENT, 2, "")
    errors = await MailAttempt.filter(mail_id=mail.id).order_by("id").values_list("error", flat=True)
    assert errors == ["451 4.3.0 Try again later", ""]


async def test_failed_mail_waits_for_its_retry_delay(smtp_settings: Settings, smtp_server: SmtpServer) -> None:
    settings = replace(smtp_settings, mail_retry_delays=(3600,))
    mail = await make_mail()
    smtp_server.fail_next = 1

    await worker.send_pending(settings, "worker-a")
    again = await worker.send_pending(settings, "worker-a")

    assert again == 0
    await mail.refresh_from_db()
    assert mail.status == MailStatus.PENDING
    assert mail.next_attempt_at > dt.datetime.now(dt.UTC) + dt.timedelta(minutes=59)


async def test_mail_waits_while_smtp_server_is_down_and_is_delivered_once_it_is_back(
    smtp_settings: Settings, smtp_server: SmtpServer
) -> None:
    down = replace(smtp_settings, smtp_port=_free_port())  # nothing listens there
    mail = await make_mail()

    while_down = await worker.send_pending(down, "worker-a")
    await mail.refresh_from_db()
    status_while_down = mail.status
    back = await worker.send_pending(smtp_settings, "worker-a")

    assert (while_down, back) == (0, 1)
    assert status_while_down == MailStatus.PENDING
    assert "SMTPConnectError" in mail.last_error
    assert len(smtp_server.messages) == 1
    await mail.refresh_from_db()
    assert mail.status == MailStatus.SENT


async def test_mail_is_failed_after_the_last_retry(smtp_settings: Settings, smtp_server: SmtpServer) -> None:
    mail = await make_mail()
    smtp_server.fail_next = 10

    for _round in range(len(smtp_settings.mail_retry_delays) + 2):
        await worker.send_pending(smtp_settings, "worker-a")

    await mail.refresh_from_db()
    assert mail.status == MailStatus.FAILED
    assert mail.attempts == len(smtp_settings.mail_retry_delays) + 1
    assert await MailAttempt.filter(mail_id=mail.id).count() == len(smtp_settings.mail_retry_delays) + 1
    assert smtp_server.messages == []


async def test_permanently_refused_mail_fails_at_once(smtp_settings: Settings, smtp_server: SmtpServer) -> None:
    async def refuse_rcpt(server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]
        return "550 5.1.1 No such user here"

    smtp_server.handle_RCPT = refuse_rcpt  # type: ignore[attr-defined]  # aiosmtpd looks handlers up by name
    mail = await make_mail(to_address="nobody@example.org")

    await worker.send_pending(smtp_settings, "worker-a")

    await mail.refresh_from_db()
    assert mail.status == MailStatus.FAILED
    assert mail.attempts == 1
    assert mail.last_error == "550 nobody@example.org: 5.1.1 No such user here"


async def test_two_workers_at_once_deliver_every_mail_exactly_once(
    smtp_settings: Settings, smtp_server: SmtpServer
) -> None:
    mails = [await make_mail(to_address=f"city{number:02d}@example.org") for number in range(12)]

    counts = await asyncio.gather(
        worker.send_pending(smtp_settings, "worker-a", batch_size=2),
        worker.send_pending(smtp_settings, "worker-b", batch_size=2),
    )

    assert sum(counts) == len(mails)
    delivered = sorted(message["To"].addresses[0].addr_spec for message in smtp_server.messages)
    assert delivered == sorted(mail.to_address for mail in mails)
    assert await OutboxMail.filter(status=MailStatus.SENT).count() == len(mails)
    assert await MailAttempt.all().count() == len(mails)


async def test_worker_skips_mail_another_worker_holds_locked(
    smtp_settings: Settings, smtp_server: SmtpServer
) -> None:
    """PostgreSQL only: without SKIP LOCKED the claim would wait for the lock and time out."""
    if not is_postgres(smtp_settings.database_url):
        pytest.skip("row locks need PostgreSQL; SQLite lets one writer at a time in")
    locked_mail = await make_mail(to_address="locked@example.org")
    free_mail = await make_mail(to_address="free@example.org")
    locked, release = asyncio.Event(), asyncio.Event()

    async def other_worker_claiming() -> None:
        async with in_transaction():
            await OutboxMail.filter(id=locked_mail.id).select_for_update()
            locked.set()
            await release.wait()

    holder = asyncio.create_task(other_worker_claiming())
    await locked.wait()
    try:
        sent = await asyncio.wait_for(worker.send_pending(smtp_settings, "worker-b"), timeout=patience(10))
    finally:
        release.set()
        await holder

    assert sent == 1
    assert [message["To"].addresses[0].addr_spec for message in smtp_server.messages] == ["free@example.org"]
    await locked_mail.refresh_from_db()
    await free_mail.refresh_from_db()
    assert (locked_mail.status, free_mail.status) == (MailStatus.PENDING, MailStatus.SENT)


async def test_without_smtp_mail_stays_pending(settings: Settings, smtp_server: SmtpServer) -> None:
    mail = await make_mail()

    sent = await worker.send_pending(settings, "worker-a")

    assert sent == 0
    await mail.refresh_from_db()
    assert (mail.status, mail.attempts) == (MailStatus.PENDING, 0)
    assert smtp_server.messages == []


async def test_mail_claimed_by_a_dead_worker_is_sent_again_after_the_stale_timeout(
    smtp_settings: Settings, smtp_server: SmtpServer
) -> None:
    stale = await make_mail(to_address="stale@example.org")
    fresh = await make_mail(to_address="fresh@example.org")
    long_ago = dt.datetime.now(dt.UTC) - STALE_CLAIM - dt.timedelta(minutes=1)
    await OutboxMail.filter(id=stale.id).update(status=MailStatus.SENDING, claimed_by="dead", claimed_at=long_ago)
    await OutboxMail.filter(id=fresh.id).update(
        status=MailStatus.SENDING, claimed_by="alive", claimed_at=dt.datetime.now(dt.UTC)
    )

    sent = await worker.send_pending(smtp_settings, "worker-a")

    assert sent == 1
    assert [message["To"].addresses[0].addr_spec for message in smtp_server.messages] == ["stale@example.org"]
    await fresh.refresh_from_db()
    assert fresh.status == MailStatus.SENDING  # still its live worker's
    errors = await MailAttempt.filter(mail_id=stale.id).order_by("id").values_list("error", flat=True)
    assert errors == ["claim by dead expired", ""]


async def test_run_forever_sends_mail_and_stops_when_told(smtp_settings: Settings, smtp_server: SmtpServer) -> None:
    settings = replace(smtp_settings, mail_poll_seconds=0.01)
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run_forever(settings, stop, "worker-a"))
    mail = await make_mail()

    for _tick in range(500):
        if smtp_server.messages:
            break
        await asyncio.sleep(0.01)
    stop.set()
    await asyncio.wait_for(task, timeout=patience(5))

    assert task.done() and task.exception() is None
    assert len(smtp_server.messages) == 1
    await mail.refresh_from_db()
    assert mail.status == MailStatus.SENT


async def test_run_forever_keeps_going_after_an_error(
    smtp_settings: Settings, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    rounds: list[str] = []

    async def flaky_round(settings: Settings, worker_name: str = "") -> int:
        rounds.append(worker_name)
        if len(rounds) == 1:
            raise ConnectionError("database went away")
        return 0

    monkeypatch.setattr(worker, "send_pending", flaky_round)
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run_forever(replace(smtp_settings, mail_poll_seconds=0.01), stop, "worker-a"))

    with caplog.at_level(logging.ERROR, logger="seminar.mail.worker"):
        for _tick in range(500):
            if len(rounds) >= 3:
                break
            await asyncio.sleep(0.01)
        stop.set()
        await asyncio.wait_for(task, timeout=patience(5))

    assert len(rounds) >= 3
    assert "sending round failed" in caplog.text
