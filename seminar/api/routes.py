"""/api/v1/: read-only JSON for other systems, with a personal access token as `Authorization: Bearer …`.

No session cookie counts here (`ActorMiddleware` leaves every /api request anonymous), so there is
no CSRF question: a request is as strong as its token. The token reads one seminar, as its owner
may through the pages — the same predicates of `seminar.permissions` decide. Errors are JSON
(`Problem`): 401 without a usable token, 403 for what the owner may not read, 404 for what is not
there for them (another seminar, a paper they may not see).

The endpoints are described once, in ENDPOINTS: the routes and the OpenAPI document are made from it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from seminar import permissions
from seminar.api import actions, queries, shapes
from seminar.api.tokens import secret_hash
from seminar.i18n import _
from seminar.permissions import Actor
from seminar.seminars.models import Seminar

PREFIX = "/api/v1"
# Every path of the API, for the middleware and error handlers that answer it differently.
API_PREFIX = "/api/"
MAX_PER_PAGE = 100
LARGEST_NUMBER = 2**31 - 1  # a paper number is an INTEGER column: beyond it, no paper (and no query)
DEFAULT_PER_PAGE = 50


class ApiError(Exception):
    def __init__(self, status_code: int, error: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status_code, self.error, self.message, self.headers = status_code, error, message, headers or {}


def problem(status_code: int, error: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    body = shapes.to_json(shapes.Problem(error=error, message=message))
    return JSONResponse(body, status_code=status_code, headers={"Cache-Control": "no-store", **(headers or {})})


# What an HTTP status says when the router or a check answers it without words of its own.
def status_problem(status_code: int) -> JSONResponse:
    errors = {
        400: ("bad_request", _("The request is not valid.")),
        401: ("unauthorized", _("A valid API token is required.")),
        403: ("forbidden", _("Your token may not read this.")),
        404: ("not_found", _("Nothing is here, or not for your token.")),
        413: ("too_large", _("The API takes no request body.")),
        405: ("method_not_allowed", _("The API only reads: use GET.")),
    }
    error, message = errors.get(status_code, ("error", _("The request could not be answered.")))
    return problem(status_code, error, message)


@dataclass(frozen=True)
class Caller:
    """Who is asking through the API: the token, its owner as an actor in its seminar, and that seminar."""

    token_id: int
    actor: Actor
    seminar: Seminar


def _unauthorized(message: str, reason: str = "invalid_token") -> ApiError:
    return ApiError(401, "unauthorized", message, {"WWW-Authenticate": f'Bearer realm="api", error="{reason}"'})


async def authenticate(request: Request) -> Caller:
    header = request.headers.get("authorization", "")
    if not header:
        raise ApiError(401, "unauthorized", _("Send your API token as “Authorization: Bearer <token>”."),
                       {"WWW-Authenticate": 'Bearer realm="api"'})
    scheme, _space, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise _unauthorized(_("Only the Bearer scheme is accepted: “Authorization: Bearer <token>”."), "invalid_request")
    token = await queries.token_by_hash(secret_hash(secret.strip()))
    now = dt.datetime.now(dt.UTC)
    if token is None:
        raise _unauthorized(_("This API token is not known."))
    if token.revoked_at is not None:
        raise _unauthorized(_("This API token has been revoked."))
    if token.expires_at is not None and token.expires_at <= now:
        raise _unauthorized(_("This API token has expired."))
    if not token.user.is_active:
        raise _unauthorized(_("The account of this API token is deactivated."))
    actor = await queries.token_actor(token.user, token.seminar_id)
    await actions.note_use(token, now)
    if not permissions.can_read_through_api(actor, token.seminar):
        raise ApiError(403, "forbidden", _("The owner of this API token no longer holds a role in its seminar."))
    return Caller(token.id, actor, token.seminar)


def page_params(request: Request) -> tuple[int, int]:
    def number(name: str, default: int, largest: int | None = None) -> int:
        text = request.query_params.get(name)
        if text is None:
            return default
        if not text.isdigit() or int(text) < 1 or (largest is not None and int(text) > largest):
            limit = f" (1–{largest})" if largest else ""
            raise ApiError(400, "bad_request", _("“%(name)s” must be a whole number of at least 1%(limit)s.", name=name, limit=limit))
        return int(text)

    return number("page", 1, 10**6), number("per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)


def seminar_of(request: Request, caller: Caller) -> Seminar:
    """The seminar in the path, which must be the token's: any other is not there for it (404)."""
    if request.path_params.get("slug") != caller.seminar.slug:
        raise ApiError(404, "not_found", _("No seminar by that name for this token."))
    return caller.seminar


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise ApiError(403, "forbidden", message)


