"""Everything that changes an outbox row: claiming, recording a delivery, retry, discard, send now.

The claim protocol (used by the worker and by "send now" alike):

1. In one transaction, select due PENDING rows `FOR UPDATE SKIP LOCKED` (PostgreSQL: rows
   another worker is claiming are skipped, not waited for; SQLite ignores the clause but lets
   one writer at a time in), and flip them to SENDING with an UPDATE that repeats
   `status = pending`, so a row somebody else claimed first is never claimed twice.
2. Commit, then talk to the SMTP server outside any transaction.
3. Record the outcome: SENT, or back to PENDING with a later `next_attempt_at`, or FAILED.
"""

from __future__ import annotations

import datetime as dt
import logging
from urllib.parse import urlsplit

from tortoise.transactions import in_transaction

from seminar.accounts.models import User
from seminar.config import Settings
from seminar.db import column
from seminar.errors import UserError
from seminar.i18n import _
from seminar.mail import sender
from seminar.i18n import LOCALES
from seminar.mail.kinds import MailKind
from seminar.mail.models import MailAttempt, MailStatus, MailWording, OutboxMail
from seminar.mail.wording import check_template
from seminar.mail.outbox import queue_mail
from seminar.mail.schedule import next_attempt_at
from seminar.operations.metrics import MAIL_DELIVERIES

logger = logging.getLogger(__name__)

# A row SENDING for longer than this belongs to a worker that died mid-delivery. It must
# exceed the longest a live worker holds a claim: one batch at SEND_TIMEOUT_SECONDS a mail.
STALE_CLAIM = dt.timedelta(minutes=30)
BATCH_SIZE = 10
assert BATCH_SIZE * sender.SEND_TIMEOUT_SECONDS < STALE_CLAIM.total_seconds(), "a live claim would look stale"

ACTIONABLE = (MailStatus.PENDING, MailStatus.FAILED)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def release_stale_claims(worker_name: str) -> int:
    """Put mail whose worker vanished while sending back in the queue; returns how many.

    At-least-once edge: the dead worker may have handed the message to the SMTP server just
    before it died, so this mail can be delivered twice. It carries the same Message-ID both
    times, which lets mail clients and servers recognise the copy. Never sending it again
    would lose mail instead, which the outbox exists to prevent.
    """
    cutoff = _now() - STALE_CLAIM
    async with in_transaction():
        stale = await OutboxMail.filter(status=MailStatus.SENDING, claimed_at__lt=cutoff).select_for_update(
            skip_locked=True
        )
        if not stale:
            return 0
        await OutboxMail.filter(id__in=[mail.id for mail in stale], status=MailStatus.SENDING).update(
            status=MailStatus.PENDING, claimed_by="", claimed_at=None  # still due: it was when claimed
        )
        await MailAttempt.bulk_create(
            [
                MailAttempt(mail_id=mail.id, worker=worker_name, error=f"claim by {mail.claimed_by} expired")
                for mail in stale
            ]
        )
    logger.warning("mail: released %d stale claims", len(stale))
    return len(stale)


async def claim_due_mails(
    worker_name: str, due_before: dt.datetime, limit: int = BATCH_SIZE, mail_id: int | None = None
) -> list[OutboxMail]:
    """Claim up to `limit` PENDING mails due before `due_before` (or just `mail_id`) for `worker_name`."""
    now = _now()
    async with in_transaction():
        due = OutboxMail.filter(status=MailStatus.PENDING, next_attempt_at__lt=due_before)
        if mail_id is not None:
            due = due.filter(id=mail_id)
        candidates = await due.select_for_update(skip_locked=True).order_by("next_attempt_at", "id").limit(limit)
        if not candidates:
            return []
        ids = [mail.id for mail in candidates]
        claimed = await OutboxMail.filter(id__in=ids, status=MailStatus.PENDING).update(
            status=MailStatus.SENDING, claimed_by=worker_name, claimed_at=now
        )
        if claimed != len(ids):  # only where the database did not lock: keep what we really got
            ids = await column(
                OutboxMail.filter(id__in=ids, status=MailStatus.SENDING, claimed_by=worker_name), "id"
            )
    mails = [mail for mail in candidates if mail.id in ids]
    for mail in mails:
        mail.status, mail.claimed_by, mail.claimed_at = MailStatus.SENDING, worker_name, now
    return mails


async def deliver(settings: Settings, mail: OutboxMail, worker_name: str) -> bool:
    """Send one claimed mail and record the outcome; True when the SMTP server accepted it.

    Never raises for a failed delivery: whatever went wrong is written to the attempt log.
    """
    assert mail.status == MailStatus.SENDING and mail.claimed_by == worker_name, "claim the mail first"
    try:
        await sender.send_message(sender.build_message(mail, settings), settings)
    except Exception as error:  # noqa: BLE001  # every failure is recorded on the mail and retried
        failure = sender.describe_failure(error)
        gave_up = await _record_failure(settings, mail, worker_name, failure) == MailStatus.FAILED
        MAIL_DELIVERIES.labels("failed" if gave_up else "retry").inc()
        # The SMTP server's reply may quote the address: the log line masks it.
        logger.warning(
            "mail %s (%s) not sent, attempt %d%s: %s", mail.id, mail.template, mail.attempts,
            ", given up" if gave_up else "", failure.error,
        )
        return False
    now = _now()
    async with in_transaction():
        await MailAttempt.create(mail_id=mail.id, worker=worker_name)
        await OutboxMail.filter(id=mail.id).update(
            status=MailStatus.SENT, sent_at=now, attempts=mail.attempts + 1, last_error="", claimed_at=None
        )
    mail.status, mail.sent_at, mail.attempts = MailStatus.SENT, now, mail.attempts + 1
    MAIL_DELIVERIES.labels("sent").inc()
    logger.info("mail %s (%s) sent, attempt %d", mail.id, mail.template, mail.attempts)
    return True


