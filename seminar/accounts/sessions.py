"""Signing in and out: the session is rotated (cleared, new CSRF token) at every change of user.

The cookie is signed and carries the user, their session epoch and the key of a `LoginSession`
row: logging out deletes the row, so the cookie stops working everywhere, copies included.
"""

from __future__ import annotations

import time

from starlette.requests import Request

from seminar.accounts.actions import close_session, open_session
from seminar.accounts.models import User

# Where the cookie keeps the key of its `LoginSession` row.
SESSION_KEY = "key"


async def start_session(request: Request, user: User) -> None:
    key = await open_session(user, request.app.state.settings.session_max_seconds)
    locale = request.session.get("locale")
    request.session.clear()
    now = int(time.time())
    request.session.update({"user_id": user.id, "epoch": user.session_epoch, SESSION_KEY: key, "since": now, "seen": now})
    if locale:
        request.session["locale"] = locale


async def end_session(request: Request) -> None:
    key = request.session.get(SESSION_KEY)
    if isinstance(key, str):
        await close_session(key)
    clear_session(request.session)


def clear_session(session: dict) -> None:
    """Forget the user (and the CSRF token with it); keep only the language chosen."""
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale


def keep_session(request: Request, user: User) -> None:
    """After the user's own password change: this session carries on, older ones have ended."""
    request.session["epoch"] = user.session_epoch


def session_expired(session: dict, now: float, idle_seconds: int, max_seconds: int) -> bool:
    """Idle too long since the last request, or signed in too long ago: sign in again."""
    seen = session.get("seen", session.get("since", 0))
    since = session.get("since", seen)
    return now - seen > idle_seconds or now - since > max_seconds


PENDING_LOGIN = "pending_login"


def start_pending_login(request: Request, user: User, next_url: str) -> None:
    """The password was right and a code is still due: remember who, not yet signed in."""
    clear_session(request.session)
    request.session[PENDING_LOGIN] = {"user_id": user.id, "epoch": user.session_epoch, "at": time.time(), "next": next_url}


def pending_login(session: dict, now: float, max_seconds: int) -> dict | None:
    """The half-finished login, or None when there is none or it is older than `max_seconds`."""
    pending = session.get(PENDING_LOGIN)
    if not isinstance(pending, dict) or now - pending.get("at", 0) > max_seconds:
        return None
    return pending
