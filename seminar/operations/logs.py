"""Log lines: readable text, or one JSON object per line (LOG_FORMAT=json), each naming the request
it belongs to.

A request's id, route, user id and seminar sit in a context variable while it is answered
(`RequestContextMiddleware` sets it; the actor middleware and `seminar_page` fill in the user and
the seminar); `ContextFilter` copies them onto every record. The outbox mail and the book build a
request causes keep its id (`request_id` on their rows), and the worker works under that id
(`working_for`), so its lines about that work carry it too.

Lines name people by user id and seminars by slug: never an e-mail address, a name or a phone
number, and never a path (a reset or invitation link carries its token in the path). What slips
through all the same — an SMTP server's reply quoting the recipient, a database error quoting a
value — is masked by `redact` as the line is written.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import re
from collections.abc import Iterator, MutableMapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

LOG_FORMATS = ("text", "json")
# Where the request's `RequestInfo` lives in the ASGI scope. Middleware that copies the scope (the
# database guard retries on a copy) copies the reference: everyone fills in the same object.
SCOPE_KEY = "seminar.request"
# The fields a line may carry besides time, level, logger and message, in the order written.
CONTEXT_FIELDS = ("request_id", "route", "user_id", "seminar")
REQUEST_FIELDS = ("method", "status", "duration_ms")


@dataclass
class RequestInfo:
    id: str
    user_id: int | None = None
    seminar: str | None = None
    # The scope the router matched in: the route is read from it (set there before the endpoint runs).
    routed_scope: MutableMapping[str, Any] | None = field(default=None, repr=False)
    # Answered from memory, like a static file (a published agenda file): its line is DEBUG.
    quiet: bool = False

    @property
    def route(self) -> str | None:
        route = (self.routed_scope or {}).get("route")
        return getattr(route, "name", None)


_current: ContextVar[RequestInfo | None] = ContextVar("seminar_request", default=None)


@contextlib.contextmanager
def request_context(info: RequestInfo | None) -> Iterator[None]:
    """Lines logged in the block belong to this request."""
    token = _current.set(info)
    try:
        yield
    finally:
        _current.reset(token)


def working_for(request_id: str) -> contextlib.AbstractContextManager[None]:
    """The worker's lines in the block carry the id of the request that caused the work (none: no id)."""
    return request_context(RequestInfo(request_id)) if request_id else contextlib.nullcontext()


def current_request_id() -> str:
    """The id of the request (or of the work a worker does for one) being handled; "" outside any."""
    info = _current.get()
    return info.id if info else ""


def request_info(scope: MutableMapping[str, Any]) -> RequestInfo | None:
    return scope.get(SCOPE_KEY)


def note_routed(scope: MutableMapping[str, Any]) -> None:
    """Called by the router: the route it matches in this scope names the request from now on."""
    if (info := request_info(scope)) is not None:
        info.routed_scope = scope


def note_user(scope: MutableMapping[str, Any], user_id: int) -> None:
    if (info := request_info(scope)) is not None:
        info.user_id = user_id


def note_seminar(scope: MutableMapping[str, Any], slug: str) -> None:
    if (info := request_info(scope)) is not None:
        info.seminar = slug


# ---------- Keeping personal data out ----------

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Mainland mobile numbers (with or without +86) and landlines with their area code (020-12345678).
# ASCII bounds: a number right after Chinese text (电话13812345678) is still one.
_PHONE = re.compile(
    r"(?<![0-9A-Za-z.])(?:(?:\+|00)?86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}(?![0-9A-Za-z])"
    r"|(?<![0-9A-Za-z])0\d{2,3}-\d{7,8}(?![0-9A-Za-z])"
)
REDACTED_EMAIL = "[e-mail]"
REDACTED_PHONE = "[phone]"


def redact(text: str) -> str:
    """`text` with e-mail addresses and phone numbers masked."""
    return _PHONE.sub(REDACTED_PHONE, _EMAIL.sub(REDACTED_EMAIL, text))


# ---------- Records and formats ----------


class ContextFilter(logging.Filter):
    """Puts the current request's id, route, user id and seminar on every record a handler writes."""

    def filter(self, record: logging.LogRecord) -> bool:
        info = _current.get()
        if info is not None:
            record.request_id = info.id
            record.route = info.route
            record.user_id = info.user_id
            record.seminar = info.seminar
        return True


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    return {
        name: value for name in CONTEXT_FIELDS + REQUEST_FIELDS if (value := getattr(record, name, None)) is not None
    }


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC), level, logger, message, then whichever fields the line has."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
            **_fields(record),
        }
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        elif record.stack_info:
            entry["stack"] = redact(self.formatStack(record.stack_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """`2026-11-25 09:30:01,234 INFO seminar.request: GET accounts:login 200 in 12 ms [request=… user=3]`."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = redact(super().format(record))
        context = " ".join(
            f"{name.removesuffix('_id')}={getattr(record, name)}"
            for name in CONTEXT_FIELDS
            if name != "route" and getattr(record, name, None) is not None
        )
        if not context:
            return line
        first, newline, rest = line.partition("\n")  # a traceback follows the line, not the context
        return f"{first} [{context}]{newline}{rest}"


def lean_records() -> None:
    """Records without what no line of ours writes: the caller's file and line (a walk up the stack for
    each record), thread and process names. A request's line cost a fifth less. The switches are
    those the logging HOWTO's "Optimization" section names; every process that serves sets them."""
    logging._srcfile = None  # documented in the HOWTO, private by name
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False


def logging_config(log_format: str) -> dict[str, Any]:
    """The `logging.config.dictConfig` of every process: the site's, uvicorn's own lines, the worker's.

    Everything goes to standard error through one handler. uvicorn's access log is off: the
    request line of `RequestContextMiddleware` says more, and never shows the path.
    """
    if log_format not in LOG_FORMATS:
        raise ValueError(f"LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}, not {log_format!r}")
    formatter = JsonFormatter if log_format == "json" else TextFormatter
    propagate = {"handlers": [], "propagate": True}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": ContextFilter}},
        "formatters": {"line": {"()": formatter}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler", "stream": "ext://sys.stderr", "formatter": "line",
                "filters": ["context"],
            },
        },
        "root": {"level": "INFO", "handlers": ["stderr"]},
        "loggers": {
            "uvicorn": {"level": "INFO", **propagate},
            "uvicorn.error": {"level": "INFO", **propagate},
            "uvicorn.access": {"level": "WARNING", **propagate},
        },
    }


def configure(log_format: str) -> None:
    """Log as `logging_config` says (the worker and the other commands; uvicorn applies it itself)."""
    import logging.config

    logging.config.dictConfig(logging_config(log_format))
    logging.captureWarnings(True)
