"""Searching the audit log: all of it for site administrators, one seminar's for its organizers."""

from __future__ import annotations

import datetime as dt

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from seminar.audit.models import AuditEntry
from seminar.audit.record import prune_audit_log
from seminar.pagination import page_number, paginate
from seminar.permissions import can_read_audit_log, require
from seminar.seminars.models import Seminar
from seminar.web import actor, render, signed_in_user, seminar_page


def _day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def search_entries(query: QuerySet[AuditEntry], params: dict[str, str]) -> QuerySet[AuditEntry]:
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


async def _audit_page(request: Request, seminar: Seminar | None) -> Response:
    settings = request.app.state.settings
    await prune_audit_log(settings.audit_retention_days)
    entries = AuditEntry.all() if seminar is None else AuditEntry.filter(seminar_id=seminar.id)
    params = dict(request.query_params)
    page = await paginate(search_entries(entries, params).select_related("seminar"), page_number(request))
    return render(
        request,
        "audit/log.html",
        {"seminar": seminar, "page": page, "params": params, "retention_days": settings.audit_retention_days},
    )


async def site_log(request: Request) -> Response:
    signed_in_user(request)
    require(can_read_audit_log(actor(request), None))
    return await _audit_page(request, None)


async def seminar_log(request: Request) -> Response:
    return await _audit_page(request, await seminar_page(request, can_read_audit_log))


routes: list[BaseRoute] = [
    Route("/manage/audit", site_log, name="audit:site_log"),
    Route("/{slug}/manage/audit", seminar_log, name="audit:seminar_log"),
]
