"""create_app(settings): middleware, every area's routes, and a lifespan for the ORM and mail worker."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from tortoise import Tortoise, connections
from tortoise.contrib.starlette import RegisterTortoise

from seminar import i18n, isolation
from seminar.accounts.routes import routes as account_routes
from seminar.api.routes import API_PREFIX, status_problem
from seminar.api.routes import routes as api_routes
from seminar.api.token_routes import routes as api_token_routes
from seminar.archive.routes import routes as archive_routes
from seminar.audit.record import AuditMiddleware
from seminar.audit.routes import routes as audit_routes
from seminar.certificates.badge_routes import routes as badge_routes
from seminar.certificates.routes import routes as certificate_routes
from seminar.checkin.routes import routes as checkin_routes
from seminar.agenda.routes import routes as agenda_routes
from seminar.config import PROJECT_ROOT, Settings
from seminar.db import is_postgres, tortoise_config
from seminar.mail.routes import routes as mail_routes
from seminar.mail.wording_routes import routes as mail_wording_routes
from seminar.routing import SegmentRouter
from seminar.middleware import (
    ActorMiddleware,
    CsrfMiddleware,
    DatabaseUnavailableMiddleware,
    PublishedFilesMiddleware,
    RequestLimitsMiddleware,
    SecurityHeadersMiddleware,
    SessionCookie,
    SessionMiddleware,
    TwoFactorRequiredMiddleware,
)
from seminar.operations import logs, metrics
from seminar.operations.background import run_workers
from seminar.operations.middleware import REQUEST_ID_HEADER, RequestContextMiddleware
from seminar.operations.routes import routes as operations_routes
from seminar.overlap.routes import routes as overlap_routes
from seminar.proceedings.routes import routes as proceedings_routes
from seminar.handbook.routes import routes as handbook_routes
from seminar.proceedings import styles
from seminar.proceedings.typeset import check_fonts, missing_fonts_message
from seminar.registration.routes import routes as registration_routes
from seminar.reviews.decision_routes import routes as review_decision_routes
from seminar.reviews.offline_routes import routes as review_offline_routes
from seminar.reviews.organizer_routes import routes as review_organizer_routes
from seminar.reviews.routes import routes as review_routes
from seminar.seating.routes import routes as seating_routes
from seminar.seminars.routes import routes as seminar_routes
from seminar.statistics.routes import routes as statistics_routes
from seminar.submissions.final_routes import routes as final_version_routes
from seminar.submissions.routes import routes as submission_routes
from seminar.web import render

logger = logging.getLogger(__name__)

SESSION_COOKIE = "seminar_session"


async def healthz(request: Request) -> Response:
    try:
        await connections.get("default").execute_query("SELECT 1")
    except Exception as error:  # noqa: BLE001  # any failure means "not healthy", reported as such
        return JSONResponse({"status": "error", "database": str(error)[:200]}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok"})


async def favicon(request: Request) -> Response:
    """Browsers ask for /favicon.ico where no page names the icon (a PDF or a spreadsheet opened in a tab)."""
    return FileResponse(PROJECT_ROOT / "static" / "favicon.svg", media_type="image/svg+xml")


def _error_template(status_code: int) -> list[str]:
    return [f"errors/{status_code}.html", "errors/error.html"]


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code in (301, 302, 303, 304, 307, 308):
        return Response(status_code=exc.status_code, headers=exc.headers)
    if request.url.path.startswith(API_PREFIX):  # the API speaks JSON, its errors too
        problem = status_problem(exc.status_code)
        problem.headers.update(exc.headers or {})
        return problem
    response = render(
        request,
        _error_template(exc.status_code),
        {"status_code": exc.status_code, "detail": exc.detail},
        status_code=exc.status_code,
    )
    return response


async def server_error(request: Request, exc: Exception) -> Response:
    """The 500 page, sent by Starlette's outermost handler: outside the request's middleware, so the
    request's log context and its id header are put back here."""
    info = logs.request_info(request.scope)
    with logs.request_context(info):
        logger.error("unhandled error", exc_info=exc)
    i18n.set_locale(request.scope.get("locale", i18n.DEFAULT_LOCALE))
    response: Response
    if request.url.path.startswith(API_PREFIX):
        response = status_problem(500)
    else:
        response = render(request, _error_template(500), {"status_code": 500}, status_code=500)
    if info is not None:
        response.headers[REQUEST_ID_HEADER] = info.id
    return response


