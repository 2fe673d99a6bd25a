"""Two-step verification pages: the code after the password, setting it up, turning it off."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from seminar.accounts import two_factor
from seminar.accounts.forms import AppCodeForm, TwoFactorCodeForm, TwoFactorConfirmForm
from seminar.accounts.qr import qr_svg
from seminar.accounts.sessions import PENDING_LOGIN, keep_session, pending_login, start_session
from seminar.errors import UserError
from seminar.forms import BaseForm, bind
from seminar.i18n import _
from seminar.web import client_ip, flash, redirect, redirect_to, render, signed_in_user

if TYPE_CHECKING:
    from seminar.accounts.models import User

DISABLE_PREFIX = "disable-"
RENEW_PREFIX = "renew-"


def _show_error(form: TwoFactorCodeForm, error: UserError) -> None:
    """The message on its field; the code typed is not shown again (a new one is due anyway)."""
    form.code.data = ""
    if error.field and hasattr(form, error.field):
        getattr(form, error.field).errors = [error.message]
    else:
        form.form_errors.append(error.message)


def _not_stored(response: Response) -> Response:
    """Pages showing a secret or recovery codes stay out of the browser's cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


async def login_code(request: Request) -> Response:
    """The second step of logging in: only after it is the session signed in."""
    settings = request.app.state.settings
    pending = pending_login(request.session, time.time(), settings.two_factor_pending_seconds)
    if pending is None:
        if request.session.pop(PENDING_LOGIN, None) is not None:
            flash(request, _("The time to enter the code has run out. Please log in again."), "info")
        return redirect(request, "accounts:login")
    code_form = await bind(TwoFactorCodeForm, request)
    if request.method == "POST" and code_form.validate():
        try:
            step = await two_factor.log_in_second_step(
                pending["user_id"], pending["epoch"], code_form.code.data, client_ip(request), settings
            )
        except UserError as error:
            _show_error(code_form, error)
        else:
            await start_session(request, step.user)
            flash(request, _("Welcome, %(name)s.", name=step.user.name))
            if step.recovery_codes_left is not None:
                flash(request, _("You used a recovery code: %(count)s left. Make new ones on the two-step verification page.", count=step.recovery_codes_left), "info")
            return redirect_to(pending["next"])
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/login_code.html", {"form": code_form}, status_code=status)


async def _render_setup(request: Request, user: User, code_form: TwoFactorCodeForm, status_code: int = 200) -> Response:
    enrolment = await two_factor.pending_enrolment(user, request.app.state.settings)
    context = {
        "form": code_form, "secret_text": enrolment.text, "qr": qr_svg(enrolment.uri, _("QR code for the authenticator app")),
        "required": request.app.state.settings.require_totp_for_organizers,
    }
    return _not_stored(render(request, "accounts/two_factor_setup.html", context, status_code=status_code))


async def _render_manage(
    request: Request, user: User, disable_form: BaseForm | None = None, renew_form: BaseForm | None = None, status_code: int = 200
) -> Response:
    context = {
        "user": user,
        "codes_left": await two_factor.recovery_codes_left(user),
        "disable_form": disable_form or TwoFactorConfirmForm(prefix=DISABLE_PREFIX),
        "renew_form": renew_form or TwoFactorConfirmForm(prefix=RENEW_PREFIX),
    }
    return render(request, "accounts/two_factor.html", context, status_code=status_code)


def _show_codes(request: Request, codes: list[str]) -> Response:
    return _not_stored(render(request, "accounts/recovery_codes.html", {"codes": codes}))


async def two_factor_page(request: Request) -> Response:
    user = signed_in_user(request)
    if user.two_factor_enabled:
        return await _render_manage(request, user)
    return await _render_setup(request, user, AppCodeForm())


async def enable(request: Request) -> Response:
    user = signed_in_user(request)
    if user.two_factor_enabled:
        return redirect(request, "accounts:two_factor")
    code_form = await bind(AppCodeForm, request)
    if code_form.validate():
        try:
            codes = await two_factor.enable(user, code_form.code.data, request.app.state.settings)
        except UserError as error:
            _show_error(code_form, error)
        else:
            keep_session(request, user)
            flash(request, _("Two-step verification is on. From now on you log in with your password and a code."))
            return _show_codes(request, codes)
    return await _render_setup(request, user, code_form, status_code=400)


async def _confirmed(
    request: Request, prefix: str, form_name: str, act: Callable[[User, TwoFactorConfirmForm], Awaitable[Response]]
) -> Response:
    """A change to one's two-step verification that asks for the password and a code first."""
    user = signed_in_user(request)
    if not user.two_factor_enabled:
        return redirect(request, "accounts:two_factor")
    confirm_form = await bind(TwoFactorConfirmForm, request, prefix=prefix)
    if confirm_form.validate():
        try:
            return await act(user, confirm_form)
        except UserError as error:
            _show_error(confirm_form, error)
    return await _render_manage(request, user, status_code=400, **{form_name: confirm_form})


async def disable(request: Request) -> Response:
    async def turn_off(user: User, confirm: TwoFactorConfirmForm) -> Response:
        settings = request.app.state.settings
        await two_factor.disable(user, confirm.password.data, confirm.code.data, client_ip(request), settings)
        flash(request, _("Two-step verification is off. You log in with your password alone."))
        return redirect(request, "accounts:profile")

    return await _confirmed(request, DISABLE_PREFIX, "disable_form", turn_off)


async def renew_recovery_codes(request: Request) -> Response:
    async def renew(user: User, confirm: TwoFactorConfirmForm) -> Response:
        settings = request.app.state.settings
        codes = await two_factor.regenerate_recovery_codes(
            user, confirm.password.data, confirm.code.data, client_ip(request), settings
        )
        flash(request, _("New recovery codes have been made; the old ones no longer work."))
        return _show_codes(request, codes)

    return await _confirmed(request, RENEW_PREFIX, "renew_form", renew)


routes: list[BaseRoute] = [
    Route("/login/code", login_code, methods=["GET", "POST"], name="accounts:login_code"),
    Route("/profile/two-factor", two_factor_page, name="accounts:two_factor"),
    Route("/profile/two-factor/enable", enable, methods=["POST"], name="accounts:two_factor_enable"),
    Route("/profile/two-factor/disable", disable, methods=["POST"], name="accounts:two_factor_disable"),
    Route("/profile/two-factor/recovery-codes", renew_recovery_codes, methods=["POST"], name="accounts:recovery_codes"),
]
