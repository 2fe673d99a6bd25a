"""Signing in and out: the session is rotated (cleared, new CSRF token) at every change of user."""

from __future__ import annotations

from starlette.requests import Request

from seminar.accounts.models import User


def start_session(request: Request, user: User) -> None:
    locale = request.session.get("locale")
    request.session.clear()
    request.session.update({"user_id": user.id, "epoch": user.session_epoch})
    if locale:
        request.session["locale"] = locale


def end_session(request: Request) -> None:
    locale = request.session.get("locale")
    request.session.clear()
    if locale:
        request.session["locale"] = locale


def keep_session(request: Request, user: User) -> None:
    """After the user's own password change: this session carries on, older ones have ended."""
    request.session["epoch"] = user.session_epoch
