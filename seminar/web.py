"""Shared web plumbing: templates, render(), flash messages, redirects, the parsed form."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape
from python_multipart.multipart import parse_options_header
from starlette.datastructures import URL, FormData, UploadFile, URLPath
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.templating import Jinja2Templates
from starlette.types import Scope

from seminar import i18n, permissions, templating
from seminar.accounts.roles import role_label, role_labels
from seminar.operations.logs import note_seminar, request_info
from seminar.permissions import ANONYMOUS, Actor, require
from seminar.seminars.queries import get_seminar_or_404
from seminar.text import visible, visible_filename

if TYPE_CHECKING:
    from seminar.accounts.models import User
    from seminar.seminars.models import Seminar

SeminarPredicate = Callable[[Actor, "Seminar"], bool]

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


def _csrf_input(request: Request) -> Markup:
    # Written out rather than with `Markup.format`, whose formatter costs a page as much as a few links.
    return Markup(f'<input type="hidden" name="{CSRF_FIELD}" value="{escape(csrf_token(request))}">')


# Where a request keeps the start of its absolute addresses (scheme, host, root path), worked out once.
URL_BASE = "seminar.url_base"
# The same start for every request that says the same of what it is made of (`_url_base`).
_URL_BASES: dict[tuple[Any, ...], str] = {}
URL_BASES_KEPT = 1000  # Host headers are the client's to choose: start over rather than grow


def _url_base(request: Request) -> str:
    """Starlette's own address for the root, less its last "/": what every route's path follows ("" when
    there is none to join to). Starlette makes it of the scheme, the Host header (or the server's
    address), and the root path, parsing and joining the parts: kept by those, it is made once."""
    scope = request.scope
    host = next((value for name, value in scope["headers"] if name == b"host"), None)
    key = (scope.get("scheme", "http"), scope.get("server"), host, scope.get("app_root_path", scope.get("root_path", "")))
    base = _URL_BASES.get(key)
    if base is None:
        root = str(URLPath("/", protocol="http").make_absolute_url(request.base_url))
        base = root[:-1] if root.endswith("/") and "://" in root else ""
        if len(_URL_BASES) >= URL_BASES_KEPT:
            _URL_BASES.clear()
        _URL_BASES[key] = base
    return base


def url_for(request: Request, name: str, /, **path_params: Any) -> URL:
    """`request.url_for(name, **path_params)`: the same absolute address, made for less. Starlette
    works out the request's base address and joins the parts anew for every link; a page has dozens.
    The base is looked up once per request (`_url_base`), the path is the router's (which keeps it)."""
    scope = request.scope
    path = (scope.get("router") or scope["app"]).url_path_for(name, **path_params)
    base = scope.get(URL_BASE)
    if base is None:
        base = scope[URL_BASE] = _url_base(request)
    if not base or path.protocol != "http" or path.host:  # not a page's address on this host: Starlette's way
        return path.make_absolute_url(request.base_url)
    return URL(base + path)


@pass_context
def _template_url_for(context: Context, name: str, /, **path_params: Any) -> URL:
    return url_for(context["request"], name, **path_params)


def build_environment(locale: str | None = None) -> Environment:
    """The shared environment (`seminar.templating`) with what web pages add: `can.…` predicates, role labels,
    and `url_for` (this module's, in place of Starlette's); with `locale`, for pages in that language only."""
    env = templating.build_environment(locale)
    env.globals.update(can=permissions, role_label=role_label, role_labels=role_labels, url_for=_template_url_for)
    return env


templates = Jinja2Templates(env=build_environment())
# Pages (`render`, `render_part`): an environment a language, its messages translated as each template
# compiles. Mail, prints and the published files render with `templates`, in whatever language they are for.
_pages = {locale: Jinja2Templates(env=build_environment(locale)) for locale in i18n.LOCALES}


def actor(request: Request) -> Actor:
    return request.scope.get("actor", ANONYMOUS)


def signed_in_user(request: Request) -> User:
    """The signed-in user; anyone else is sent to the login page and brought back afterwards."""
    user = actor(request).user
    if user is None:
        login = url_for(request, "accounts:login").include_query_params(next=request.url.path)
        raise HTTPException(status_code=303, headers={"Location": str(login)})
    return user


# Where a signed-in request keeps the seminar its path names, read with who is asking (`ActorMiddleware`).
KEPT_SEMINAR = "seminar.kept"


def path_slug(path: str) -> str:
    """What a seminar's page has in its first segment (`/{slug}/…`); "" for a path of one segment."""
    parts = path.split("/", 2)
    # A NUL can't be sent to PostgreSQL as text; such an address is refused as a bad request anyway.
    return parts[1] if len(parts) == 3 and "\x00" not in parts[1] else ""


def keep_seminar(scope: Scope, seminar: Seminar) -> None:
    scope[KEPT_SEMINAR] = seminar


def kept_seminar(scope: Scope, slug: str) -> Seminar | None:
    """The seminar `keep_seminar` kept, once (a second look, e.g. after the route changed it, reads it anew)."""
    seminar = scope.pop(KEPT_SEMINAR, None)
    return seminar if seminar is not None and seminar.slug == slug else None


