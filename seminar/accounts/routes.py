"""Logging in and out, the language switcher, profile, invitation links and password resets."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from seminar import i18n
from seminar.accounts import actions, queries
from seminar.accounts.access import mail_links
from seminar.accounts.forms import ChangePasswordForm, ForgotPasswordForm, LoginForm, NewPasswordForm, ProfileForm
from seminar.accounts.people_routes import routes as people_routes
from seminar.accounts.two_factor_routes import routes as two_factor_routes
from seminar.accounts.unit_routes import routes as unit_routes
from seminar.accounts.sessions import end_session, keep_session, start_pending_login, start_session
from seminar.errors import UserError
from seminar.forms import bind
from seminar.i18n import _
from seminar.web import actor, client_ip, flash, form, redirect, redirect_to, render, safe_next, signed_in_user

if TYPE_CHECKING:
    from seminar.accounts.models import AccountToken, User


async def login(request: Request) -> Response:
    login_form = await bind(LoginForm, request, data={"next": request.query_params.get("next", "")})
    if request.method == "POST" and login_form.validate():
        email = login_form.email.data.lower()
        settings = request.app.state.settings
        try:
            user = await actions.log_in(email, login_form.password.data, client_ip(request), settings)
        except UserError as error:
            login_form.form_errors.append(error.message)
        else:
            next_url = safe_next(login_form.next.data, str(request.url_for("seminars:index")))
            if user.two_factor_enabled:
                start_pending_login(request, user, next_url)
                return redirect(request, "accounts:login_code")
            await start_session(request, user)
            flash(request, _("Welcome, %(name)s.", name=user.name))
            return redirect_to(next_url)
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/login.html", {"form": login_form}, status_code=status)


async def logout(request: Request) -> Response:
    await end_session(request)
    flash(request, _("You are logged out."))
    return redirect(request, "seminars:index")


async def language(request: Request) -> Response:
    data = await form(request)
    locale = str(data.get("locale", ""))
    if locale in i18n.LOCALES:
        request.session["locale"] = locale
        current = actor(request).user
        if current is not None:
            await actions.set_language(current, locale)
    return redirect_to(safe_next(str(data.get("next", "")), "/"))


async def _render_profile(request: Request, user: User, profile_form: ProfileForm, password_form: ChangePasswordForm, status_code: int = 200) -> Response:
    context = {"user": await queries.with_unit(user), "form": profile_form, "password_form": password_form}
    return render(request, "accounts/profile.html", context, status_code=status_code)


async def profile(request: Request) -> Response:
    user = signed_in_user(request)
    profile_form = await bind(ProfileForm, request, obj=user)
    if request.method == "POST":
        if profile_form.validate():
            await actions.update_profile(
                user, name=profile_form.name.data, phone=profile_form.phone.data,
                position=profile_form.position.data, locale=profile_form.locale.data or "",
            )
            if user.locale:
                i18n.set_locale(user.locale)  # the confirmation already speaks the chosen language
            flash(request, _("Your profile has been saved."))
            return redirect(request, "accounts:profile")
        return await _render_profile(request, user, profile_form, ChangePasswordForm(), status_code=400)
    return await _render_profile(request, user, profile_form, ChangePasswordForm())


async def change_password(request: Request) -> Response:
    user = signed_in_user(request)
    password_form = await bind(ChangePasswordForm, request)
    if password_form.validate():
        try:
            await actions.change_password(
                user, password_form.current_password.data, password_form.password.data, password_form.confirm.data,
                client_ip(request), request.app.state.settings,
            )
        except UserError as error:
            getattr(password_form, error.field or "password").errors = [error.message]
        else:
            keep_session(request, user)
            flash(request, _("Your password has been changed. Other sessions have been logged out."))
            return redirect(request, "accounts:profile")
    return await _render_profile(request, user, ProfileForm(obj=user), password_form, status_code=400)


@dataclass(frozen=True)
class _Link:
    """What differs between an invitation link and a password-reset link."""

    load: Callable[[str], Awaitable[AccountToken]]
    use: Callable[[AccountToken, str, str], Awaitable[User]]
    template: str
    welcomes: bool  # an invitation lands on its seminar's page with a welcome


INVITATION = _Link(actions.usable_invitation, actions.accept_invitation, "accounts/invitation.html", welcomes=True)
PASSWORD_RESET = _Link(actions.usable_reset_link, actions.reset_password, "accounts/reset_password.html", welcomes=False)


def _link_invalid(request: Request, error: UserError) -> Response:
    return render(request, "accounts/link_invalid.html", {"message": error.message}, status_code=400)


async def _token_page(request: Request, link: _Link) -> Response:
    """Shared by invitation and reset links: show the form, or a clear page when the link is spent."""
    try:
        row = await link.load(request.path_params["token"])
    except UserError as error:
        return _link_invalid(request, error)
    password_form = await bind(NewPasswordForm, request)
    if request.method == "POST" and password_form.validate():
        try:
            user = await link.use(row, password_form.password.data, password_form.confirm.data)
        except UserError as error:
            if error.field is None:
                return _link_invalid(request, error)
            getattr(password_form, error.field).errors = [error.message]
        else:
            await start_session(request, user)
            if link.welcomes and row.seminar is not None:
                flash(request, _("Welcome, %(name)s. Your account is ready.", name=user.name))
                return redirect(request, "seminars:landing", slug=row.seminar.slug)
            flash(request, _("Your password has been changed. Other sessions have been logged out."))
            return redirect(request, "seminars:index")
    status = 400 if request.method == "POST" else 200
    roles = await queries.roles_in(row.seminar, row.user)
    context = {"form": password_form, "person": row.user, "seminar": row.seminar, "roles": roles, "expires_at": row.expires_at}
    return render(request, link.template, context, status_code=status)


async def invitation(request: Request) -> Response:
    return await _token_page(request, INVITATION)


async def reset_password(request: Request) -> Response:
    return await _token_page(request, PASSWORD_RESET)


async def forgot_password(request: Request) -> Response:
    forgot_form = await bind(ForgotPasswordForm, request)
    if request.method == "POST" and forgot_form.validate():
        await actions.request_password_reset(forgot_form.email.data.lower(), request.app.state.settings, mail_links(request))
        flash(request, _("If an account exists for this address, we have sent it a link to set a new password."))
        return redirect(request, "accounts:login")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/forgot_password.html", {"form": forgot_form}, status_code=status)


routes: list[BaseRoute] = [
    Route("/login", login, methods=["GET", "POST"], name="accounts:login"),
    Route("/logout", logout, methods=["POST"], name="accounts:logout"),
    Route("/profile", profile, methods=["GET", "POST"], name="accounts:profile"),
    Route("/profile/password", change_password, methods=["POST"], name="accounts:change_password"),
    Route("/language", language, methods=["POST"], name="accounts:language"),
    Route("/invitation/{token}", invitation, methods=["GET", "POST"], name="accounts:invitation"),
    Route("/password/forgot", forgot_password, methods=["GET", "POST"], name="accounts:forgot_password"),
    Route("/password/reset/{token}", reset_password, methods=["GET", "POST"], name="accounts:reset_password"),
    *two_factor_routes,
    *people_routes,
    *unit_routes,
]