def build_routes() -> list[BaseRoute]:
    # Seminar routes hold the /{slug}/… catch-alls, so they come last.
    return [
        Route("/healthz", healthz, name="healthz"),
        Route("/favicon.ico", favicon, name="favicon"),
        Mount("/static", StaticFiles(directory=PROJECT_ROOT / "static"), name="static"),
        *operations_routes,
        *api_routes,
        *api_token_routes,
        *account_routes,
        *mail_routes,
        *mail_wording_routes,
        *audit_routes,
        *submission_routes,
        *final_version_routes,
        *review_offline_routes,  # before the reviewer's paper routes (their upload drafts before a decline)
        *review_routes,
        *review_organizer_routes,
        *review_decision_routes,
        *proceedings_routes,
        *handbook_routes,
        *overlap_routes,
        *registration_routes,
        *statistics_routes,
        *agenda_routes,
        *certificate_routes,
        *badge_routes,
        *seating_routes,
        *archive_routes,
        *checkin_routes,
        *seminar_routes,
    ]


@contextlib.asynccontextmanager
async def change_notices(settings: Settings) -> AsyncIterator[None]:
    """On PostgreSQL, the process's listener of change notices (`seminar.listener`) for as long as it serves:
    without it (SQLite, or `CHANGE_NOTICES=false`), who is asking is read anew for every request."""
    if not settings.change_notices or not is_postgres(settings.database_url):
        yield
        return
    from seminar.listener import listening  # asyncpg: not imported by a process on SQLite

    async with listening(connections.get("default")):
        yield


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_environment()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with RegisterTortoise(app, config=tortoise_config(settings.database_url)), change_notices(settings):
            # Missing fonts stop only the book, not the site: say so loudly, once, at start-up.
            if missing := await asyncio.to_thread(check_fonts):
                logger.warning("%s", missing_fonts_message(missing))
            # A house style without its own fonts falls back to Noto: the book is still built.
            for style, files in styles.all_missing_fonts().items():
                logger.warning("%s", styles.missing_fonts_message(style, files))
            # What start-up built lives as long as the process: moved out of the collector's sight,
            # a full collection no longer walks it, a pause that was the slowest requests' cause.
            gc.collect()
            gc.freeze()
            # In the background: the first upload after start-up need not wait for it (seconds).
            fork_server = asyncio.create_task(asyncio.to_thread(isolation.start_fork_server))
            stop = asyncio.Event()
            workers = asyncio.create_task(run_workers(settings, stop)) if settings.run_worker else None
            try:
                yield
            finally:
                stop.set()
                if workers is not None:
                    await workers
                await fork_server
                metrics.process_stopping()

    middleware = [
        Middleware(
            PublishedFilesMiddleware,
            session_cookie=SESSION_COOKIE,
            secret_key=settings.secret_key,
            max_age=settings.session_max_seconds,
            trust_request_id=settings.trust_request_id,
        ),
        Middleware(RequestContextMiddleware, trust_request_id=settings.trust_request_id),
        Middleware(SecurityHeadersMiddleware, secure=settings.secure_cookies),
        Middleware(
            SessionMiddleware,
            cookie=SessionCookie(
                SESSION_COOKIE, settings.secret_key, settings.session_max_seconds,
                same_site="lax", https_only=settings.secure_cookies,
            ),
        ),
        Middleware(DatabaseUnavailableMiddleware, default_locale=settings.default_locale),
        Middleware(
            ActorMiddleware,
            default_locale=settings.default_locale,
            time_zone=settings.time_zone,
            idle_seconds=settings.session_idle_seconds,
            max_seconds=settings.session_max_seconds,
        ),
        # Inside the actor's: its refusals are pages in the person's language.
        Middleware(RequestLimitsMiddleware, upload_max_bytes=settings.upload_max_bytes),
        Middleware(TwoFactorRequiredMiddleware, required=settings.require_totp_for_organizers),
        Middleware(CsrfMiddleware),
        Middleware(AuditMiddleware),
    ]
    app = Starlette(
        routes=build_routes(),
        middleware=middleware,
        exception_handlers={HTTPException: http_error, Exception: server_error},
        lifespan=lifespan,
    )
    # Swapped in before the first request builds the middleware stack around `app.router`.
    app.router = SegmentRouter(app.router.routes, lifespan=lifespan)
    app.state.settings = settings
    app.state.metrics_networks = metrics.allowed_networks(settings.metrics_allowed_ips)
    return app


async def close_database() -> None:
    await Tortoise.close_connections()
