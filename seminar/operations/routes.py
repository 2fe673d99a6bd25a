"""/metrics for Prometheus, /readyz for the load balancer, and the site administrators' system page."""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from seminar.i18n import N_, _
from seminar.operations import doctor, metrics, queries
from seminar.permissions import can_administer_site, require
from seminar.web import actor, render, signed_in_user


# The system page's words for the checks and the report's sections (the details stay in English, as operators read them).
CHECK_NAMES = {
    "database": N_("Database"), "migrations": N_("Migrations"), "fonts": N_("Fonts of the 论文集"),
    "worker": N_("Worker (mail, 论文集 builds)"),
}
SECTION_TITLES = {
    "Python": N_("Python and its packages"), "Libraries": N_("System libraries"), "Debian packages": N_("Debian packages"),
    "Fonts": N_("Fonts"), "Database": N_("Database server"),
}


async def metrics_page(request: Request) -> Response:
    settings = request.app.state.settings
    client = request.client.host if request.client else None
    if not metrics.may_scrape(
        client, request.headers.get("authorization", ""), request.app.state.metrics_networks, settings.metrics_token
    ):
        return PlainTextResponse("Forbidden: not an address of METRICS_ALLOWED_IPS, and no METRICS_TOKEN.\n", status_code=403)
    reading = await queries.database_reading()
    return Response(metrics.exposition(reading), media_type=metrics.CONTENT_TYPE)


async def readyz(request: Request) -> Response:
    """200 when the site can do its work; 503 naming what failed. /healthz stays the cheap liveness check."""
    checks = await queries.readiness()
    failed = [check.name for check in checks if not check.ok]
    return JSONResponse(
        {
            "status": "not ready" if failed else "ready",
            "failed": failed,
            "checks": {check.name: {"ok": check.ok, "detail": check.detail} for check in checks},
        },
        status_code=503 if failed else 200,
        headers={"Cache-Control": "no-store"},
    )


async def system(request: Request) -> Response:
    signed_in_user(request)
    require(can_administer_site(actor(request)))
    sections = await asyncio.to_thread(doctor.local_sections)
    sections.append(doctor.database_section(*await queries.database_server()))
    return render(
        request,
        "operations/system.html",
        {
            "checks": await queries.readiness(),
            "sections": sections,
            "check_names": {name: _(words) for name, words in CHECK_NAMES.items()},
            "section_titles": {title: _(words) for title, words in SECTION_TITLES.items()},
        },
    )


routes: list[BaseRoute] = [
    Route("/metrics", metrics_page, name="operations:metrics"),
    Route("/readyz", readyz, name="operations:readyz"),
    Route("/manage/system", system, name="operations:system"),
]
