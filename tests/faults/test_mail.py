"""The SMTP server down for a while, then back, with two mail workers in processes of their own:
every queued mail reaches its recipient exactly once — none lost, none twice.

The server is a real aiosmtpd on loopback, stopped and started again on the same port. The two
workers are the real worker loop, each in its own spawned process with its own database
connection, claiming rows as in production (`FOR UPDATE SKIP LOCKED` on PostgreSQL; on SQLite
one writer at a time, and the claim's `status = pending` guard).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiosmtpd.controller import Controller

from seminar.mail.models import MailAttempt, MailStatus, OutboxMail
from tests.conftest import SmtpServer
from tests.factories import make_mail
from tests.faults.network import free_port
from tests.faults.processes import mail_workers
from tests.patience import patience

WORKERS = ("worker-1", "worker-2")
# Recipient → how many mails each gets: before the outage, and queued while the server is down.
BEFORE = {"guangzhou@example.org": 3, "shenzhen@example.org": 2, "zhuhai@example.org": 4, "hengqin@example.org": 1}
DURING = {"guangzhou@example.org": 5, "foshan@example.org": 7, "zhuhai@example.org": 2, "shantou@example.org": 6}


@dataclass
class SlowSmtpServer(SmtpServer):
    async def handle_DATA(self, server, session, envelope) -> str:  # type: ignore[no-untyped-def]
        await asyncio.sleep(0.02)  # a moment per mail, as a real server takes: both workers hold claims at once
        return await super().handle_DATA(server, session, envelope)


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float, message: str) -> None:
    for _tick in range(int(timeout / 0.1)):
        if await check():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(message)


async def queue(recipients: dict[str, int]) -> list[OutboxMail]:
    return [await make_mail(to_address=address) for address, count in recipients.items() for _ in range(count)]


async def test_smtp_down_then_back_every_mail_is_delivered_exactly_once_by_two_worker_processes(database: str) -> None:
    smtp = SlowSmtpServer(host="127.0.0.1", port=free_port())
    server = Controller(smtp, hostname=smtp.host, port=smtp.port)
    server.start()
    try:
        with mail_workers(database, smtp.port, WORKERS):
            before = await queue(BEFORE)
            await eventually(
                lambda: _all_sent(before),
                patience(60), "the mail queued before the outage was not sent",
            )

            server.stop()  # the SMTP server goes away
            during = await queue(DURING)
            await eventually(lambda: _all_tried(during), patience(60), "the workers did not try the mail while the server was down")
            assert await OutboxMail.filter(id__in=[mail.id for mail in during], status=MailStatus.SENT).count() == 0

            server = Controller(smtp, hostname=smtp.host, port=smtp.port)  # back, on the same port
            server.start()
            await eventually(lambda: _all_sent(before + during), patience(60), "the mail queued during the outage was not sent")
    finally:
        server.stop()

    received = Counter(message["To"].addresses[0].addr_spec for message in smtp.messages)
    assert received == Counter(BEFORE) + Counter(DURING)
    message_ids = [message["Message-ID"] for message in smtp.messages]
    outbox_ids = await OutboxMail.all().values_list("message_id", flat=True)
    assert sorted(message_ids) == sorted(outbox_ids)  # every mail once: none lost, none twice
    mails = await OutboxMail.all()
    assert {mail.status for mail in mails} == {MailStatus.SENT}
    successes = await MailAttempt.filter(error="").values_list("mail_id", "worker")
    assert Counter(mail_id for mail_id, _worker in successes) == Counter({mail.id: 1 for mail in mails})
    assert {worker for _mail_id, worker in successes} == set(WORKERS)  # both workers shared the work
    failures = await MailAttempt.exclude(error="").values_list("mail_id", "error")
    assert {mail_id for mail_id, _error in failures} == {mail.id for mail in during}
    assert all("SMTPConnectError" in error for _mail_id, error in failures)


async def _all_sent(mails: list[OutboxMail]) -> bool:
    return await OutboxMail.filter(id__in=[mail.id for mail in mails], status=MailStatus.SENT).count() == len(mails)


async def _all_tried(mails: list[OutboxMail]) -> bool:
    ids = [mail.id for mail in mails]
    return await OutboxMail.filter(id__in=ids, attempts__gte=1, status=MailStatus.PENDING).count() == len(ids)
