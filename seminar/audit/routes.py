"""Searching the audit log: all of it for site administrators, one seminar's for its organizers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from seminar.audit import queries
from seminar.audit.record import prune_audit_log
from seminar.pagination import page_number
from seminar.permissions import can_read_audit_log, require
from seminar.web import actor, render, signed_in_user, seminar_page

if TYPE_CHECKING:
    from seminar.seminars.models import Seminar


async def _audit_page(request: Request, seminar: Seminar | None) -> Response:
    settings = request.app.state.settings
    await prune_audit_log(settings.audit_retention_days)
    params = dict(request.query_params)
    page = await queries.log_page(seminar, params, page_number(request))
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
