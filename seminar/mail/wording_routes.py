"""A seminar's own wording of the mails the system sends: the list of every kind by stage, and one
kind's editor per language (placeholders, preview for a real recipient, save, reset to default)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from seminar import i18n
from seminar.accounts.access import mail_links
from seminar.errors import UserError
from seminar.forms import bind
from seminar.i18n import _
from seminar.mail import actions, kinds, queries
from seminar.mail.forms import WordingForm
from seminar.mail.kinds import MailKind
from seminar.mail.wording import Letter, LetterError, render_letter
from seminar.permissions import can_edit_mail_wording
from seminar.reviews import letters
from seminar.web import flash, form, redirect_to, render, seminar_page

if TYPE_CHECKING:
    from seminar.seminars.models import Seminar


async def wording_list(request: Request) -> Response:
    seminar = await seminar_page(request, can_edit_mail_wording)
    own = await queries.wordings_of(seminar)
    return render(request, "mail/wording_list.html", {
        "seminar": seminar, "stages": kinds.by_stage(), "locales": i18n.LOCALE_NAMES,
        "customised": {(key, locale) for key, locale in own},
        # The decision letters are worded per outcome on their own page: a language is customised if any outcome is.
        "decision_locales": {locale for key, locale in own if key.startswith(letters.KIND_PREFIX)},
    })


def _kind(request: Request) -> MailKind:
    kind = kinds.BY_KEY.get(request.path_params["kind"])
    if kind is None or not kind.editable:
        raise HTTPException(status_code=404)
    return kind


def _locale(value: str) -> str:
    return value if value in i18n.LOCALES else i18n.DEFAULT_LOCALE


def _default(kind: MailKind, locale: str) -> tuple[str, str]:
    with i18n.use_locale(locale):
        return kind.default()


async def _preview(request: Request, seminar: Seminar, kind: MailKind, locale: str, person: queries.PreviewPerson,
                   subject: str, body: str) -> Letter:
    """The wording filled in for `person` in `locale`: their name, the seminar, a paper of theirs (else the
    seminar's first) and the seminar's addresses; the rest from the placeholders' examples."""
    links = mail_links(request)
    paper = await queries.preview_paper(seminar, person.unit_id) if {"paper_number", "city"} & set(kind.names) else None
    with i18n.use_locale(locale):
        values: dict[str, Any] = {p.name: p.example for p in kind.placeholders}
        values.update(recipient=person.name, seminar=seminar.title, seminar_link=links.url("seminars:landing", slug=seminar.slug),
                      my_reviews_url=links.url("reviews:mine", slug=seminar.slug))
        if paper is not None:
            values.update(paper_number=paper.number, paper_title=paper.title, city=paper.city.name,
                          topic=paper.topic.title if paper.topic else "—",
                          paper_url=links.url("submissions:detail", slug=seminar.slug, number=paper.number))
        return render_letter(subject, body, values, kind.names)


async def wording_edit(request: Request) -> Response:
    """GET: the seminar's wording (or the default) in the language asked for, previewed for a person;
    POST action "preview" shows the posted wording filled in, "save" stores it. Refusals change nothing."""
    seminar = await seminar_page(request, can_edit_mail_wording)
    kind = _kind(request)
    people = await queries.preview_people(seminar)
    own = await queries.wordings_of(seminar)
    is_post = request.method == "POST"
    data = await form(request) if is_post else None
    locale = _locale(str((data or request.query_params).get("locale", "")))
    stored = own.get((kind.key, locale))
    if is_post:
        wording_form = await bind(WordingForm, request)
    else:
        subject, body = (stored.subject, stored.body) if stored else _default(kind, locale)
        wording_form = WordingForm(data={"subject": subject, "body": body})
    wording_form.recipient.choices = [(p.id, f"{p.name}（{p.unit}）" if p.unit else p.name) for p in people]
    chosen_id = wording_form.recipient.data if is_post else _int(request.query_params.get("recipient", ""))
    person = next((p for p in people if p.id == chosen_id), people[0] if people else None)
    if person is not None:
        wording_form.recipient.data = person.id
    action = str(data.get("action", "")) if data is not None else "preview"
    preview: Letter | None = None
    status = 400
    if not is_post or wording_form.validate():
        subject, body = wording_form.subject.data or "", wording_form.body.data or ""
        try:
            if action == "save":
                await actions.save_wording(seminar.id, kind, locale, subject, body)
                flash(request, _("The wording of this mail in %(language)s is saved: the seminar's mails use it from now on.",
                                 language=i18n.LOCALE_NAMES[locale]))
                return redirect_to(_edit_url(request, seminar, kind, locale, person))
            if person is not None:
                preview = await _preview(request, seminar, kind, locale, person, subject, body)
            status = 200
        except (LetterError, UserError) as error:
            wording_form.form_errors.append(error.message)
    return render(request, "mail/wording_edit.html", {
        "seminar": seminar, "kind": kind, "locale": locale, "locales": i18n.LOCALE_NAMES, "form": wording_form,
        "stored": stored, "preview": preview, "person": person, "stage": kinds.STAGE_LABELS[kind.stage],
        "customised_locales": {loc for key, loc in own if key == kind.key},
    }, status_code=status)


def _int(value: str) -> int | None:
    return int(value) if value.isdigit() else None


def _edit_url(request: Request, seminar: Seminar, kind: MailKind, locale: str, person: queries.PreviewPerson | None) -> str:
    url = str(request.url_for("mail:wording_edit", slug=seminar.slug, kind=kind.key)) + f"?locale={locale}"
    return url + (f"&recipient={person.id}" if person is not None else "")


async def wording_reset(request: Request) -> Response:
    """Back to the site's wording in one language: the seminar's own is deleted."""
    seminar = await seminar_page(request, can_edit_mail_wording)
    kind = _kind(request)
    locale = _locale(str((await form(request)).get("locale", "")))
    if await actions.reset_wording(seminar.id, kind, locale):
        flash(request, _("The mail in %(language)s is back to the site's default wording.", language=i18n.LOCALE_NAMES[locale]))
    else:
        flash(request, _("This mail already had the site's default wording."))
    return redirect_to(_edit_url(request, seminar, kind, locale, None))


routes: list[BaseRoute] = [
    Route("/{slug}/manage/mail/wording", wording_list, name="mail:wording"),
    Route("/{slug}/manage/mail/wording/{kind}", wording_edit, methods=["GET", "POST"], name="mail:wording_edit"),
    Route("/{slug}/manage/mail/wording/{kind}/reset", wording_reset, methods=["POST"], name="mail:wording_reset"),
]
