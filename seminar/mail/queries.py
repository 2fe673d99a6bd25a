"""Reading the outbox for its pages: a fixed number of queries however many mails are listed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.exceptions import HTTPException
from tortoise.expressions import Q
from tortoise.functions import Count
from tortoise.queryset import QuerySet

from seminar.mail.models import MailAttempt, MailStatus, OutboxMail
from seminar.pagination import paginate

if TYPE_CHECKING:
    from seminar.seminars.models import Seminar

STATUSES = tuple(status.value for status in MailStatus)


def outbox_of(seminar_id: int | None) -> QuerySet[OutboxMail]:
    """A seminar's mail, or with None every mail (the site administrators' outbox)."""
    query = OutboxMail.all()
    return query if seminar_id is None else query.filter(seminar_id=seminar_id)


def filter_outbox(query: QuerySet[OutboxMail], status: str, search: str) -> QuerySet[OutboxMail]:
    """Mails of one status (any if `status` is not a status) whose recipient matches `search`."""
    if status in STATUSES:
        query = query.filter(status=status)
    if search:
        query = query.filter(Q(to_address__icontains=search) | Q(to_name__icontains=search))
    return query.select_related("seminar").order_by("-id")


async def count_by_status(query: QuerySet[OutboxMail]) -> dict[str, int]:
    """{status: number of mails}, every status present (zero where none), in one query."""
    rows = await (
        query.annotate(number=Count("id")).group_by("status").order_by("status").values_list("status", "number")
    )
    counts = dict.fromkeys(STATUSES, 0)
    counts.update({str(status): number for status, number in rows})
    return counts


async def attempts_of(mail: OutboxMail) -> list[MailAttempt]:
    return await MailAttempt.filter(mail_id=mail.id).order_by("id")


async def get_mail_or_404(mail_id: int) -> OutboxMail:
    """One outbox mail with its seminar (None for site mail); whether the actor may see it is asked by the caller."""
    mail = await OutboxMail.get_or_none(id=mail_id).select_related("seminar")
    if mail is None:
        raise HTTPException(status_code=404)
    return mail


async def outbox_page(seminar: Seminar | None, status: str, search: str, number: int) -> dict[str, Any]:
    """What an outbox page lists: page `number` of the matching mails and the count of each status (four queries)."""
    mails = outbox_of(seminar.id if seminar else None)
    return {
        "page": await paginate(filter_outbox(mails, status, search), number),
        "counts": await count_by_status(mails),
    }
