"""Registration pages: sign up for a seminar, "my seminar", and the organizers' participants list."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, NoMatchFound, Route

from seminar.accounts.access import mail_links
from seminar.errors import UserError
from seminar.files import bytes_response
from seminar.forms import bind
from seminar.i18n import _
from seminar.permissions import can_change_receipt, can_manage_registrations, require
from seminar.registration import actions, queries, receipt
from seminar.registration.export import participants_xlsx
from seminar.registration.forms import (
    ReceiptForm,
    RegistrationForm,
    chosen_modes,
    receipt_form_data,
    receipt_settings_form,
    registration_form_data,
)
from seminar.spreadsheets import XLSX_TYPE
from seminar.web import actor, client_ip, flash, form, redirect, render, seminar_page, signed_in_user

if TYPE_CHECKING:
    from seminar.accounts.models import User
    from seminar.registration.models import Registration
    from seminar.seminars.models import Seminar


async def register(request: Request) -> Response:
    seminar = await seminar_page(request, sign_in=False)
    user = actor(request).user
    existing = await queries.registration_of(seminar, user) if user else None
    options = await queries.settings_of(seminar)
    registration_form = await bind(RegistrationForm, request, data=registration_form_data(user))
    registration_form.set_units(await queries.unit_choices())
    registration_form.ask(receipt.field_modes(options.receipt_fields), seminar.starts_on, seminar.ends_on)
    status = 200
    if request.method == "POST" and existing is None:
        status = 400
        if registration_form.validate():
            try:
                return await _register(request, seminar, user, registration_form)
            except actions.Throttled as error:
                registration_form.form_errors.append(error.message)
                status = 429
            except UserError as error:
                registration_form.form_errors.append(error.message)
    return render(
        request, "registration/register.html",
        {"seminar": seminar, "form": registration_form, "existing": existing, "options": options},
        status_code=status,
    )


async def _register(request: Request, seminar: Seminar, user: User | None, registration_form: RegistrationForm) -> Response:
    """Register the signed-in person, or the visitor; UserError leaves everything as it was."""
    if user is None:
        return await _register_visitor(request, seminar, registration_form)
    registration = await actions.register(
        seminar, registration_form.values(), user, request.app.state.settings, mail_links(request)
    )
    if registration.is_approved:
        flash(request, _("You are registered for this seminar."))
    else:
        flash(request, _("Thank you. The organizers will review your registration and let you know."))
    return redirect(request, "registration:me", slug=seminar.slug)


async def _register_visitor(request: Request, seminar: Seminar, registration_form: RegistrationForm) -> Response:
    """The same answer whether or not the e-mail has an account: only its holder learns which by mail."""
    await actions.register_visitor(
        seminar, registration_form.values(), client_ip(request), request.app.state.settings, mail_links(request)
    )
    if (await queries.settings_of(seminar)).requires_approval:
        flash(request, _("Thank you. The organizers will review your registration and let you know."))
    else:
        flash(request, _("Thank you. We have sent an e-mail to the address you gave: follow it to finish."))
    return redirect(request, "seminars:landing", slug=seminar.slug)


def _agenda_url(request: Request, seminar: Seminar) -> str | None:
    """The public agenda page, where the agenda area provides one."""
    try:
        return str(request.url_for("agenda:public", slug=seminar.slug))
    except NoMatchFound:
        return None


async def me(request: Request) -> Response:
    seminar = await seminar_page(request)
    context = await queries.my_seminar_page(actor(request), seminar, signed_in_user(request))
    return render(request, "registration/me.html", {**context, "agenda_url": _agenda_url(request, seminar)})


async def my_receipt(request: Request) -> Response:
    """The signed-in attendee's 参会回执: changed until the organizers' deadline, then shown only."""
    seminar = await seminar_page(request)
    registration = await queries.registration_of(seminar, signed_in_user(request))
    require(can_change_receipt(actor(request), seminar, registration), 404)
    assert registration is not None
    options = await queries.settings_of(seminar)
    receipt_form = await bind(ReceiptForm, request, data=receipt_form_data(registration))
    receipt_form.ask(receipt.field_modes(options.receipt_fields), seminar.starts_on, seminar.ends_on)
    is_open = receipt.is_open_for_changes(options.receipt_deadline, actions.seminar_today(seminar))
    status = 200
    if request.method == "POST":
        status = 400
        if receipt_form.validate():
            try:
                await actions.save_receipt(registration, seminar, receipt_form.values())
            except UserError as error:
                receipt_form.form_errors.append(error.message)
            else:
                flash(request, _("Your registration details are saved."))
                return redirect(request, "registration:receipt", slug=seminar.slug)
    return render(
        request, "registration/receipt.html",
        {"seminar": seminar, "form": receipt_form, "registration": registration, "options": options, "is_open": is_open},
        status_code=status,
    )


async def _managed_seminar(request: Request) -> Seminar:
    return await seminar_page(request, can_manage_registrations)


async def participants(request: Request) -> Response:
    seminar = await _managed_seminar(request)
    if request.method == "POST":
        data = await form(request)
        await actions.save_settings(
            seminar, is_open=data.get("is_open") == "y", requires_approval=data.get("requires_approval") == "y"
        )
        flash(request, _("Registration settings saved."))
        return redirect(request, "registration:participants", slug=seminar.slug)
    return await _participants_page(request, seminar)


async def _participants_page(request: Request, seminar: Seminar, settings_form: Any = None, status: int = 200) -> Response:
    context = await queries.participants_page(seminar)
    if settings_form is None:
        settings_form = receipt_settings_form(None, context["modes"], context["options"].receipt_deadline)
    return render(
        request, "registration/participants.html", {**context, "receipt_form": settings_form}, status_code=status
    )


async def receipt_settings(request: Request) -> Response:
    """Which 回执 fields the seminar asks for, and until when attendees may change them."""
    seminar = await _managed_seminar(request)
    options = await queries.settings_of(seminar)
    settings_form = receipt_settings_form(
        await form(request), receipt.field_modes(options.receipt_fields), options.receipt_deadline
    )
    if not settings_form.validate():
        return await _participants_page(request, seminar, settings_form, status=400)
    await actions.save_receipt_settings(seminar, chosen_modes(settings_form), settings_form.receipt_deadline.data)
    flash(request, _("Registration details settings saved."))
    return redirect(request, "registration:participants", slug=seminar.slug)


async def receipt_counts(request: Request) -> Response:
    seminar = await _managed_seminar(request)
    return render(request, "registration/counts.html", await queries.counts_page(seminar))


async def _registration(request: Request, seminar: Seminar) -> Registration:
    return await queries.registration_or_404(seminar, request.path_params["registration_id"])


async def edit_receipt(request: Request) -> Response:
    """An organizer's view of someone's 参会回执, with the attendee's fields and checks and no deadline."""
    seminar = await _managed_seminar(request)
    registration = await _registration(request, seminar)
    options = await queries.settings_of(seminar)
    receipt_form = await bind(ReceiptForm, request, data=receipt_form_data(registration))
    receipt_form.ask(receipt.field_modes(options.receipt_fields), seminar.starts_on, seminar.ends_on)
    status = 200
    if request.method == "POST":
        status = 400
        if receipt_form.validate():
            await actions.edit_receipt(registration, receipt_form.values())
            flash(request, _("The registration details of %(name)s are saved.", name=registration.name))
            return redirect(request, "registration:participants", slug=seminar.slug)
    return render(
        request, "registration/edit_receipt.html",
        {"seminar": seminar, "form": receipt_form, "registration": registration, "options": options},
        status_code=status,
    )


