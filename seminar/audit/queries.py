"""Reading the audit log for its pages: all of it for site administrators, one seminar's for its organizers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from seminar.audit.models import AuditEntry
from seminar.pagination import Page, paginate

if TYPE_CHECKING:
    from seminar.seminars.models import Seminar


def _day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def search_entries(query: QuerySet[AuditEntry], params: Mapping[str, str]) -> QuerySet[AuditEntry]:
    """Filter by person (e-mail or name), action, and a range of days (inclusive, in UTC)."""
    if person := params.get("person", "").strip():
        query = query.filter(Q(user_email__icontains=person) | Q(user_name__icontains=person))
    if action := params.get("action", "").strip():
        query = query.filter(Q(action__icontains=action) | Q(path__icontains=action))
    if since := _day(params.get("since", "")):
        query = query.filter(at__gte=dt.datetime.combine(since, dt.time.min, dt.UTC))
    if until := _day(params.get("until", "")):
        query = query.filter(at__lt=dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, dt.UTC))
    return query


async def log_page(seminar: Seminar | None, params: Mapping[str, str], number: int) -> Page[AuditEntry]:
    """Page `number` of the entries matching `params`: the whole site's with None, else the seminar's (two queries)."""
    entries = AuditEntry.all() if seminar is None else AuditEntry.filter(seminar_id=seminar.id)
    return await paginate(search_entries(entries, params).select_related("seminar"), number)
