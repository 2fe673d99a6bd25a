"""Reading the outbox for its pages: a fixed number of queries however many mails are listed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from starlette.exceptions import HTTPException
from tortoise.expressions import Q
from tortoise.functions import Count
from tortoise.queryset import QuerySet

from seminar.accounts.models import Role, User
from seminar.mail import batches
from seminar.mail.batches import BatchCounts, MailBatchKind
from seminar.mail.models import MailAttempt, MailBatch, MailStatus, MailWording, OutboxMail
from seminar.pagination import paginate
from seminar.progress import Progress
from seminar.submissions.models import Paper

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


async def outbox_page(
    seminar: Seminar | None, status: str, search: str, number: int, batch_id: int | None = None
) -> dict[str, Any]:
    """What an outbox page lists: page `number` of the matching mails and the count of each status (four
    queries), only those of one batch with `batch_id` (one more, for the batch's title)."""
    mails = outbox_of(seminar.id if seminar else None)
    batch = None
    if batch_id is not None:
        mails = mails.filter(batch_id=batch_id)
        batches_here = MailBatch.all() if seminar is None else MailBatch.filter(seminar_id=seminar.id)
        batch = await batches_here.get_or_none(id=batch_id)
    return {
        "page": await paginate(filter_outbox(mails, status, search), number),
        "counts": await count_by_status(mails),
        "batch": batch,
        "batch_title": batches.kind_title(batch.kind) if batch else "",
    }


# ---------- batches ----------


@dataclass(frozen=True)
class BatchView:
    """A batch of mail as its page shows it: title, when, and how far its sending has come."""

    batch: MailBatch
    title: str
    progress: Progress
    counts: BatchCounts


async def _batch_view(batch: MailBatch, smtp_configured: bool) -> BatchView:
    rows = await (
        OutboxMail.filter(batch_id=batch.id)
        .annotate(number=Count("id"))
        .group_by("status", "attempts")
        .values_list("status", "attempts", "number")
    )
    counts = BatchCounts.of((str(status), int(attempts), int(number)) for status, attempts, number in rows)
    elapsed = (dt.datetime.now(dt.UTC) - batch.created_at).total_seconds()
    return BatchView(batch, batches.kind_title(batch.kind), batches.batch_progress(counts, elapsed, smtp_configured), counts)


async def batch_status(seminar: Seminar, batch_id: int, smtp_configured: bool) -> BatchView | None:
    """One batch of this seminar and its sending; None if the seminar has no such batch (two queries)."""
    batch = await MailBatch.get_or_none(id=batch_id, seminar_id=seminar.id)
    return None if batch is None else await _batch_view(batch, smtp_configured)


async def latest_batch(seminar: Seminar, kind: MailBatchKind, smtp_configured: bool) -> BatchView | None:
    """The seminar's last batch of this kind while it is worth showing on its page (`batches.worth_showing`):
    under way, with mails not sent, or queued lately. Two queries, one if there is none."""
    batch = await MailBatch.filter(seminar_id=seminar.id, kind=kind).order_by("-id").first()
    if batch is None:
        return None
    view = await _batch_view(batch, smtp_configured)
    age = (dt.datetime.now(dt.UTC) - batch.created_at).total_seconds()
    return view if batches.worth_showing(view.counts, view.progress, age) else None


# --- a seminar's own wording of its mails ------------------------------------------------------


async def wordings_of(seminar: Seminar) -> dict[tuple[str, str], MailWording]:
    """The seminar's own wordings by (kind key, locale): one query."""
    return {(row.kind, row.locale): row for row in await MailWording.filter(seminar_id=seminar.id)}


@dataclass(frozen=True)
class PreviewPerson:
    id: int
    name: str
    unit: str
    unit_id: int | None


async def preview_people(seminar: Seminar) -> list[PreviewPerson]:
    """Everyone with a role in the seminar, each once, by name: the recipients a preview may be shown for."""
    user_ids = await Role.filter(seminar_id=seminar.id).distinct().values_list("user_id", flat=True)
    users = await User.filter(id__in=list(user_ids), is_active=True).select_related("unit").order_by("name", "id")
    return [PreviewPerson(u.id, u.name, u.unit.name if u.unit else "", u.unit_id) for u in users]


async def preview_paper(seminar: Seminar, unit_id: int | None) -> Paper | None:
    """A paper to fill a preview's paper placeholders: the recipient's city's first, else the seminar's first."""
    papers = Paper.filter(seminar_id=seminar.id).select_related("topic", "city").order_by("number", "id")
    found = await papers.filter(city_id=unit_id).first() if unit_id is not None else None
    return found or await papers.first()