# ---------- the endpoints ----------


async def list_seminars(request: Request, caller: Caller) -> Any:
    page, per_page = page_params(request)
    items = [queries.seminar_shape(caller.seminar, caller.actor)] if page == 1 else []
    return shapes.Page(items=items, page=page, per_page=per_page, total=1, pages=1)


async def get_seminar(request: Request, caller: Caller) -> Any:
    return queries.seminar_shape(seminar_of(request, caller), caller.actor)


async def list_topics(request: Request, caller: Caller) -> Any:
    return await queries.topics(seminar_of(request, caller), *page_params(request))


async def list_papers(request: Request, caller: Caller) -> Any:
    return await queries.papers(caller.actor, seminar_of(request, caller), *page_params(request))


async def get_paper(request: Request, caller: Caller) -> Any:
    seminar = seminar_of(request, caller)
    number = request.path_params["number"]
    found = await queries.paper(caller.actor, seminar, number) if number <= LARGEST_NUMBER else None
    if found is None:
        raise ApiError(404, "not_found", _("No paper with that number for this token."))
    return found


async def list_reviews(request: Request, caller: Caller) -> Any:
    seminar = seminar_of(request, caller)
    require(permissions.can_manage_reviews(caller.actor, seminar), _("Review summaries are for the seminar's organizers."))
    return await queries.review_summaries(seminar, *page_params(request))


async def list_decisions(request: Request, caller: Caller) -> Any:
    seminar = seminar_of(request, caller)
    require(
        permissions.can_decide(caller.actor, seminar) or permissions.can_submit_papers(caller.actor, seminar),
        _("Decisions are for the organizers, and for the cities whose papers they concern."),
    )
    return await queries.decisions(caller.actor, seminar, *page_params(request))


async def get_agenda(request: Request, caller: Caller) -> Any:
    return await queries.agenda(seminar_of(request, caller))


async def list_registrations(request: Request, caller: Caller) -> Any:
    seminar = seminar_of(request, caller)
    require(permissions.can_manage_registrations(caller.actor, seminar), _("Registrations are for the seminar's organizers."))
    return await queries.registrations(seminar, *page_params(request))


@dataclass(frozen=True)
class Endpoint:
    path: str  # under PREFIX, in Starlette's syntax
    name: str
    handler: Callable[[Request, Caller], Awaitable[Any]]
    summary: str
    answer: type
    paged: bool = False
    # Every endpoint may answer these: 400 for a bad query parameter or a NUL in the address (refused
    # before any route), 401 without a usable token, 403 once its owner holds no role in its seminar.
    errors: tuple[int, ...] = (400, 401, 403, 404)
    description: str = ""
    parameters: list[dict[str, Any]] = field(default_factory=list)


SLUG = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"},
        "description": "The seminar's short name, as in its address: the token's own seminar."}
NUMBER = {"name": "number", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 0, "maximum": LARGEST_NUMBER},
          "description": "The paper's number in the seminar."}
PAGING = [
    {"name": "page", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1, "maximum": 10**6, "default": 1},
     "description": "Which page; past the last, the last."},
    {"name": "per_page", "in": "query", "required": False,
     "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE}},
]

