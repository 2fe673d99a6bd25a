from __future__ import annotations

import pytest

from seminar.config import Settings
from seminar.errors import UserError
from seminar.mail import actions, worker
from seminar.mail.models import MailAttempt, MailStatus, OutboxMail
from tests.conftest import SmtpServer
from tests.factories import make_mail


async def fail_for_good(mail: OutboxMail) -> None:
    await OutboxMail.filter(id=mail.id).update(status=MailStatus.FAILED, attempts=4, last_error="451 later")
    await mail.refresh_from_db()


async def test_retry_makes_failed_mail_due_again_with_a_fresh_schedule(
    smtp_settings: Settings, smtp_server: SmtpServer
) -> None:
    mail = await make_mail()
    await fail_for_good(mail)

    await actions.retry_mail(mail)
    sent = await worker.send_pending(smtp_settings, "worker-a")

    assert sent == 1
    await mail.refresh_from_db()
    assert (mail.status, mail.attempts) == (MailStatus.SENT, 1)


@pytest.mark.parametrize("status", [MailStatus.SENT, MailStatus.SENDING, MailStatus.DISCARDED])
async def test_retry_and_discard_refuse_mail_that_is_not_pending_or_failed(status: MailStatus) -> None:
    mail = await make_mail()
    await OutboxMail.filter(id=mail.id).update(status=status)

    with pytest.raises(UserError):
        await actions.retry_mail(mail)
    with pytest.raises(UserError):
        await actions.discard_mail(mail)

    await mail.refresh_from_db()
    assert mail.status == status


async def test_discarded_mail_is_never_sent(smtp_settings: Settings, smtp_server: SmtpServer) -> None:
    mail = await make_mail()

    await actions.discard_mail(mail)
    sent = await worker.send_pending(smtp_settings, "worker-a")

    assert sent == 0
    assert smtp_server.messages == []
    await mail.refresh_from_db()
    assert mail.status == MailStatus.DISCARDED


async def test_send_now_delivers_one_mail_and_leaves_the_others(
    smtp_settings: Settings, smtp_server: SmtpServer
) -> None:
    chosen = await make_mail(to_address="chosen@example.org")
    other = await make_mail(to_address="other@example.org")

    result = await actions.send_mail_now(smtp_settings, chosen, "web-1")

    assert result.status == MailStatus.SENT
    assert [message["To"].addresses[0].addr_spec for message in smtp_server.messages] == ["chosen@example.org"]
    await other.refresh_from_db()
    assert other.status == MailStatus.PENDING
    assert await MailAttempt.filter(mail_id=chosen.id).values_list("worker", flat=True) == ["web-1"]


async def test_send_now_of_mail_already_sent_is_refused_and_sends_nothing(
    smtp_settings: Settings, smtp_server: SmtpServer
) -> None:
    mail = await make_mail()
    await worker.send_pending(smtp_settings, "worker-a")
    await mail.refresh_from_db()

    with pytest.raises(UserError):
        await actions.send_mail_now(smtp_settings, mail, "web-1")

    assert len(smtp_server.messages) == 1


async def test_send_now_without_smtp_is_refused_and_mail_stays_pending(settings: Settings) -> None:
    mail = await make_mail()

    with pytest.raises(UserError):
        await actions.send_mail_now(settings, mail, "web-1")

    await mail.refresh_from_db()
    assert mail.status == MailStatus.PENDING