async def seminar_page(
    request: Request,
    allowed: SeminarPredicate | None = None,
    *,
    refused: int = 403,
    hidden_unless: SeminarPredicate | None = None,
    sign_in: bool = True,
) -> Seminar:
    """The seminar named in the path, if this person may open the page; its times are shown in its zone.

    Every seminar page checks in this order, so a page answers the same whoever asks:
    1. no seminar by that name: 404, for everyone, signed in or not (a login page would say it might exist);
    2. `sign_in` and nobody signed in: the login page, then back here;
    3. `hidden_unless` false: 404, where the policy hides the page from, e.g., outsiders but not members;
    4. `allowed` false: `refused` (403, or 404 where even the page's existence must not leak).
    """
    seminar = kept_seminar(request.scope, request.path_params["slug"]) or await get_seminar_or_404(request.path_params["slug"])
    note_seminar(request.scope, seminar.slug)
    if sign_in:
        signed_in_user(request)
    current = actor(request)
    if hidden_unless is not None:
        require(hidden_unless(current, seminar), status_code=404)
    if allowed is not None:
        require(allowed(current, seminar), status_code=refused)
    i18n.set_time_zone(seminar.time_zone)
    return seminar


def csrf_token(request: Request) -> str:
    if "session" not in request.scope:
        return ""
    token = request.session.get(CSRF_FIELD)
    if not token:
        token = secrets.token_urlsafe(32)
        request.session[CSRF_FIELD] = token
    return token


def flash(request: Request, message: str, category: str = "success") -> None:
    """Show `message` (already translated) once, on the next page rendered."""
    request.session.setdefault("flashes", []).append([category, message])


def pop_flashes(request: Request) -> list[tuple[str, str]]:
    if "session" not in request.scope:  # an error page rendered before the session loaded
        return []
    return [(category, message) for category, message in request.session.pop("flashes", [])]


def render(
    request: Request, template: str | list[str], context: dict[str, Any] | None = None, status_code: int = 200
) -> Response:
    info = request_info(request.scope)
    values = {
        "actor": actor(request),
        "request_id": info.id if info else "",
        "flashes": pop_flashes(request),
        "csrf_input": lambda: _csrf_input(request),
        "csrf_token": lambda: csrf_token(request),
        **(context or {}),
    }
    pages = _pages[i18n.get_locale()]
    if isinstance(template, list):  # the first that exists, e.g. errors/404.html then errors/error.html
        template = pages.env.select_template(template).name or template[-1]
    return pages.TemplateResponse(request, template, values, status_code=status_code)


def render_part(request: Request, template: str, context: dict[str, Any] | None = None) -> str:
    """A part of a page for the person asking, without taking their flash messages: what a page cached
    for everyone fills in per request, e.g. `render_part(request, "_account_nav.html")`."""
    values = {"request": request, "actor": actor(request), "csrf_input": lambda: _csrf_input(request), **(context or {})}
    return _pages[i18n.get_locale()].env.get_template(template).render(values)


def redirect(request: Request, name: str, **path_params: Any) -> RedirectResponse:
    """After a POST: 303, so the browser follows with a GET."""
    return RedirectResponse(url_for(request, name, **path_params), status_code=303)


def redirect_to(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def absolute_url(request: Request, name: str, **params: Any) -> str:
    """A page's full address, for what leaves the site: a calendar subscription, a mail."""
    return f"{request.app.state.settings.base_url.rstrip('/')}{request.app.url_path_for(name, **params)}"


async def form(request: Request) -> FormData:
    """The request's form, parsed once (the CSRF middleware may have parsed it already).

    A malformed body (a multipart without boundary, too many fields, a field over 1 MB)
    raises HTTPException(400).
    """
    parsed = request.scope.get("seminar.form")
    if parsed is None:
        parsed = clean_form(await _posted_form(request))
        request.scope["seminar.form"] = parsed
    return parsed


# Starlette's limits on a form (`Request.form`'s defaults): more fields, or a field longer, is refused.
FORM_FIELDS = 1000
FORM_PART_BYTES = 1024 * 1024


async def _posted_form(request: Request) -> FormData:
    """`request.form()`, a URL-encoded body (what every form but an upload sends, and the autosave)
    read by `urllib.parse.parse_qsl`: the same fields in the same order, decoded the same way
    (`tests/test_web.py`), for a third of the CPU — python-multipart's parser calls back for each
    part of each field, a sixth of an autosave. A body that might pass Starlette's limits goes to
    Starlette, which answers it as ever."""
    content_type, _options = parse_options_header(request.headers.get("content-type"))
    if content_type == b"application/x-www-form-urlencoded":
        body = await request.body()  # Starlette's parser, should it be needed, reads the body kept here
        if len(body) <= FORM_PART_BYTES:
            fields: list[tuple[str, str | UploadFile]] = [*parse_qsl(body.decode("latin-1"), keep_blank_values=True)]
            if len(fields) <= FORM_FIELDS:
                return FormData(fields)
    return await request.form()


def clean_form(parsed: FormData) -> FormData:
    """The form without control or invisible format characters (bidi overrides, zero-width spaces)
    in names, values and file names, whatever the client sent: see `seminar.text`."""
    items: list[tuple[str, str | UploadFile]] = []
    for key, value in parsed.multi_items():
        if isinstance(value, str):
            value = visible(value)
        elif value.filename:
            value.filename = visible_filename(value.filename)
        items.append((visible(key), value))
    return FormData(items)


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def safe_next(url: str | None, fallback: str = "/") -> str:
    """Only same-site paths may be redirect targets after login."""
    if url and url.startswith("/") and not url.startswith("//") and "\\" not in url:
        return url
    return fallback
