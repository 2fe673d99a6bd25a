"""The organizers' side of reviewing once reviews come in: progress and reminders, the ranking per topic,
decisions (one by one and in bulk), decision mails (wording, preview, sending) and the .xlsx of all reviews.

Everything here is for the seminar's organizers: other signed-in people get 403 (the seminar is public).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from seminar import i18n
from seminar.errors import UserError
from seminar.forms import bind
from seminar.i18n import _
from seminar.mail.batches import MailBatchKind
from seminar.mail.queries import latest_batch
from seminar.permissions import can_decide, can_manage_reviews
from seminar.reviews import actions, letters, overview, queries, scoring
from seminar.reviews.access import mail_links
from seminar.reviews.decisions import (
    UNDECIDED, ReviewsMissing, decide, reset_mail_template, save_mail_template, send_decision_mails,
)
from seminar.reviews.export import reviews_xlsx
from seminar.reviews.forms import DecisionMailForm
from seminar.spreadsheets import XLSX_TYPE
from seminar.submissions.archive import manuscript_name
from seminar.files import bytes_response
from seminar.web import flash, form, redirect, redirect_to, render, seminar_page, signed_in_user

if TYPE_CHECKING:
    from seminar.reviews.models import Decision, Outcome
    from seminar.seminars.models import Seminar
    from seminar.submissions.models import Paper


async def progress(request: Request) -> Response:
    seminar = await seminar_page(request, can_manage_reviews)
    found = await overview.review_progress(seminar)
    return render(request, "reviews/progress.html", {
        "seminar": seminar,
        "progress": found,
        "deadline": seminar.review_deadline,
        "outstanding_count": len(found.outstanding_reviewers),
        "mail_batch": await latest_batch(seminar, MailBatchKind.REVIEW_REMINDERS, request.app.state.settings.smtp_configured),
    })


async def remind(request: Request) -> Response:
    seminar = await seminar_page(request, can_manage_reviews)
    count = await actions.remind_reviewers(seminar, mail_links(request, seminar))
    if count:
        flash(request, i18n.ngettext("A reminder is on its way to %(num)s reviewer.",
                                     "Reminders are on their way to %(num)s reviewers.", count))
    else:
        flash(request, _("No reviewer has outstanding reviews: nobody was reminded."))
    return redirect(request, "reviews:progress", slug=seminar.slug)


def _ranking_query(request: Request) -> tuple[scoring.SortKey, int | None]:
    sort = request.query_params.get("sort", "")
    key: scoring.SortKey = sort if sort in overview.SORT_KEYS else "trimmed"
    topic = request.query_params.get("topic", "")
    return key, int(topic) if topic.isdigit() else None


async def _ranking_page(request: Request, seminar: Seminar, errors: list[str] | None = None) -> Response:
    key, topic_id = _ranking_query(request)
    return render(request, "reviews/ranking.html", {
        "seminar": seminar,
        **await overview.ranking_page(seminar, key, topic_id),
        "sort": key,
        "topic_id": topic_id,
        "errors": errors or [],
        "back": request.url.query,
        "mail_batch": await latest_batch(seminar, MailBatchKind.DECISIONS, request.app.state.settings.smtp_configured),
    }, status_code=400 if errors else 200)


async def ranking_page(request: Request) -> Response:
    seminar = await seminar_page(request, can_decide)
    return await _ranking_page(request, seminar)


def _ids(values: list[Any]) -> list[int]:
    """Paper ids from form values, each one id or several separated by commas (the "all of them" box)."""
    return [int(part) for value in values if isinstance(value, str) for part in value.split(",") if part.strip().isdigit()]


async def decide_papers(request: Request) -> Response:
    """One POST for one paper (its row's form) or many (the ticked rows): same outcome and award for all.

    Papers with fewer submitted reviews than required get a page that says so and asks to confirm (409:
    nothing changed); confirming posts the same decision again with those papers' ids as `confirmed`.
    """
    seminar = await seminar_page(request, can_decide)
    data = await form(request)
    paper_ids = _ids(data.getlist("paper"))
    confirmed = _ids(data.getlist("confirmed"))
    outcome, award = str(data.get("outcome", "")), str(data.get("award", ""))
    try:
        count = await decide(seminar, paper_ids, outcome, award, by=signed_in_user(request), confirmed=confirmed)
    except ReviewsMissing as missing:
        return render(request, "reviews/confirm_decision.html", {
            "seminar": seminar, "missing": missing, "paper_ids": paper_ids, "outcome": outcome, "award": award,
            "confirmed": sorted({*confirmed, *(s.paper.id for s in missing.shortfalls)}), "back": str(data.get("back", "")),
            "row": str(data.get("row", "")),
        }, status_code=409)
    except UserError as error:
        return await _ranking_page(request, seminar, [error.message])
    if str(data.get("outcome", "")) == UNDECIDED:
        flash(request, i18n.ngettext("Decision removed for %(num)s paper.", "Decisions removed for %(num)s papers.", count)
              if count else _("Nothing changed: the papers were undecided already."))
    else:
        flash(request, i18n.ngettext("Decision recorded for %(num)s paper.", "Decision recorded for %(num)s papers.", count)
              if count else _("Nothing changed: the papers were already decided so."))
    back = str(request.url_for("reviews:ranking", slug=seminar.slug))
    query = str(data.get("back", ""))
    row = str(data.get("row", ""))  # one row's form: back to that row, not to the top of a long page
    anchor = f"#{row}" if re.fullmatch(r"paper-\d+", row) else ""
    return redirect_to((f"{back}?{query}" if query else back) + anchor)


def _mail_locale(value: str) -> str:
    return value if value in i18n.LOCALES else i18n.DEFAULT_LOCALE


async def _mail_form(request: Request, seminar: Seminar, outcome: Outcome, locale: str, papers: list[Paper],
                     decisions: dict[int, Decision]) -> DecisionMailForm:
    """The posted form, or the stored wording in `locale` with a paper to preview: the one asked for, else the
    first so decided."""
    if request.method == "POST":
        mail_form = await bind(DecisionMailForm, request)
    else:
        subject, body = await queries.mail_template(seminar, outcome, locale)
        first = next((p for p in papers if p.id in decisions and decisions[p.id].outcome is outcome), papers[0] if papers else None)
        requested = request.query_params.get("paper", "")
        chosen = next((p for p in papers if str(p.number) == requested), first)
        mail_form = DecisionMailForm(data={"subject": subject, "body": body, "paper": chosen.number if chosen else None})
    mail_form.paper.choices = [(p.number, f"#{p.number} {p.title}") for p in papers]
    return mail_form


def _mail_url(request: Request, seminar: Seminar, outcome: Outcome, locale: str) -> str:
    return str(request.url_for("reviews:decision_mail", slug=seminar.slug, outcome=outcome.value)) + f"?locale={locale}"


async def decision_mail(request: Request) -> Response:
    """Edit one outcome's wording in one language; "preview" fills it in for a chosen paper, "save" stores it,
    "reset" goes back to the site's wording in that language. Nothing is sent here."""
    seminar = await seminar_page(request, can_decide)
    outcome = queries.outcome_or_404(request.path_params["outcome"])
    is_post = request.method == "POST"
    data = await form(request) if is_post else None
    locale = _mail_locale(str((data or request.query_params).get("locale", "")))
    action = str(data.get("action", "")) if data is not None else "preview"
    if action == "reset":
        if await reset_mail_template(seminar, outcome, locale):
            flash(request, _("The decision mail in %(language)s is back to the site's default wording.",
                             language=i18n.LOCALE_NAMES[locale]))
        else:
            flash(request, _("This mail already had the site's default wording."))
        return redirect_to(_mail_url(request, seminar, outcome, locale))
    papers, decisions = await queries.papers_to_decide(seminar)
    mail_form = await _mail_form(request, seminar, outcome, locale, papers, decisions)
    subject, body = mail_form.subject.data or "", mail_form.body.data or ""
    preview: dict[str, Any] | None = None
    status = 400
    if not is_post or mail_form.validate():
        try:
            letters.check_template(subject, body)
            if action == "save":
                await save_mail_template(seminar, outcome, locale, subject, body)
                flash(request, _("The wording of this decision mail in %(language)s is saved.", language=i18n.LOCALE_NAMES[locale]))
                return redirect_to(_mail_url(request, seminar, outcome, locale))
            paper = next((p for p in papers if p.number == mail_form.paper.data), None)
            if paper is not None:
                preview = await overview.letter_preview(seminar, paper, outcome, decisions.get(paper.id), subject, body, locale)
            status = 200
        except UserError as error:
            mail_form.form_errors.append(error.message)
    customised = await queries.mail_wordings(seminar)
    return render(request, "reviews/decision_mail.html", {
        "seminar": seminar, "outcome": outcome, "outcomes": overview.OUTCOMES, "form": mail_form, "preview": preview,
        "placeholders": letters.PLACEHOLDERS, "settings": await queries.settings_of(seminar),
        "locale": locale, "locales": i18n.LOCALE_NAMES, "customised": set(customised),
        "default_locale": i18n.DEFAULT_LOCALE,
    }, status_code=status)


async def _send_page(request: Request, seminar: Seminar, missing: ReviewsMissing | None = None) -> Response:
    plan = await queries.mail_plan(seminar)
    shortfalls = await queries.short_of_reviews(seminar, [d.paper for d in plan.decisions])
    return render(request, "reviews/send_decisions.html", {
        "seminar": seminar, "plan": plan, "settings": await queries.settings_of(seminar),
        "without_recipients": [d.paper for d in plan.decisions if not plan.recipients.get(d.paper_id)],
        "shortfalls": shortfalls, "decision_of": {d.paper_id: d for d in plan.decisions},
        "required": seminar.reviews_per_paper, "missing": missing,
    }, status_code=409 if missing else 200)


async def send_decisions(request: Request) -> Response:
    """GET: what would be sent (papers, mails), and which papers lack reviews; POST: queue them all in one
    transaction, once every paper short of reviews is ticked as confirmed (else 409 and nothing is sent)."""
    seminar = await seminar_page(request, can_decide)
    if request.method == "POST":
        try:
            papers, mails = await send_decision_mails(seminar, confirmed=_ids((await form(request)).getlist("confirmed")))
        except ReviewsMissing as missing:
            return await _send_page(request, seminar, missing)
        except UserError as error:
            flash(request, error.message, "error")
            return redirect(request, "reviews:send_decisions", slug=seminar.slug)
        if papers:
            flash(request, _("%(mails)s decision mails for %(papers)s papers are in the outbox.", mails=mails, papers=papers))
        else:
            flash(request, _("There are no new or changed decisions to send."))
        return redirect(request, "reviews:ranking", slug=seminar.slug)
    return await _send_page(request, seminar)


async def export(request: Request) -> Response:
    seminar = await seminar_page(request, can_manage_reviews)
    criteria, rows = await overview.export_rows(seminar)
    data = reviews_xlsx(seminar.title, criteria, rows)
    filename = manuscript_name(seminar.title, "", "评审意见", [], ".xlsx")
    return bytes_response(request, data, XLSX_TYPE, filename=filename)


routes: list[BaseRoute] = [
    Route("/{slug}/manage/reviews", progress, name="reviews:progress"),
    Route("/{slug}/manage/reviews/remind", remind, methods=["POST"], name="reviews:remind"),
    Route("/{slug}/manage/reviews.xlsx", export, name="reviews:export"),
    Route("/{slug}/manage/ranking", ranking_page, name="reviews:ranking"),
    Route("/{slug}/manage/decisions", decide_papers, methods=["POST"], name="reviews:decide"),
    Route("/{slug}/manage/decisions/send", send_decisions, methods=["GET", "POST"], name="reviews:send_decisions"),
    Route("/{slug}/manage/decisions/mail/{outcome}", decision_mail, methods=["GET", "POST"], name="reviews:decision_mail"),
]