async def _record_failure(
    settings: Settings, mail: OutboxMail, worker_name: str, failure: sender.SendFailure
) -> MailStatus:
    """The mail back in the queue (PENDING) or given up (FAILED); returns which."""
    attempts = mail.attempts + 1
    retry_at = next_attempt_at(attempts, settings.mail_retry_delays, _now(), failure.permanent)
    status = MailStatus.PENDING if retry_at is not None else MailStatus.FAILED
    async with in_transaction():
        await MailAttempt.create(mail_id=mail.id, worker=worker_name, error=failure.error)
        await OutboxMail.filter(id=mail.id, status=MailStatus.SENDING, claimed_by=worker_name).update(
            status=status,
            attempts=attempts,
            last_error=failure.error,
            next_attempt_at=retry_at or _now(),
            claimed_by="",
            claimed_at=None,
        )
    mail.status, mail.attempts, mail.last_error = status, attempts, failure.error
    return status


async def _requeue(mail: OutboxMail) -> bool:
    return bool(
        await OutboxMail.filter(id=mail.id, status__in=ACTIONABLE).update(
            status=MailStatus.PENDING, next_attempt_at=_now(), attempts=0
        )
    )


async def retry_mail(mail: OutboxMail) -> None:
    """Pending or failed mail goes (back) to the queue, due now, with a fresh retry schedule."""
    if not await _requeue(mail):
        raise UserError(_("Only pending or failed mail can be retried."))


async def discard_mail(mail: OutboxMail) -> None:
    """The mail will not be sent; it stays in the outbox, marked discarded."""
    changed = await OutboxMail.filter(id=mail.id, status__in=ACTIONABLE).update(status=MailStatus.DISCARDED)
    if not changed:
        raise UserError(_("Only pending or failed mail can be discarded."))


async def send_mail_now(settings: Settings, mail: OutboxMail, worker_name: str) -> OutboxMail:
    """Deliver one pending or failed mail at once, through the same claim as the worker.

    Returns the mail with its new status (SENT, or PENDING/FAILED with `last_error`).
    """
    if not settings.smtp_configured:
        raise UserError(_("No SMTP server is configured, so mail cannot be sent."))
    requeued = await _requeue(mail)
    claimed = await claim_due_mails(worker_name, due_before=_now(), limit=1, mail_id=mail.id) if requeued else []
    if not claimed:
        if mail.status == MailStatus.SENDING or requeued:
            raise UserError(_("A mail worker is sending this mail right now."))
        raise UserError(_("Only pending or failed mail can be sent."))
    await deliver(settings, claimed[0], worker_name)
    return claimed[0]


async def queue_test_message(settings: Settings, user: User, seminar_id: int | None, locale: str) -> OutboxMail:
    """A mail to `user` that proves the SMTP settings; shown in the outbox it was asked from."""
    return await queue_mail(
        template="test_message",
        to_address=user.email,
        to_name=user.name,
        locale=user.locale or locale,
        context={"base_url": settings.base_url, "smtp_host": settings.smtp_host},
        seminar_id=seminar_id,
        domain=message_id_domain(settings),
    )


def message_id_domain(settings: Settings) -> str:
    """The right-hand side of our Message-IDs: the site's host name."""
    return urlsplit(settings.base_url).hostname or "seminar.local"


# --- a seminar's own wording of its mails ------------------------------------------------------


async def save_wording(seminar_id: int, kind: MailKind, locale: str, subject: str, body: str) -> None:
    """Store the seminar's wording of `kind` in `locale`; refused (LetterError, UserError) with nothing saved
    when it uses a placeholder the kind does not have, has a stray brace, or lacks a subject or a text."""
    subject, body = " ".join(subject.split()), body.strip().replace("\r\n", "\n")
    if not kind.editable or locale not in LOCALES:
        raise UserError(_("This mail cannot be worded per seminar."))
    if not subject or not body:
        raise UserError(_("The mail needs a subject and a text."))
    check_template(subject, body, kind.names)
    async with in_transaction():
        await MailWording.update_or_create(
            seminar_id=seminar_id, kind=kind.key, locale=locale, defaults={"subject": subject, "body": body}
        )


async def reset_wording(seminar_id: int, kind: MailKind, locale: str) -> bool:
    """Back to the site's wording of `kind` in `locale`; False if the seminar had none of its own."""
    return bool(await MailWording.filter(seminar_id=seminar_id, kind=kind.key, locale=locale).delete())