async def approve(request: Request) -> Response:
    seminar = await _managed_seminar(request)
    registration = await _registration(request, seminar)
    try:
        await actions.approve(registration, seminar, signed_in_user(request), request.app.state.settings, mail_links(request))
    except UserError as error:
        flash(request, error.message, "error")
    else:
        flash(request, _("%(name)s is approved as an attendee.", name=registration.name))
    return redirect(request, "registration:participants", slug=seminar.slug)


async def reject(request: Request) -> Response:
    seminar = await _managed_seminar(request)
    registration = await _registration(request, seminar)
    try:
        await actions.reject(registration, seminar, signed_in_user(request))
    except UserError as error:
        flash(request, error.message, "error")
    else:
        flash(request, _("The registration of %(name)s is rejected.", name=registration.name))
    return redirect(request, "registration:participants", slug=seminar.slug)


async def export(request: Request) -> Response:
    seminar = await _managed_seminar(request)
    filename = f"{seminar.title}-参会人员名单.xlsx"
    rows, modes = await queries.participant_rows(seminar)
    data = participants_xlsx(seminar.title, rows, modes)
    return bytes_response(request, data, XLSX_TYPE, filename=filename)


routes: list[BaseRoute] = [
    Route("/{slug}/register", register, methods=["GET", "POST"], name="registration:register"),
    Route("/{slug}/me", me, name="registration:me"),
    Route("/{slug}/me/receipt", my_receipt, methods=["GET", "POST"], name="registration:receipt"),
    Route("/{slug}/manage/participants", participants, methods=["GET", "POST"], name="registration:participants"),
    Route("/{slug}/manage/participants.xlsx", export, name="registration:export"),
    Route("/{slug}/manage/participants/receipt", receipt_settings, methods=["POST"], name="registration:receipt_settings"),
    Route("/{slug}/manage/participants/counts", receipt_counts, name="registration:counts"),
    Route(
        "/{slug}/manage/participants/{registration_id:int}/receipt", edit_receipt, methods=["GET", "POST"],
        name="registration:edit_receipt",
    ),
    Route(
        "/{slug}/manage/participants/{registration_id:int}/approve", approve, methods=["POST"],
        name="registration:approve",
    ),
    Route(
        "/{slug}/manage/participants/{registration_id:int}/reject", reject, methods=["POST"],
        name="registration:reject",
    ),
]
