"""Pure ASGI middleware: who is asking and in what language, CSRF, security headers."""

from __future__ import annotations

import hmac
import time
from collections import defaultdict

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from seminar import i18n
from seminar.accounts.models import Role, RoleName, User
from seminar.accounts.sessions import clear_session, session_expired
from seminar.permissions import ANONYMOUS, Actor
from seminar.reviews.queries import reviewer_papers
from seminar.web import CSRF_FIELD, CSRF_HEADER, flash, render

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, secure: bool = False) -> None:
        self.app = app
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("X-Frame-Options", "DENY")
                headers.setdefault("Referrer-Policy", "same-origin")
                headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
                if self.secure:
                    headers.setdefault("Strict-Transport-Security", "max-age=31536000")
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def load_actor(session: dict, idle_seconds: int = 2 * 3600, max_seconds: int = 12 * 3600) -> Actor:
    """The signed-in user and their roles, or anonymous when the session is stale or expired."""
    user_id = session.get("user_id")
    if not user_id:
        return ANONYMOUS
    if session_expired(session, time.time(), idle_seconds, max_seconds):
        clear_session(session)
        session["expired"] = True
        return ANONYMOUS
    user = await User.get_or_none(id=user_id, is_active=True)
    if user is None or user.session_epoch != session.get("epoch"):
        session.pop("user_id", None)
        return ANONYMOUS
    roles: dict[int, set[str]] = defaultdict(set)
    for seminar_id, name in await Role.filter(user_id=user.id).values_list("seminar_id", "name"):
        roles[seminar_id].add(str(name))
    reviewing = [seminar_id for seminar_id, names in roles.items() if RoleName.REVIEWER.value in names]
    assigned, conflicted = await reviewer_papers(user, reviewing) if reviewing else (frozenset(), frozenset())
    return Actor(
        user=user,
        roles={seminar_id: frozenset(names) for seminar_id, names in roles.items()},
        unit_id=user.unit_id,  # type: ignore[attr-defined]  # Tortoise adds the _id attribute
        assigned_paper_ids=assigned,
        conflicted_paper_ids=conflicted,
    )


class ActorMiddleware:
    """Loads the actor once per request and sets the request's language and time zone."""

    def __init__(
        self, app: ASGIApp, default_locale: str, time_zone: str, idle_seconds: int, max_seconds: int
    ) -> None:
        self.app = app
        self.default_locale = default_locale
        self.time_zone = time_zone
        self.idle_seconds = idle_seconds
        self.max_seconds = max_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/static/"):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        actor = await load_actor(request.session, self.idle_seconds, self.max_seconds)
        scope["actor"] = actor
        locale = i18n.negotiate_locale(
            actor.user.locale if actor.user else None,
            request.session.get("locale"),
            request.headers.get("accept-language"),
            self.default_locale,
        )
        scope["locale"] = locale
        i18n.set_locale(locale)
        i18n.set_time_zone(self.time_zone)
        if request.session.pop("expired", False):
            flash(request, i18n.gettext("Your session has expired. Please log in again."), "info")
        if actor.user is not None:
            # Idle timeout is measured from the last request, not from login.
            request.session["seen"] = int(time.time())
        await self.app(scope, receive, send)


class CsrfMiddleware:
    """Every unsafe request must carry the session's token, in the form or in a header."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        expected = request.session.get(CSRF_FIELD, "")
        sent = request.headers.get(CSRF_HEADER, "")
        if not sent:
            content_type = request.headers.get("content-type", "")
            if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
                form = await request.form()
                scope["seminar.form"] = form
                value = form.get(CSRF_FIELD, "")
                sent = value if isinstance(value, str) else ""
        if not expected or not sent or not hmac.compare_digest(expected, sent):
            response = render(request, "errors/csrf.html", status_code=403)
            await response(scope, receive, send)
            return
        await self.app(scope, request.receive, send)
