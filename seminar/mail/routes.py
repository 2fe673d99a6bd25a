"""Outbox pages: the site's (administrators) and each seminar's (its organizers); one mail's preview and actions."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from seminar import i18n
from seminar.config import Settings
from seminar.errors import UserError
from seminar.i18n import _
from seminar.accounts.access import mail_links
from seminar.forms import bind
from seminar.mail import actions, batches, queries
from seminar.mail import bulk as bulk_mail
from seminar.mail.forms import BulkMailForm
from seminar.mail.queries import latest_batch
from seminar.mail.wording import LetterError
from seminar.seminars.queries import unit_choices
from seminar.mail.worker import default_worker_name
from seminar.pagination import page_number
from seminar.permissions import can_read_all_mail, can_read_outbox, can_see_seminar_mail, can_send_bulk_mail, require
from seminar.web import actor, flash, form, redirect, render, signed_in_user, seminar_page

if TYPE_CHECKING:
    from seminar.mail.models import OutboxMail
    from seminar.seminars.models import Seminar


def _settings(request: Request) -> Settings:
    return request.app.state.settings


async def _outbox_page(request: Request, seminar: Seminar | None) -> Response:
    status = request.query_params.get("status", "")
    search = request.query_params.get("q", "").strip()
    batch = request.query_params.get("batch", "")
    listing = await queries.outbox_page(
        seminar, status, search, page_number(request), int(batch) if batch.isdigit() else None
    )
    return render(
        request,
        "mail/outbox.html",
        {
            "seminar": seminar,
            **listing,
            "status": status,
            "search": search,
            "smtp_configured": _settings(request).smtp_configured,
        },
    )


async def site_outbox(request: Request) -> Response:
    signed_in_user(request)
    require(can_read_all_mail(actor(request)))
    return await _outbox_page(request, None)


async def seminar_outbox(request: Request) -> Response:
    return await _outbox_page(request, await seminar_page(request, can_read_outbox))


async def batch_status(request: Request) -> Response:
    """How far a batch of mail has come, as JSON, for the progress bar on the page of the action that
    queued it (static/js/progress.js); the readers of the seminar's outbox may follow it."""
    seminar = await seminar_page(request, can_read_outbox)
    view = await queries.batch_status(seminar, request.path_params["batch_id"], _settings(request).smtp_configured)
    if view is None:
        raise HTTPException(status_code=404)
    page = request.url_for(batches.PAGES[view.batch.kind], slug=seminar.slug).path + f"#{batches.REGION_ID}"
    return JSONResponse(view.progress.as_json(page), headers={"Cache-Control": "no-store"})


async def _visible_mail(request: Request) -> OutboxMail:
    """The mail in the URL: the login page when signed out, 404 when not the actor's to see."""
    signed_in_user(request)
    mail = await queries.get_mail_or_404(request.path_params["mail_id"])
    require(can_see_seminar_mail(actor(request), mail.seminar_id), 404)
    return mail


async def detail(request: Request) -> Response:
    mail = await _visible_mail(request)
    return render(
        request,
        "mail/detail.html",
        {
            "mail": mail,
            "attempts": await queries.attempts_of(mail),
            "actionable": mail.status in actions.ACTIONABLE,
            "smtp_configured": _settings(request).smtp_configured,
        },
    )


async def _act(request: Request, action: Callable[[OutboxMail], Awaitable[None]], done: str) -> Response:
    mail = await _visible_mail(request)
    try:
        await action(mail)
    except UserError as error:
        flash(request, error.message, "error")
    else:
        flash(request, done)
    return redirect(request, "mail:detail", mail_id=mail.id)


async def retry(request: Request) -> Response:
    return await _act(request, actions.retry_mail, _("The mail is queued again and will be sent shortly."))


async def discard(request: Request) -> Response:
    return await _act(request, actions.discard_mail, _("The mail was discarded and will not be sent."))


