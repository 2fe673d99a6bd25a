"""Registration pages: sign up for a seminar, "my seminar", and the organizers' participants list."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, NoMatchFound, Route

from seminar.accounts.access import mail_links
from seminar.accounts.models import Role, Unit
from seminar.errors import UserError
from seminar.files import content_disposition
from seminar.forms import bind
from seminar.i18n import _
from seminar.permissions import can_download_proceedings, can_manage_registrations
from seminar.proceedings.queries import published_volumes
from seminar.registration import actions
from seminar.registration.export import ParticipantRow, participants_xlsx
from seminar.registration.forms import RegistrationForm
from seminar.registration.models import Registration, RegistrationStatus
from seminar.seminars.models import Seminar
from seminar.seminars.rules import to_local
from seminar.spreadsheets import XLSX_TYPE
from seminar.web import actor, client_ip, flash, form, redirect, render, seminar_page, signed_in_user


async def _units() -> list[tuple[int, str]]:
    return list(await Unit.all().order_by("sort_order", "id").values_list("id", "name"))


async def register(request: Request) -> Response:
    seminar = await seminar_page(request, sign_in=False)
    user = actor(request).user
    existing = await Registration.get_or_none(seminar_id=seminar.id, user_id=user.id) if user else None
    options = await actions.settings_of(seminar)
    initial = (
        {"name": user.name, "unit_id": str(user.unit_id or ""), "position": user.position,
         "phone": user.phone, "email": user.email}
        if user else {}
    )
    registration_form = await bind(RegistrationForm, request, data=initial)
    registration_form.set_units(await _units())
    status = 200
    if request.method == "POST" and existing is None:
        status = 400
        if registration_form.validate():
            try:
                if user is None:
                    return await _register_visitor(request, seminar, registration_form)
                registration = await actions.register(
                    seminar, registration_form.values(), user, request.app.state.settings, mail_links(request)
                )
            except actions.Throttled as error:
                registration_form.form_errors.append(error.message)
                status = 429
            except UserError as error:
                registration_form.form_errors.append(error.message)
            else:
                if registration.status == RegistrationStatus.APPROVED:
                    flash(request, _("You are registered for this seminar."))
                else:
                    flash(request, _("Thank you. The organizers will review your registration and let you know."))
                return redirect(request, "registration:me", slug=seminar.slug)
    return render(
        request, "registration/register.html",
        {"seminar": seminar, "form": registration_form, "existing": existing, "options": options},
        status_code=status,
    )


async def _register_visitor(request: Request, seminar: Seminar, registration_form: RegistrationForm) -> Response:
    """The same answer whether or not the e-mail has an account: only its holder learns which by mail."""
    await actions.register_visitor(
        seminar, registration_form.values(), client_ip(request), request.app.state.settings, mail_links(request)
    )
    if (await actions.settings_of(seminar)).requires_approval:
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
    user = signed_in_user(request)
    registration = await Registration.get_or_none(seminar_id=seminar.id, user_id=user.id)
    roles = [role.name for role in await Role.filter(user_id=user.id, seminar_id=seminar.id)]
    books = await published_volumes(seminar) if can_download_proceedings(actor(request), seminar) else []
    return render(
        request, "registration/me.html",
        {"seminar": seminar, "registration": registration, "roles": roles, "books": books,
         "agenda_url": _agenda_url(request, seminar)},
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
    registrations = await Registration.filter(seminar_id=seminar.id).select_related("unit").order_by("created_at", "id")
    return render(
        request, "registration/participants.html",
        {"seminar": seminar, "registrations": registrations, "options": await actions.settings_of(seminar),
         "Status": RegistrationStatus},
    )


async def _registration(request: Request, seminar: Seminar) -> Registration:
    found = await Registration.get_or_none(id=request.path_params["registration_id"], seminar_id=seminar.id)
    if found is None:
        raise HTTPException(status_code=404)
    return found


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
    registrations = await Registration.filter(seminar_id=seminar.id).select_related("unit").order_by("created_at", "id")
    rows = [
        ParticipantRow(
            r.name, r.unit.name if r.unit else r.unit_text, r.position, r.phone, r.email, r.status.value,
            to_local(r.created_at, seminar.time_zone) or r.created_at,
        )
        for r in registrations
    ]
    filename = f"{seminar.title}-参会人员名单.xlsx"
    return Response(
        participants_xlsx(seminar.title, rows), media_type=XLSX_TYPE,
        headers={"Content-Disposition": content_disposition(filename)},
    )


routes: list[BaseRoute] = [
    Route("/{slug}/register", register, methods=["GET", "POST"], name="registration:register"),
    Route("/{slug}/me", me, name="registration:me"),
    Route("/{slug}/manage/participants", participants, methods=["GET", "POST"], name="registration:participants"),
    Route("/{slug}/manage/participants.xlsx", export, name="registration:export"),
    Route(
        "/{slug}/manage/participants/{registration_id:int}/approve", approve, methods=["POST"],
        name="registration:approve",
    ),
    Route(
        "/{slug}/manage/participants/{registration_id:int}/reject", reject, methods=["POST"],
        name="registration:reject",
    ),
]