ENDPOINTS = [
    Endpoint("/seminars", "api:seminars", list_seminars, "The token's seminar, as a list of one", shapes.Seminar,
             paged=True, parameters=PAGING),
    Endpoint("/seminars/{slug}", "api:seminar", get_seminar, "The seminar", shapes.Seminar, parameters=[SLUG]),
    Endpoint("/seminars/{slug}/topics", "api:topics", list_topics, "Its topics (专题)", shapes.Topic,
             paged=True, parameters=[SLUG, *PAGING]),
    Endpoint("/seminars/{slug}/papers", "api:papers", list_papers, "Its papers, as the token's owner may see them",
             shapes.Paper, paged=True, parameters=[SLUG, *PAGING],
             description="Organizers: every paper. A city's submitters: their city's papers. Reviewers: the papers "
                         "assigned to them, without city or authors. Readers of the published book: its papers, "
                         "without city or authors."),
    Endpoint("/seminars/{slug}/papers/{number:int}", "api:paper", get_paper, "One paper", shapes.Paper,
             parameters=[SLUG, NUMBER]),
    Endpoint("/seminars/{slug}/reviews", "api:reviews", list_reviews, "Reviews counted per paper (organizers)",
             shapes.ReviewSummary, paged=True, parameters=[SLUG, *PAGING],
             description="How many reviews each paper sent in has, and the mean total of the submitted ones; "
                         "never who reviewed or what they wrote."),
    Endpoint("/seminars/{slug}/decisions", "api:decisions", list_decisions, "Decisions (organizers; cities: their released ones)",
             shapes.Decision, paged=True, parameters=[SLUG, *PAGING]),
    Endpoint("/seminars/{slug}/agenda", "api:agenda", get_agenda, "The published agenda", shapes.Agenda,
             parameters=[SLUG]),
    Endpoint("/seminars/{slug}/registrations", "api:registrations", list_registrations, "Registrations (organizers)",
             shapes.Registration, paged=True, parameters=[SLUG, *PAGING]),
]


def _endpoint(spec: Endpoint) -> Callable[[Request], Awaitable[Response]]:
    async def answer(request: Request) -> Response:
        try:
            caller = await authenticate(request)
            result = await spec.handler(request, caller)
        except ApiError as error:
            return problem(error.status_code, error.error, error.message, error.headers)
        return JSONResponse(shapes.to_json(result), headers={"Cache-Control": "no-store"})

    answer.__name__ = spec.name.replace(":", "_")
    return answer


# ---------- the OpenAPI document ----------

ERROR_DESCRIPTIONS = {
    400: "A query parameter is not valid.",
    401: "No token, another scheme than Bearer, or a token unknown, revoked or expired.",
    403: "The token's owner may not read this, or no longer holds a role in its seminar.",
    404: "Not there for this token: another seminar, or an object its owner may not see.",
}


def _openapi_path(path: str) -> str:
    return PREFIX + path.replace(":int}", "}")


def openapi_document() -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for spec in ENDPOINTS:
        schema = (
            {"$ref": f"#/components/schemas/{spec.answer.__name__}Page"} if spec.paged
            else {"$ref": f"#/components/schemas/{spec.answer.__name__}"}
        )
        responses: dict[str, Any] = {"200": {"description": "OK", "content": {"application/json": {"schema": schema}}}}
        for status in spec.errors:
            responses[str(status)] = {
                "description": ERROR_DESCRIPTIONS[status],
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
            }
        operation = {"operationId": spec.name.replace(":", "_"), "summary": spec.summary, "parameters": spec.parameters,
                     "responses": responses, "security": [{"bearer": []}]}
        if spec.description:
            operation["description"] = spec.description
        paths[_openapi_path(spec.path)] = {"get": operation}
    schemas = shapes.components([shapes.Problem, *(spec.answer for spec in ENDPOINTS)])
    for spec in ENDPOINTS:
        if spec.paged:
            schemas[f"{spec.answer.__name__}Page"] = shapes.page_schema(spec.answer)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "研讨班 seminar system — read API",
            "version": "1",
            "description": "Read-only access to one seminar with a personal access token (made on the "
                           "account's “API tokens” page), sent as `Authorization: Bearer <token>`.",
        },
        "paths": paths,
        "components": {
            "schemas": dict(sorted(schemas.items())),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


async def openapi(request: Request) -> Response:
    return JSONResponse(openapi_document())


routes: list[BaseRoute] = [
    Route(f"{PREFIX}/openapi.json", openapi, name="api:openapi"),
    *(Route(PREFIX + spec.path, _endpoint(spec), name=spec.name) for spec in ENDPOINTS),
]
