"""Recording every state-changing request in one place, so no area can forget to.

The middleware sits inside the CSRF check (only genuine requests get this far) and writes an
entry after a successful response (status below 400) to an unsafe request by a signed-in person.
It records which action (the route's name), on what (the path parameters), which fields were
sent (names only: values may be passwords or personal data), from where and when.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable

from starlette.datastructures import FormData
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from seminar.audit.models import AuditEntry
from seminar.permissions import Actor

logger = logging.getLogger(__name__)

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# Field names never worth recording: the token, and nothing of passwords but that one was set.
IGNORED_FIELDS = {"csrf_token"}
# Frequent, low-value changes: a language choice, a review draft saved every half minute.
NOT_AUDITED = {"accounts:language"}
NOT_AUDITED_SUFFIXES = (":autosave",)
# The scope key under which a route adds to the entry's target, e.g. {"slug": the new seminar's}.
AUDIT_TARGET = "audit.target"


def endpoint_names(routes: Iterable[BaseRoute]) -> dict[Callable[..., object], str]:
    names: dict[Callable[..., object], str] = {}
    for route in routes:
        if isinstance(route, Route) and route.name:
            names.setdefault(route.endpoint, route.name)
    return names


def is_audited(action: str, method: str, status_code: int) -> bool:
    if method not in UNSAFE_METHODS or status_code >= 400:
        return False
    return action not in NOT_AUDITED and not action.endswith(NOT_AUDITED_SUFFIXES)


def field_names(form: FormData | None) -> list[str]:
    if form is None:
        return []
    return sorted({key for key in form.keys() if key not in IGNORED_FIELDS})


class AuditMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._names: dict[Callable[..., object], str] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in UNSAFE_METHODS:
            await self.app(scope, receive, send)
            return
        status: dict[str, int] = {}

        async def remember_status(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        await self.app(scope, receive, remember_status)
        actor: Actor | None = scope.get("actor")
        if actor is None or actor.user is None or "code" not in status:
            return
        if self._names is None:
            self._names = endpoint_names(scope["app"].routes)
        path: str = scope["path"]
        endpoint = scope.get("endpoint")
        action = path if endpoint is None else self._names.get(endpoint, path)
        if not is_audited(action, scope["method"], status["code"]):
            return
        try:
            await write_entry(scope, actor, action, status["code"])
        except Exception:  # noqa: BLE001  # the change itself succeeded: a lost log line must not turn it into an error
            logger.exception("could not write the audit entry for %s", action)


async def write_entry(scope: Scope, actor: Actor, action: str, status_code: int) -> None:
    from seminar.seminars.models import Seminar

    params = {key: str(value) for key, value in scope.get("path_params", {}).items()}
    # What a route made that its path does not name (the slug of an imported seminar).
    params.update({key: str(value) for key, value in scope.get(AUDIT_TARGET, {}).items()})
    seminar_id = None
    if "slug" in params:
        seminar_id = await Seminar.filter(slug=params["slug"]).first().values_list("id", flat=True)
    headers = {key.decode("latin-1"): value.decode("latin-1") for key, value in scope["headers"]}
    client = scope.get("client")
    assert actor.user is not None
    await AuditEntry.create(
        user_id=actor.user.id,
        user_email=actor.user.email,
        user_name=actor.user.name,
        seminar_id=seminar_id,
        action=action,
        method=scope["method"],
        path=scope["path"][:500],
        target=params,
        field_names=field_names(scope.get("seminar.form")),
        status_code=status_code,
        ip=client[0] if client else "",
        user_agent=headers.get("user-agent", "")[:200],
    )


async def prune_audit_log(retention_days: int, now: dt.datetime | None = None) -> int:
    """Delete entries older than the retention period; returns how many went."""
    cutoff = (now or dt.datetime.now(dt.UTC)) - dt.timedelta(days=retention_days)
    return await AuditEntry.filter(at__lt=cutoff).delete()
