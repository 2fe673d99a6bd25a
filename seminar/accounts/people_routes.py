"""People of a seminar, for its organizers: list, invite one, import many, resend, remove, deactivate."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from seminar.accounts import actions, queries, two_factor
from seminar.accounts.access import mail_links, people_seminar
from seminar.accounts.forms import ImportForm, InviteForm
from seminar.accounts.people import normalize_email
from seminar.accounts.queries import person_in_seminar_or_404, seminars_of, units_in_order
from seminar.accounts.roles import role_labels, role_named
from seminar.accounts.spreadsheet import SpreadsheetError, template_workbook
from seminar.errors import UserError
from seminar.files import bytes_response
from seminar.forms import bind
from seminar.i18n import _
from seminar.mail.batches import MailBatchKind
from seminar.mail.queries import latest_batch
from seminar.permissions import (
    can_deactivate_person,
    can_manage_account,
    can_remove_from_seminar,
    can_reset_two_factor,
    require,
)
from seminar.web import actor, flash, form, redirect, render, signed_in_user

if TYPE_CHECKING:
    from seminar.accounts.models import User
    from seminar.seminars.models import Seminar

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def people(request: Request) -> Response:
    seminar = await people_seminar(request)
    role = role_named(request.query_params.get("role", ""))
    settings = request.app.state.settings
    context = await queries.people_page(seminar, role, settings)
    context["mail_batch"] = await latest_batch(seminar, MailBatchKind.INVITATIONS, settings.smtp_configured)
    return render(request, "accounts/people.html", context)


async def invite(request: Request) -> Response:
    seminar = await people_seminar(request)
    invite_form = await bind(InviteForm, request)
    invite_form.set_choices(await units_in_order())
    if request.method == "POST" and invite_form.validate():
        invitee = actions.Invitee(
            name=invite_form.name.data, email=normalize_email(invite_form.email.data), unit_id=invite_form.unit.data,
            position=invite_form.position.data, phone=invite_form.phone.data,
        )
        roles = invite_form.chosen_roles
        try:
            await actions.invite_person(seminar, invitee, roles, actor(request).user, request.app.state.settings, mail_links(request))
        except UserError as error:
            invite_form.form_errors.append(error.message)
        else:
            flash(request, _("%(email)s has been given the role %(roles)s and will receive an e-mail.", email=invitee.email, roles=role_labels(roles)))
            return redirect(request, "accounts:people", slug=seminar.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/invite.html", {"seminar": seminar, "form": invite_form}, status_code=status)


async def _uploaded_bytes(request: Request) -> bytes:
    upload = (await form(request)).get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise UserError(_("Please choose an .xlsx file to upload."), field="file")
    data = await upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise UserError(_("The file is larger than %(size)s MB.", size=MAX_UPLOAD_BYTES // (1024 * 1024)), field="file")
    return data


async def import_people(request: Request) -> Response:
    seminar = await people_seminar(request)
    import_form = ImportForm()
    problems: list[str] = []
    if request.method == "POST":
        try:
            data = await _uploaded_bytes(request)
            count = await actions.import_people(seminar, data, actor(request).user, request.app.state.settings, mail_links(request))
        except UserError as error:
            problems = [error.message]
        except SpreadsheetError as error:
            problems = error.problems
        else:
            flash(request, _("%(count)s people have been imported and will receive an e-mail.", count=count))
            return redirect(request, "accounts:people", slug=seminar.slug)
    status = 400 if problems else 200
    context = {"seminar": seminar, "form": import_form, "problems": problems, "max_bytes": MAX_UPLOAD_BYTES}
    return render(request, "accounts/import.html", context, status_code=status)


async def import_template(request: Request) -> Response:
    seminar = await people_seminar(request)
    units = [unit.name for unit in await units_in_order()]
    filename = f"people-{seminar.slug}.xlsx"
    return bytes_response(request, template_workbook(units), XLSX_TYPE, filename=filename)


async def resend(request: Request) -> Response:
    seminar = await people_seminar(request)
    person = await person_in_seminar_or_404(seminar, request.path_params["user_id"])
    try:
        await actions.resend_invitation(seminar, person, actor(request).user, request.app.state.settings, mail_links(request))
    except UserError as error:
        flash(request, error.message, "error")
    else:
        flash(request, _("A new invitation has been sent to %(email)s; earlier links no longer work.", email=person.email))
    return redirect(request, "accounts:people", slug=seminar.slug)


async def _account(request: Request) -> tuple[Seminar, User, frozenset[int]]:
    """The person in the path, and every seminar they belong to: acting on their whole account depends on both."""
    seminar = await people_seminar(request)
    person = await person_in_seminar_or_404(seminar, request.path_params["user_id"])
    return seminar, person, (await seminars_of([person.id])).get(person.id, frozenset())


async def remove(request: Request) -> Response:
    seminar = await people_seminar(request)
    person = await person_in_seminar_or_404(seminar, request.path_params["user_id"])
    require(can_remove_from_seminar(actor(request), seminar, person))
    roles = await actions.remove_from_seminar(seminar, person)
    flash(request, _("%(name)s no longer has the role %(roles)s in this seminar.", name=person.name, roles=role_labels(roles)))
    return redirect(request, "accounts:people", slug=seminar.slug)


async def deactivate(request: Request) -> Response:
    seminar, person, seminars = await _account(request)
    require(can_deactivate_person(actor(request), seminar, person, seminars))
    await actions.deactivate_person(person)
    flash(request, _("%(name)s has been deactivated and can no longer log in.", name=person.name))
    return redirect(request, "accounts:people", slug=seminar.slug)


async def reactivate(request: Request) -> Response:
    seminar, person, seminars = await _account(request)
    require(can_deactivate_person(actor(request), seminar, person, seminars))
    await actions.reactivate_person(person)
    flash(request, _("%(name)s has been reactivated.", name=person.name))
    return redirect(request, "accounts:people", slug=seminar.slug)


async def unlock(request: Request) -> Response:
    seminar, person, seminars = await _account(request)
    require(can_manage_account(actor(request), seminar, person, seminars))
    await actions.unlock_person(person)
    flash(request, _("%(name)s may log in again at once.", name=person.name))
    return redirect(request, "accounts:people", slug=seminar.slug)


async def reset_two_factor(request: Request) -> Response:
    seminar, person, seminars = await _account(request)
    require(can_reset_two_factor(actor(request), seminar, person, seminars))
    if person.two_factor_enabled:
        await two_factor.reset(person, signed_in_user(request), mail_links(request))
        flash(request, _("Two-step verification of %(name)s is off; they have been told by e-mail.", name=person.name))
    return redirect(request, "accounts:people", slug=seminar.slug)


routes: list[BaseRoute] = [
    Route("/{slug}/manage/people", people, name="accounts:people"),
    Route("/{slug}/manage/people/invite", invite, methods=["GET", "POST"], name="accounts:invite"),
    Route("/{slug}/manage/people/import", import_people, methods=["GET", "POST"], name="accounts:import"),
    Route("/{slug}/manage/people/template.xlsx", import_template, name="accounts:import_template"),
    Route("/{slug}/manage/people/{user_id:int}/resend", resend, methods=["POST"], name="accounts:resend"),
    Route("/{slug}/manage/people/{user_id:int}/remove", remove, methods=["POST"], name="accounts:remove"),
    Route("/{slug}/manage/people/{user_id:int}/deactivate", deactivate, methods=["POST"], name="accounts:deactivate"),
    Route("/{slug}/manage/people/{user_id:int}/reactivate", reactivate, methods=["POST"], name="accounts:reactivate"),
    Route("/{slug}/manage/people/{user_id:int}/unlock", unlock, methods=["POST"], name="accounts:unlock"),
    Route("/{slug}/manage/people/{user_id:int}/two-factor/reset", reset_two_factor, methods=["POST"], name="accounts:reset_two_factor"),
]