async def send_now(request: Request) -> Response:
    mail = await _visible_mail(request)
    try:
        result = await actions.send_mail_now(_settings(request), mail, f"web:{default_worker_name()}")
    except UserError as error:
        flash(request, error.message, "error")
    else:
        if result.is_sent:
            flash(request, _("The mail was sent."))
        else:
            flash(request, _("The mail could not be sent: %(error)s", error=result.last_error), "error")
    return redirect(request, "mail:detail", mail_id=mail.id)


async def send_test_message(request: Request) -> Response:
    """Queue a test message to the signed-in user, in the outbox it was asked from."""
    seminar = await seminar_page(request, can_read_outbox) if "slug" in request.path_params else None
    signed_in_user(request)
    current = actor(request)
    require(can_read_outbox(current, seminar))
    assert current.user is not None, "can_read_outbox admits signed-in users only"
    mail = await actions.queue_test_message(
        _settings(request), current.user, seminar.id if seminar else None, i18n.get_locale()
    )
    flash(request, _("A test message to %(address)s is in the outbox.", address=mail.to_address))
    return redirect(request, "mail:detail", mail_id=mail.id)


async def bulk(request: Request) -> Response:
    """Write to a group: see who is in it and how the mail reads for the first of them, then send."""
    seminar = await seminar_page(request, can_send_bulk_mail)
    mail_form = await bind(BulkMailForm, request)
    mail_form.set_choices(await unit_choices())
    people: list[bulk_mail.Recipient] = []
    preview = None
    status = 200
    link = mail_links(request).url("seminars:landing", slug=seminar.slug)
    if request.method == "POST":
        status = 400
        if mail_form.validate():
            group, unit_id = bulk_mail.Group(mail_form.group.data), mail_form.unit.data
            people = await bulk_mail.recipients(seminar, group, unit_id)
            try:
                if (await form(request)).get("send") and people:
                    count = await bulk_mail.send_bulk(seminar, group, unit_id, mail_form.subject.data or "",
                                                      mail_form.body.data or "", link)
                    flash(request, i18n.ngettext("%(num)s mail is in the outbox.", "%(num)s mails are in the outbox.", count))
                    return redirect(request, "mail:bulk", slug=seminar.slug)
                if people:
                    preview = bulk_mail.letter_for(seminar, people[0], mail_form.subject.data or "", mail_form.body.data or "", link)
                status = 200
            except LetterError as error:
                mail_form.body.errors = [*mail_form.body.errors, error.message]
    return render(request, "mail/bulk_form.html", {
        "seminar": seminar, "form": mail_form, "people": people, "preview": preview,
        "placeholders": bulk_mail.PLACEHOLDERS, "posted": request.method == "POST",
        "mail_batch": await latest_batch(seminar, batches.MailBatchKind.BULK, _settings(request).smtp_configured),
    }, status_code=status)


routes: list[BaseRoute] = [
    Route("/{slug}/manage/mail/new", bulk, methods=["GET", "POST"], name="mail:bulk"),
    Route("/manage/outbox", site_outbox, name="mail:outbox"),
    Route("/manage/outbox/test", send_test_message, methods=["POST"], name="mail:send_test"),
    Route("/manage/outbox/{mail_id:int}", detail, name="mail:detail"),
    Route("/manage/outbox/{mail_id:int}/retry", retry, methods=["POST"], name="mail:retry"),
    Route("/manage/outbox/{mail_id:int}/discard", discard, methods=["POST"], name="mail:discard"),
    Route("/manage/outbox/{mail_id:int}/send", send_now, methods=["POST"], name="mail:send"),
    Route("/{slug}/manage/outbox", seminar_outbox, name="mail:seminar_outbox"),
    Route("/{slug}/manage/outbox/test", send_test_message, methods=["POST"], name="mail:seminar_send_test"),
    Route("/{slug}/manage/outbox/batches/{batch_id:int}/status", batch_status, name="mail:batch_status"),
]
