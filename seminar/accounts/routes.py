"""Login, logout and the language switcher."""

from __future__ import annotations

import datetime as dt

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from seminar import i18n
from seminar.accounts.forms import LoginForm
from seminar.accounts.models import User
from seminar.accounts.passwords import verify_password
from seminar.accounts.sessions import end_session, start_session
from seminar.forms import bind
from seminar.i18n import _
from seminar.web import actor, flash, form, redirect, redirect_to, render, safe_next


async def login(request: Request) -> Response:
    login_form = await bind(LoginForm, request, data={"next": request.query_params.get("next", "")})
    if request.method == "POST" and login_form.validate():
        email = login_form.email.data.strip().lower()
        user = await User.get_or_none(email=email, is_active=True)
        if verify_password(user.password_hash if user else "", login_form.password.data):
            assert user is not None
            start_session(request, user)
            user.last_login_at = dt.datetime.now(dt.UTC)
            await user.save(update_fields=["last_login_at"])
            flash(request, _("Welcome, %(name)s.", name=user.name))
            return redirect_to(safe_next(login_form.next.data, str(request.url_for("seminars:index"))))
        login_form.form_errors.append(_("The e-mail or password is not correct."))
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/login.html", {"form": login_form}, status_code=status)


async def logout(request: Request) -> Response:
    end_session(request)
    flash(request, _("You are logged out."))
    return redirect(request, "seminars:index")


async def language(request: Request) -> Response:
    data = await form(request)
    locale = str(data.get("locale", ""))
    if locale in i18n.LOCALES:
        request.session["locale"] = locale
        current = actor(request).user
        if current is not None:
            current.locale = locale
            await current.save(update_fields=["locale"])
    return redirect_to(safe_next(str(data.get("next", "")), "/"))


async def profile(request: Request) -> Response:
    current = actor(request)
    if current.user is None:
        return redirect_to(f"{request.url_for('accounts:login')}?next={request.url.path}")
    await current.user.fetch_related("unit")
    return render(request, "accounts/profile.html", {"user": current.user})


routes: list[BaseRoute] = [
    Route("/login", login, methods=["GET", "POST"], name="accounts:login"),
    Route("/logout", logout, methods=["POST"], name="accounts:logout"),
    Route("/profile", profile, name="accounts:profile"),
    Route("/language", language, methods=["POST"], name="accounts:language"),
]
