"""Pure ASGI middleware: who is asking and in what language, CSRF, security headers, a lost database."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
from base64 import b64decode, b64encode
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import itsdangerous
from itsdangerous.exc import BadSignature
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.middleware.sessions import Session
from starlette.requests import Request, cookie_parser
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from seminar import i18n
from seminar.accounts.queries import session_actor
from seminar.accounts.sessions import SESSION_KEY, clear_session, session_expired
from seminar.accounts.tokens import token_hash
from seminar.api.routes import API_PREFIX, status_problem
from seminar.agenda.published import (
    SHAREABLE,
    ReadyAnswer,
    ReadyKey,
    Shareable,
    ready_answer,
    renewed,
    revalidated,
)
from seminar.db import is_connection_lost, is_dropped_connection
from seminar.files import etag_matches
from seminar.operations import logs, metrics
from seminar.operations.logs import note_user
from seminar.operations.middleware import finish_request, request_id_for
from seminar.operations.metrics import UPLOADS_REFUSED
from seminar.permissions import ANONYMOUS, Actor, must_set_up_two_factor
from seminar.text import whole_number
from seminar.web import CSRF_FIELD, CSRF_HEADER, flash, form, keep_seminar, path_slug, render

if TYPE_CHECKING:
    from seminar.seminars.models import Seminar

logger = logging.getLogger(__name__)

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
# What a 503 asks browsers and proxies to wait before trying again.
RETRY_AFTER_SECONDS = 30
# Long enough for the event loop to read the end of every connection the server has closed.
DRIVER_CATCH_UP_SECONDS = 0.05
# The language of the last page a signed-in person was served, kept in the session so that an
# error page shown while the database (and so their profile) is out of reach still speaks it.
PAGE_LOCALE = "page_locale"

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
    """The security headers on every answer, unless the answer set its own."""

    def __init__(self, app: ASGIApp, secure: bool = False) -> None:
        self.app = app
        headers = [
            ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
            ("X-Content-Type-Options", "nosniff"),
            ("X-Frame-Options", "DENY"),
            ("Referrer-Policy", "same-origin"),
            ("Cross-Origin-Opener-Policy", "same-origin"),
        ]
        if secure:
            headers.append(("Strict-Transport-Security", "max-age=31536000"))
        # Encoded once: each answer gets those it lacks appended, in this order (what `setdefault` did).
        self.headers = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                raw = message["headers"] = list(message.get("headers", ()))
                present = {name.lower() for name, _value in raw}
                raw.extend(header for header in self.headers if header[0] not in present)
            await send(message)

        await self.app(scope, receive, send_with_headers)


class SessionCookie:
    """The signed session cookie, read and written as Starlette's SessionMiddleware does: the same
    value (base64 JSON, itsdangerous's timestamped HMAC-SHA1 signature), the same attributes.

    Every signed-in request reads it and sets it again (about 10 and 7 µs): itsdangerous derives
    the key from the secret anew for each signature and check, and its default SHA-1 (a Python
    function) sends HMAC down the standard library's pure-Python path; here the key is derived once
    and the HMAC is OpenSSL's, a few µs less. The signatures are the same (tests/test_middleware.py)."""

    def __init__(
        self, name: str, secret_key: str, max_age: int | None, same_site: str = "lax", https_only: bool = False
    ) -> None:
        self.name = name
        self.signer = _KeptKeySigner(secret_key, digest_method=hashlib.sha1)
        self.max_age = max_age
        flags = f"httponly; samesite={same_site}" + ("; secure" if https_only else "")
        lifetime = f"Max-Age={max_age}; " if max_age is not None else ""
        self._set = f"{name}={{}}; path=/; {lifetime}{flags}"
        self.cleared = f"{name}=null; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT; {flags}"

    def read(self, cookies: bytes) -> tuple[dict[str, Any] | None, float] | None:
        """What the session cookie in a Cookie header holds and when it was signed; (None, 0) for one
        SessionMiddleware would not take (a bad signature, too old); None when the header has none."""
        value = cookie_parser(cookies.decode("latin-1")).get(self.name)
        if value is None:
            return None
        try:
            data, signed = self.signer.unsign(value.encode(), max_age=self.max_age, return_timestamp=True)
            session = json.loads(b64decode(data))
        except (BadSignature, ValueError):
            return None, 0.0
        return (session if isinstance(session, dict) else None), signed.timestamp()

    def header(self, session: Mapping[str, Any]) -> str:
        """The Set-Cookie value that keeps `session`, signed now."""
        return self._set.format(self.signer.sign(b64encode(json.dumps(session).encode())).decode())


class _KeptKeySigner(itsdangerous.TimestampSigner):
    def __init__(self, secret_key: str, digest_method: Any) -> None:
        super().__init__(secret_key, digest_method=digest_method)
        self._keys: dict[str | bytes | None, bytes] = {}

    def derive_key(self, secret_key: str | bytes | None = None) -> bytes:
        key = self._keys.get(secret_key)
        if key is None:
            key = self._keys[secret_key] = super().derive_key(secret_key)
        return key


# The scope key under which PublishedFilesMiddleware leaves the Cookie header it read and what its
# session cookie held, so that SessionMiddleware does not read it again.
SESSION_READ = "seminar.session_read"


class SessionMiddleware:
    """`request.session` from the signed cookie, and the cookie set again when the session changed,
    as Starlette's SessionMiddleware does (the same Set-Cookie and Vary headers in the same order,
    compared in tests/test_middleware.py), from `SessionCookie` and taking the reading of the cookie
    PublishedFilesMiddleware already made."""

    def __init__(self, app: ASGIApp, cookie: SessionCookie) -> None:
        self.app = app
        self.cookie = cookie
        self._name = cookie.name.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        data = None
        # Starlette reads the first Cookie header only.
        cookies = next((value for name, value in scope["headers"] if name == b"cookie"), None)
        if cookies is not None and self._name in cookies:
            kept = scope.get(SESSION_READ)
            read = kept[1] if kept is not None and kept[0] is cookies else self.cookie.read(cookies)
            data = read[0] if read is not None else None
        scope["session"] = Session(data) if data is not None else Session()
        had_session = data is not None

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                session: Session = scope["session"]
                if session.accessed:  # a change marks it accessed too
                    message.setdefault("headers", [])
                    headers = MutableHeaders(scope=message)
                    headers.add_vary_header("Cookie")
                    if session.modified and session:
                        headers.append("Set-Cookie", self.cookie.header(session))
                    elif session.modified and had_session:  # emptied: the browser forgets it
                        headers.append("Set-Cookie", self.cookie.cleared)
            await send(message)

        await self.app(scope, receive, send_with_cookie)


# What a session may hold and its requests still be a stranger's for a published file: the form token
# (the language switcher and every form page set it) and the language chosen with the switcher,
# which picks the answer's language and so is part of the kept answer's key. Anything else — someone
# signed in, a flash message to show, a session that expired, a login half done — goes the whole way.
STRANGERS_SESSION_KEYS = frozenset({CSRF_FIELD, "locale"})
STRANGERS_SIZE = 4096


class PublishedFilesMiddleware:
    """A stranger's GET of a published agenda file, answered whole from memory when it can be.

    The published files are immutable, so the first stranger's answer for an address, query and
    Accept-Language goes through every middleware and the route, which says whether it is the
    same for every stranger and until when (`published.mark_shareable`); it is kept, and the
    next ones get the same headers and bytes here (or a 304 on If-None-Match) without a session,
    an actor, a route match or a query. A session cookie that holds no more than a stranger's (the
    form token, the chosen language: `STRANGERS_SESSION_KEYS`) is a stranger's too, its language
    part of the key; any other session goes the whole way, so that a signed-in person's page keeps
    their own header links and a visitor's flash message is shown. Once a second (`published.HEAD_SECONDS`)
    one stranger's request asks for the latest release (one query), and goes the whole way if there
    is a newer one; the others meanwhile still get the kept answer (`published.ready_answer`). The
    outermost middleware: an answer
    from memory gets its own request id, is counted, and logged at DEBUG like a static file.
    """

    def __init__(
        self, app: ASGIApp, session_cookie: str, secret_key: str, max_age: int | None, trust_request_id: bool = False
    ) -> None:
        self.app = app
        self.cookie = session_cookie.encode() + b"="
        self.session_cookie = SessionCookie(session_cookie, secret_key, max_age)  # read as SessionMiddleware reads it
        self.max_age = max_age
        self.trust_request_id = trust_request_id
        # A stranger's Cookie header, read once: the language its session chose, and when it was signed.
        self._strangers: dict[bytes, tuple[str, float]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        language, if_none_match, offered_id, chosen = b"", b"", b"", ""
        for name, value in scope["headers"]:
            if name == b"cookie" and self.cookie in value:
                if (stranger := self._strangers_language(value, scope)) is None:
                    await self.app(scope, receive, send)
                    return
                chosen = stranger
            elif name == b"accept-language":
                language = value
            elif name == b"if-none-match":
                if_none_match = value
            elif name == b"x-request-id":
                offered_id = value
        key = (scope["path"], scope["query_string"], language, chosen)
        answer, fresh = ready_answer(key)
        if answer is not None and not fresh:
            answer = await self._renewed(key, answer)
        if answer is None:
            await self._answer_and_keep(key, scope, receive, send)
            return
        started = time.perf_counter()
        request_id = request_id_for(offered_id.decode("latin-1"), self.trust_request_id)
        id_header = (b"x-request-id", request_id.encode())
        if if_none_match and etag_matches(if_none_match.decode("latin-1"), answer.etag):
            status, headers, body = 304, [*answer.not_modified_headers, id_header], b""
        else:
            status, headers, body = 200, [*answer.headers, id_header], answer.body
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        info = logs.RequestInfo(request_id, seminar=answer.seminar, routed_scope={"route": answer.route}, quiet=True)
        finish_request(info, "GET", status, time.perf_counter() - started)

    def _strangers_language(self, cookies: bytes, scope: Scope | None = None) -> str | None:
        """The language a stranger's session chose ("": none), or None if the session is someone's.

        A stranger's session holds at most the form token and the language (`STRANGERS_SESSION_KEYS`);
        anything else, or a cookie SessionMiddleware would not take (a bad signature, too old), and
        the request goes the whole way. Each Cookie header is read once: what its signature and JSON
        said is kept under the header as sent, so a visitor's next requests are not parsed again; a
        reading that goes the whole way is left in `scope` for SessionMiddleware."""
        found = self._strangers.get(cookies)
        if found is None:
            read = self.session_cookie.read(cookies)
            if read is None:  # another cookie whose name ends with ours
                return ""
            if scope is not None:
                scope[SESSION_READ] = (cookies, read)
            session, signed = read
            chosen = session.get("locale", "") if session is not None else None
            if not isinstance(chosen, str) or session is None or not session.keys() <= STRANGERS_SESSION_KEYS:
                return None
            if len(self._strangers) >= STRANGERS_SIZE:  # start over rather than grow
                self._strangers.clear()
            found = self._strangers[cookies] = (chosen, signed)
        elif self.max_age is not None and time.time() - found[1] > self.max_age:
            return None  # expired since: the whole way treats it as no session
        return found[0]

    @staticmethod
    async def _renewed(key: ReadyKey, answer: ReadyAnswer) -> ReadyAnswer | None:
        """The kept answer for another second if its release is still the latest; None: go the whole way."""
        try:
            still = await renewed(answer)
        except Exception:  # the database out of reach, say: the whole way answers as it would (a 503)
            logger.debug("asking for the latest release failed: the request goes the whole way", exc_info=True)
            return None
        if still is not None:
            revalidated(key, still)
        return still

    async def _answer_and_keep(self, key: ReadyKey, scope: Scope, receive: Receive, send: Send) -> None:
        """The whole way, keeping the answer if the route says it is every stranger's."""
        shareable: list[Shareable] = []
        scope[SHAREABLE] = shareable
        status, headers, chunks = 0, [], []

        async def keep(message: Message) -> None:
            nonlocal status, headers
            if message["type"] == "http.response.start":
                status = message["status"]
                # Without the request's own id; a copy, as the server may change the list it is given.
                headers = [(name, value) for name, value in message["headers"] if name.lower() != b"x-request-id"]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        kept = None
        try:
            await self.app(scope, receive, keep)
            names = {name.lower() for name, _value in headers}
            if shareable and status == 200 and b"set-cookie" not in names and b"etag" in names:
                etag = next(value for name, value in headers if name.lower() == b"etag").decode("latin-1")
                info = logs.request_info(scope)
                kept = ReadyAnswer(
                    headers=headers,
                    not_modified_headers=[(n, v) for n, v in headers if n.lower() not in (b"content-type", b"content-length")],
                    body=chunks[0] if len(chunks) == 1 else b"".join(chunks), etag=etag,
                    expires=shareable[0].expires, source=shareable[0],
                    route=(info.routed_scope or {}).get("route") if info is not None else None,
                    seminar=info.seminar if info is not None else None,
                )
        finally:
            revalidated(key, kept)


# The reason a refused upload is counted under (`seminar_uploads_refused_total`) when its body is over the cap.
UPLOAD_TOO_LARGE = "too_large"
# What a form may weigh. The longest legitimate ones (a 前言 or a decision mail of 20,000
# characters) are a few hundred kilobytes once percent-encoded.
FORM_MAX_BYTES = 1024 * 1024
# Around the file, a multipart upload carries the token, the part headers and boundaries.
UPLOAD_ENVELOPE_BYTES = 1024 * 1024


class BodyTooLarge(Exception):
    """The request body passed its cap while being read."""


class RequestLimitsMiddleware:
    """Refuses what no page of the site sends, before any route or form parser sees it.

    A body over its cap gets 413 as soon as that is known: at once when Content-Length says
    so, otherwise when the bytes read pass the cap; the rest is never read (the connection is
    closed, so the server does not drain it either). Without this, the form parser would spool
    a whole multipart body to disk, or hold a whole urlencoded one in memory, before any route
    could refuse it. A signed-in person's multipart body may carry an upload (`upload_max_bytes`
    and its envelope); every other body is a form or JSON of at most `FORM_MAX_BYTES`.

    An address with a NUL character gets 400: PostgreSQL can neither store nor compare text
    containing one, so a route looking it up would fail with a 500.
    """

    def __init__(self, app: ASGIApp, upload_max_bytes: int, form_max_bytes: int = FORM_MAX_BYTES) -> None:
        self.app = app
        self.upload_max_bytes = upload_max_bytes
        self.form_max_bytes = form_max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if "\x00" in scope["path"] or b"%00" in scope["query_string"]:
            await self._refuse(scope, receive, send, "errors/400.html", 400, {})
            return
        headers = Headers(scope=scope)
        # Only signed-in people upload: a stranger's multipart body is held to the form cap.
        signed_in = scope.get("actor", ANONYMOUS).user is not None
        is_upload = signed_in and headers.get("content-type", "").startswith("multipart/form-data")
        if is_upload:  # the page names the file's limit, which the envelope does not change
            limit, shown = self.upload_max_bytes + UPLOAD_ENVELOPE_BYTES, self.upload_max_bytes
        else:
            limit = shown = self.form_max_bytes
        # A file sent after the session ended meets the stranger's cap: say why, not "1 MB".
        signed_out_upload = not signed_in and headers.get("content-type", "").startswith("multipart/form-data")
        context = {"is_upload": is_upload, "signed_out_upload": signed_out_upload, "limit_mb": max(1, shown // 2**20)}
        declared = headers.get("content-length", "")
        if (declared_bytes := whole_number(declared)) is not None and declared_bytes > limit:
            await self._refuse_too_large(scope, receive, send, context)
            return
        received = 0
        response_started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge
            return message

        async def watching_send(message: Message) -> None:
            nonlocal response_started
            response_started = response_started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, watching_send)
        except BodyTooLarge:
            if response_started:  # a route streaming its answer while reading: nothing more to say
                raise
            await self._refuse_too_large(scope, receive, send, context)

    async def _refuse_too_large(self, scope: Scope, receive: Receive, send: Send, context: Mapping[str, Any]) -> None:
        if context["is_upload"] or context["signed_out_upload"]:
            UPLOADS_REFUSED.labels(UPLOAD_TOO_LARGE).inc()
        await self._refuse(scope, receive, send, "errors/413.html", 413, context)

    @staticmethod
    async def _refuse(
        scope: Scope, receive: Receive, send: Send, template: str, status_code: int, context: Mapping[str, object]
    ) -> None:
        if scope["path"].startswith(API_PREFIX):
            response: Response = status_problem(status_code)
        else:
            response = render(Request(scope), template, {"status_code": status_code, **context}, status_code=status_code)
        # Closing the connection after the answer is what stops the server reading the rest.
        response.headers["Connection"] = "close"
        await response(scope, receive, send)


async def load_actor(session: dict, idle_seconds: int = 2 * 3600, max_seconds: int = 12 * 3600) -> Actor:
    """The signed-in user and their roles, or anonymous when the session is stale or expired."""
    actor, _seminar = await actor_and_seminar(session, idle_seconds, max_seconds)
    return actor


async def actor_and_seminar(
    session: dict, idle_seconds: int, max_seconds: int, slug: str = ""
) -> tuple[Actor, Seminar | None]:
    """`load_actor`, and for a signed-in person the seminar `slug` names if any (the page's), from the same query."""
    user_id = session.get("user_id")
    if not user_id:
        return ANONYMOUS, None
    if session_expired(session, time.time(), idle_seconds, max_seconds):
        clear_session(session)
        session["expired"] = True
        return ANONYMOUS, None
    # The session's row, its user, their roles and the papers they review or may not see, in one
    # query or its copy kept until any of it changes: a session logged out (its row deleted), an
    # account switched off, or one whose password changed since (a new epoch) is signed in no more;
    # a role or an assignment granted or taken away counts from the next request (in another server
    # process: from the moment it hears of the change, milliseconds). How long the session lasts is
    # the cookie's, checked above against the clock on every request.
    key = session.get(SESSION_KEY)
    found = await session_actor(user_id, token_hash(key), slug) if isinstance(key, str) else None
    if found is None or found.user.session_epoch != session.get("epoch"):
        session.pop("user_id", None)
        session.pop(SESSION_KEY, None)
        return ANONYMOUS, None
    actor = Actor(
        user=found.user,
        roles=found.roles,
        unit_id=found.user.unit_id,
        assigned_paper_ids=found.assigned_paper_ids,
        conflicted_paper_ids=found.conflicted_paper_ids,
    )
    return actor, found.seminar


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
        # The API knows only bearer tokens (its routes read them): a session cookie counts for
        # nothing there, so a page open in a browser lends no rights to a script on another site.
        api = scope["path"].startswith(API_PREFIX)
        actor, seminar = (ANONYMOUS, None) if api else await actor_and_seminar(
            request.session, self.idle_seconds, self.max_seconds, path_slug(scope["path"])
        )
        scope["actor"] = actor
        if seminar is not None:
            keep_seminar(scope, seminar)
        if actor.user is not None:
            note_user(scope, actor.user.id)
        locale = i18n.negotiate_locale(
            actor.user.locale if actor.user else None,
            request.session.get("locale"),
            request.headers.get("accept-language"),
            self.default_locale,
        )
        scope["locale"] = locale
        i18n.set_locale(locale)
        i18n.set_time_zone(self.time_zone)
        if not api and request.session.pop("expired", False):
            flash(request, i18n.gettext("Your session has expired. Please log in again."), "info")
        if actor.user is not None:
            # Idle timeout is measured from the last request, not from login.
            request.session["seen"] = int(time.time())
            request.session[PAGE_LOCALE] = locale
        await self.app(scope, receive, send)


class TwoFactorRequiredMiddleware:
    """With REQUIRE_TOTP_FOR_ORGANIZERS: an organizer without two-step verification is sent to set it
    up, whatever they ask for, except the set-up itself, logging in and out and the language switcher."""

    ALLOWED_ROUTES = (
        "accounts:two_factor", "accounts:two_factor_enable", "accounts:login", "accounts:login_code",
        "accounts:logout", "accounts:language",
    )

    def __init__(self, app: ASGIApp, required: bool) -> None:
        self.app = app
        self.required = required
        self._allowed_paths: set[str] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        actor = scope.get("actor")
        if scope["type"] != "http" or actor is None or not must_set_up_two_factor(actor, self.required):
            await self.app(scope, receive, send)
            return
        router = scope["app"].router
        if self._allowed_paths is None:
            self._allowed_paths = {router.url_path_for(name) for name in self.ALLOWED_ROUTES}
        if scope["path"] in self._allowed_paths:
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        if scope["method"] == "GET":
            flash(request, i18n.gettext("Organizers must set up two-step verification before going on."), "info")
        response = RedirectResponse(router.url_path_for("accounts:two_factor"), status_code=303)
        await response(scope, receive, send)


class CsrfMiddleware:
    """Every unsafe request must carry the session's token, in the form or in a header."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # The API reads with a bearer token and no cookie: there is no session to ride on (it answers 405 to writes).
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS or scope["path"].startswith(API_PREFIX):
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        expected = request.session.get(CSRF_FIELD, "")
        sent = request.headers.get(CSRF_HEADER, "")
        if not sent:
            content_type = request.headers.get("content-type", "")
            if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
                try:
                    value = (await form(request)).get(CSRF_FIELD, "")
                except HTTPException as error:  # a malformed body: say so, rather than fail with a 500
                    response = render(request, "errors/400.html", {"status_code": error.status_code}, status_code=400)
                    await response(scope, receive, send)
                    return
                sent = value if isinstance(value, str) else ""
        if not expected or not sent or not hmac.compare_digest(expected, sent):
            response = render(request, "errors/csrf.html", status_code=403)
            await response(scope, receive, send)
            return
        await self.app(scope, request.receive, send)


class DatabaseUnavailableMiddleware:
    """A database out of reach answers 503 with Retry-After and a page in the reader's language.

    It sits inside the session (so it knows the reader's language) and outside everything that
    queries the database (the actor, the routes, the audit log). Nothing is kept between
    requests: the next one simply asks the database again, and the driver reconnects by itself.
    Errors that are not about reaching the database (a bad query, a bug) pass on as 500s.
    """

    def __init__(self, app: ASGIApp, default_locale: str) -> None:
        self.app = app
        self.default_locale = default_locale

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # As a request that may use the database arrives (an answer kept in memory never gets here).
        metrics.sample_pool()
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        # A read whose pooled connection the server had ended is asked once more, on a connection
        # the driver has meanwhile found dead and replaced: a failover then costs readers nothing.
        attempts = 2 if scope["method"] in SAFE_METHODS else 1
        for attempt in range(1, attempts + 1):
            attempt_scope = dict(scope)  # what the routes wrote in it (path parameters…) starts afresh
            try:
                await self.app(attempt_scope, receive, watch)
                return
            except Exception as error:
                if started or not is_connection_lost(error):
                    raise
                if attempt < attempts and is_dropped_connection(error):
                    logger.info("database connection dropped under the request: asked again")
                    await asyncio.sleep(DRIVER_CATCH_UP_SECONDS)
                    continue
                failure = error
                break
        logger.warning("database unavailable: answered 503 (%s: %s)", type(failure).__name__, str(failure)[:200])
        response = self._unavailable_page(attempt_scope)
        await response(scope, receive, send)

    def _unavailable_page(self, scope: Scope) -> Response:
        request = Request(scope)
        session = scope.get("session", {})
        locale = scope.get("locale") or i18n.negotiate_locale(
            session.get(PAGE_LOCALE), session.get("locale"), request.headers.get("accept-language"), self.default_locale
        )
        i18n.set_locale(locale)
        response = render(request, "errors/503.html", {"status_code": 503}, status_code=503)
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response.headers["Cache-Control"] = "no-store"
        return response
