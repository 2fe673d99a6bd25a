"""The outermost middleware: each request gets an id, a log line and its metrics."""

from __future__ import annotations

import logging
import re
import secrets
import time

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from seminar.operations import logs, metrics

logger = logging.getLogger("seminar.request")

REQUEST_ID_HEADER = "X-Request-ID"
# What a proxy's id may look like to be taken (nginx's $request_id is 32 hex digits).
PROXY_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,64}")
# Asked every few seconds by probes and scrapers, or for every page's files: their lines are DEBUG.
QUIET_ROUTES = frozenset({"healthz", "operations:readyz", "operations:metrics", "static", "favicon"})


def new_request_id() -> str:
    return secrets.token_hex(8)


def request_id_for(offered: str, trust: bool) -> str:
    """The proxy's id (`offered`, from X-Request-ID) when trusted and well formed, else a new one."""
    return offered if trust and PROXY_REQUEST_ID.fullmatch(offered) else new_request_id()


def finish_request(info: logs.RequestInfo, method: str, status: int, seconds: float) -> None:
    """Count the request and log its line (DEBUG for the quiet ones, which are not written)."""
    metrics.observe_request(info.route, method, status, seconds)
    level = logging.DEBUG if info.quiet or info.route in QUIET_ROUTES else logging.INFO
    if not logger.isEnabledFor(level):
        return
    with logs.request_context(info):
        logger.log(
            level, "%s %s %s in %d ms", method, info.route or metrics.UNMATCHED, status, seconds * 1000,
            extra={"method": method, "status": status, "duration_ms": round(seconds * 1000, 1)},
        )


class RequestContextMiddleware:
    """Gives each request its id (or takes the proxy's, with TRUST_REQUEST_ID), sends it back in
    X-Request-ID, and when the answer is complete logs one line and counts it.

    A request that raises is counted as a 500 here; the error page itself is sent by Starlette's
    outermost handler (`app.server_error`), which sets the header from the scope.
    """

    def __init__(self, app: ASGIApp, trust_request_id: bool = False) -> None:
        self.app = app
        self.trust_request_id = trust_request_id

    def _request_id(self, scope: Scope) -> str:
        offered = Headers(scope=scope).get(REQUEST_ID_HEADER, "") if self.trust_request_id else ""
        return request_id_for(offered, self.trust_request_id)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        info = logs.RequestInfo(self._request_id(scope))
        scope[logs.SCOPE_KEY] = info
        started = time.perf_counter()
        status = 500  # unless an answer starts

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = info.id
            await send(message)

        with logs.request_context(info):
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                finish_request(info, scope["method"], status, time.perf_counter() - started)
