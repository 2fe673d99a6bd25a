"""How far a batch of mail has come, in the words and bar of its page (pure)."""

from __future__ import annotations

import pytest

from seminar.i18n import use_locale
from seminar.mail.batches import BatchCounts, batch_progress, worth_showing
from seminar.mail.models import MailStatus

DAY = 24 * 3600


def test_every_status_of_the_outbox_has_its_place_in_a_batch() -> None:
    rows = [(status.value, attempts, 1) for status in MailStatus for attempts in (0, 2)]

    counts = BatchCounts.of(rows)

    assert counts == BatchCounts(total=10, sent=2, waiting=2, retrying=2, failed=2, discarded=2)


@pytest.mark.parametrize(
    ("counts", "elapsed", "text", "finished", "failed"),
    [
        (BatchCounts(total=50, waiting=50), 2.0, "等待发送进程 · 已发送 0/50", False, False),
        # At the rate of the mails tried so far: 12 in 6 s, 38 to go.
        (BatchCounts(total=50, sent=12, waiting=38), 6.0, "发送中 · 已发送 12/50 · 预计还需 19秒钟", False, False),
        (BatchCounts(total=50, sent=10, retrying=2, waiting=38), 6.0,
         "发送中 · 已发送 10/50 · 预计还需 19秒钟 · 2 封暂未发出，发件箱稍后会自动重试", False, False),
        (BatchCounts(total=50, sent=50), 30.0, "已发送 50/50", True, False),
        (BatchCounts(total=50, sent=47, retrying=2, failed=1), 30.0,
         "已发送 47/50 · 2 封暂未发出，发件箱稍后会自动重试；1 封多次重试仍未发出，请在发件箱中重试", True, True),
        (BatchCounts(total=3, sent=2, discarded=1), 30.0, "已发送 2/3 · 1 封已丢弃", True, False),
    ],
)
def test_batch_progress_says_sent_of_all_the_time_left_and_the_failures(
    counts: BatchCounts, elapsed: float, text: str, finished: bool, failed: bool
) -> None:
    with use_locale("zh_Hans"):
        progress = batch_progress(counts, elapsed, smtp_configured=True)

        assert (progress.text, progress.finished, progress.failed) == (text, finished, failed)
        assert (progress.value, progress.maximum) == (counts.sent, counts.total)


def test_without_a_mail_server_the_batch_is_not_followed_but_says_why() -> None:
    """Nothing moves until an administrator sets SMTP_HOST: the page does not poll for it."""
    with use_locale("zh_Hans"):
        progress = batch_progress(BatchCounts(total=4, waiting=4), 2.0, smtp_configured=False)

        assert (progress.text, progress.finished, progress.failed) == (
            "未配置邮件服务器，邮件留在发件箱中等待 · 已发送 0/4", True, True
        )


def test_a_retried_mail_puts_its_batch_under_way_again() -> None:
    """Retrying from the outbox starts the mail's tries afresh (attempts 0): its batch waits for that try."""
    retried = BatchCounts.of([("sent", 1, 9), ("pending", 0, 1)])

    assert not batch_progress(retried, 3600.0, smtp_configured=True).finished


@pytest.mark.parametrize(
    ("counts", "age", "shown"),
    [
        (BatchCounts(total=5, waiting=5), 3 * DAY, True),  # under way
        (BatchCounts(total=5, sent=4, failed=1), 3 * DAY, True),  # a mail needs an organizer's eye
        (BatchCounts(total=5, sent=5), 3600, True),  # news of the day
        (BatchCounts(total=5, sent=5), 2 * DAY, False),  # old news
        (BatchCounts(total=5, sent=4, discarded=1), 2 * DAY, False),  # discarded on purpose
    ],
)
def test_a_batch_stays_on_its_page_while_it_is_news(counts: BatchCounts, age: float, shown: bool) -> None:
    assert worth_showing(counts, batch_progress(counts, age, smtp_configured=True), age) is shown
