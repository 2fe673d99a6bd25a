"""How far the sending of a batch of mail has come, as its page's progress bar says it. Plain data.

A batch (`MailBatch`) is every mail one action queued: an agenda version's notices, reminders,
decision mails, an import's invitations. It is under way while any of its mails waits for its first
try; after that a mail that failed waits in the outbox for its retry as any other (or has been given
up), and the batch is done, with its failures said. Retrying a mail from the outbox starts it afresh
(`actions.retry_mail`), and its batch is under way again until that try.

    batch_progress(BatchCounts(total=50, sent=12, waiting=38), elapsed=6.0, smtp_configured=True).text
    # "正在发送 · 已发送 12/50 · 预计还需 19秒钟"
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from seminar.i18n import _, ngettext
from seminar.progress import Progress, estimate_seconds_left


class MailBatchKind(StrEnum):
    """What queued many mails at once; each kind is followed on the page its organizers return to."""

    AGENDA_RELEASE = "agenda_release"  # a published agenda version, to speakers and participants
    ASSIGNMENTS = "assignments"  # an applied proposal, one mail per reviewer
    REVIEW_REMINDERS = "review_reminders"
    DECISIONS = "decisions"
    INVITATIONS = "invitations"  # a people list imported from a spreadsheet
    BULK = "bulk"  # an organizer's own mail to a group of people (seminar.mail.bulk)


# Where each kind of batch is followed: the page its action returns to (the status route's "url").
PAGES = {
    MailBatchKind.AGENDA_RELEASE: "agenda:releases",
    MailBatchKind.ASSIGNMENTS: "reviews:assignments",
    MailBatchKind.REVIEW_REMINDERS: "reviews:progress",
    MailBatchKind.DECISIONS: "reviews:ranking",
    MailBatchKind.INVITATIONS: "accounts:people",
    MailBatchKind.BULK: "mail:bulk",
}
# The element of those pages that shows the batch and is replaced when it is done (progress.js).
REGION_ID = "mail-batch"


def kind_title(kind: str) -> str:
    titles = {
        MailBatchKind.AGENDA_RELEASE: _("Mail about the published agenda"),
        MailBatchKind.ASSIGNMENTS: _("Mail to the assigned reviewers"),
        MailBatchKind.REVIEW_REMINDERS: _("Reminders to reviewers"),
        MailBatchKind.DECISIONS: _("Decision mails"),
        MailBatchKind.INVITATIONS: _("Invitations of the imported people"),
        MailBatchKind.BULK: _("Mail to a group"),
    }
    return titles[MailBatchKind(kind)]


@dataclass(frozen=True)
class BatchCounts:
    """A batch's mails by where they stand."""

    total: int = 0
    sent: int = 0
    waiting: int = 0  # not tried yet, or being tried for the first time
    retrying: int = 0  # failed at least once; the outbox tries again later
    failed: int = 0  # failed every retry: given up until an organizer retries it
    discarded: int = 0

    @classmethod
    def of(cls, rows: Iterable[tuple[str, int, int]]) -> BatchCounts:
        """From (status, attempts, number of mails) rows, as the outbox groups them.

        >>> BatchCounts.of([("sent", 1, 3), ("pending", 0, 2), ("pending", 1, 1)])
        BatchCounts(total=6, sent=3, waiting=2, retrying=1, failed=0, discarded=0)
        """
        counts = dict.fromkeys(("sent", "waiting", "retrying", "failed", "discarded"), 0)
        for status, attempts, number in rows:  # statuses are `MailStatus` values
            if status in ("pending", "sending"):
                place = "retrying" if attempts else "waiting"
            else:
                place = status
            counts[place] += number
        return cls(total=sum(counts.values()), **counts)

    @property
    def unsent(self) -> int:
        """Mails that were tried and failed (waiting for their retry, or given up)."""
        return self.retrying + self.failed


def _failures(counts: BatchCounts) -> str:
    notes = []
    if counts.retrying:
        notes.append(ngettext("%(num)s mail could not be sent yet: the outbox tries it again later",
                              "%(num)s mails could not be sent yet: the outbox tries them again later", counts.retrying))
    if counts.failed:
        notes.append(ngettext("%(num)s mail failed every try: retry it from the outbox",
                              "%(num)s mails failed every try: retry them from the outbox", counts.failed))
    if counts.discarded:
        notes.append(ngettext("%(num)s discarded", "%(num)s discarded", counts.discarded))
    return _("; ").join(notes)


def batch_progress(counts: BatchCounts, elapsed: float, smtp_configured: bool) -> Progress:
    """The bar of a batch `elapsed` seconds after it was queued: sent of all, the time left at the rate
    of the mails tried so far, the failures; finished once every mail has had its first try."""
    sent = _("sent %(done)s of %(total)s", done=counts.sent, total=counts.total)
    note = _failures(counts)
    if not counts.waiting:
        return Progress(_("Sent"), done=counts.sent, total=counts.total, finished=True, failed=bool(counts.unsent),
                        outcome=" · ".join(part for part in (sent, note) if part), count_text=sent, note=note)
    if not smtp_configured:
        # Nothing moves until an administrator sets SMTP_HOST and restarts: no use polling.
        stage = _("No mail server is configured: the mails wait in the outbox")
        return Progress(stage, done=counts.sent, total=counts.total, finished=True, failed=True,
                        outcome=f"{stage} · {sent}", count_text=sent)
    tried = counts.total - counts.waiting
    return Progress(
        _("Sending") if tried else _("Waiting for the mail worker"),
        done=counts.sent,
        total=counts.total,
        seconds_left=estimate_seconds_left(elapsed, None, tried, counts.total),
        count_text=sent,
        note=note,
    )


# A finished batch whose mails all went out stays on its page this long, then gives way.
SHOWN_AFTER_SECONDS = 24 * 3600


def worth_showing(counts: BatchCounts, progress: Progress, age_seconds: float) -> bool:
    """Whether a batch queued `age_seconds` ago is still news on its page: under way, with mails not
    sent (they need an organizer's eye), or recent."""
    return not progress.finished or bool(counts.unsent or counts.waiting) or age_seconds < SHOWN_AFTER_SECONDS
