"""The organizers' side of reviewing once reviews come in: progress and reminders, the ranking per topic,
decisions (one by one and in bulk), decision mails (wording, preview, sending) and the .xlsx of all reviews.

Everything here is for the seminar's organizers: other signed-in people get 403 (the seminar is public).
"""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from seminar import i18n
from seminar.errors import UserError
from seminar.files import content_disposition
from seminar.forms import bind
from seminar.i18n import _
from seminar.permissions import can_decide
from seminar.reviews import actions, letters, scoring
from seminar.reviews.decisions import (
    UNDECIDED,
    decide,
    letter_values,
    mail_plan,
    mail_template,
    recipients_of,
    save_mail_template,
    send_decision_mails,
)
from seminar.reviews.export import reviews_xlsx
from seminar.reviews.forms import DecisionMailForm
from seminar.reviews.models import Award, Decision, Outcome
from seminar.reviews.overview import SORT_KEYS, comments_for_authors, export_rows, ranking, review_progress
from seminar.reviews.queries import reviewable_papers, settings_of
from seminar.reviews.routes import _links, _managed_seminar
from seminar.seminars.models import Seminar, Topic
from seminar.submissions.archive import manuscript_name
from seminar.spreadsheets import XLSX_TYPE
from seminar.web import flash, form, redirect, redirect_to, render, seminar_page, signed_in_user


async def _deciding_seminar(request: Request) -> Seminar:
    return await seminar_page(request, can_decide)


async def progress(request: Request) -> Response:
    seminar = await _managed_seminar(request)
    found = await review_progress(seminar)
    return render(request, "reviews/progress.html", {
        "seminar": seminar,
        "progress": found,
        "deadline": seminar.review_deadline,
        "outstanding_count": len(found.outstanding_reviewers),
    })


async def remind(request: Request) -> Response:
    seminar = await _managed_seminar(request)
    count = await actions.remind_reviewers(seminar, _links(request, seminar))
    if count:
        flash(request, i18n.ngettext("A reminder is on its way to %(num)s reviewer.",
                                     "Reminders are on their way to %(num)s reviewers.", count))
    else:
        flash(request, _("No reviewer has outstanding reviews: nobody was reminded."))
    return redirect(request, "reviews:progress", slug=seminar.slug)


def _ranking_query(request: Request) -> tuple[scoring.SortKey, int | None]:
    sort = request.query_params.get("sort", "")
    key: scoring.SortKey = sort if sort in SORT_KEYS else "trimmed"  # type: ignore[assignment]
    topic = request.query_params.get("topic", "")
    return key, int(topic) if topic.isdigit() else None


async def _ranking_page(request: Request, seminar: Seminar, errors: list[str] | None = None) -> Response:
    key, topic_id = _ranking_query(request)
    found = await ranking(seminar, key, topic_id)
    return render(request, "reviews/ranking.html", {
        "seminar": seminar,
        "ranking": found,
        "sort": key,
        "topic_id": topic_id,
        "topics": await Topic.filter(seminar_id=seminar.id).order_by("position", "id"),
        "outcomes": list(Outcome),
        "awards": list(Award),
        "errors": errors or [],
        "back": request.url.query,
    }, status_code=400 if errors else 200)


async def ranking_page(request: Request) -> Response:
    seminar = await _deciding_seminar(request)
    return await _ranking_page(request, seminar)


async def decide_papers(request: Request) -> Response:
    """One POST for one paper (its row's form) or many (the ticked rows): same outcome and award for all."""
    seminar = await _deciding_seminar(request)
    data = await form(request)
    paper_ids = [int(value) for value in data.getlist("paper") if str(value).isdigit()]
    try:
        count = await decide(seminar, paper_ids, str(data.get("outcome", "")), str(data.get("award", "")),
                             by=signed_in_user(request))
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
    return redirect_to(f"{back}?{query}" if query else back)


def _outcome(request: Request) -> Outcome:
    try:
        return Outcome(request.path_params["outcome"])
    except ValueError as error:
        raise HTTPException(status_code=404) from error


async def decision_mail(request: Request) -> Response:
    """Edit one outcome's wording; "preview" fills it in for a chosen paper, "save" stores it. Nothing is sent here."""
    seminar = await _deciding_seminar(request)
    outcome = _outcome(request)
    papers = await reviewable_papers(seminar).select_related("city", "topic").order_by("number")
    decisions = {d.paper_id: d for d in await Decision.filter(seminar_id=seminar.id)}  # type: ignore[attr-defined]
    if request.method == "POST":
        mail_form = await bind(DecisionMailForm, request)
    else:
        subject, body = await mail_template(seminar, outcome)
        first = next((p for p in papers if p.id in decisions and decisions[p.id].outcome is outcome), papers[0] if papers else None)
        requested = request.query_params.get("paper", "")
        chosen = next((p for p in papers if str(p.number) == requested), first)
        mail_form = DecisionMailForm(data={"subject": subject, "body": body, "paper": chosen.number if chosen else None})
    mail_form.paper.choices = [(p.number, f"#{p.number} {p.title}") for p in papers]
    action = str((await form(request)).get("action", "")) if request.method == "POST" else "preview"
    preview: dict[str, Any] | None = None
    status = 200
    if mail_form.validate() if request.method == "POST" else True:
        try:
            letters.check_template(mail_form.subject.data or "", mail_form.body.data or "")
            if action == "save":
                await save_mail_template(seminar, outcome, mail_form.subject.data or "", mail_form.body.data or "")
                flash(request, _("The wording of this decision mail is saved."))
                return redirect(request, "reviews:decision_mail", slug=seminar.slug, outcome=outcome.value)
            paper = next((p for p in papers if p.number == mail_form.paper.data), None)
            if paper is not None:
                preview = await _preview(seminar, paper, outcome, decisions.get(paper.id), mail_form)
        except UserError as error:
            mail_form.form_errors.append(error.message)
            status = 400
    else:
        status = 400
    return render(request, "reviews/decision_mail.html", {
        "seminar": seminar,
        "outcome": outcome,
        "outcomes": list(Outcome),
        "form": mail_form,
        "preview": preview,
        "placeholders": letters.PLACEHOLDERS,
        "settings": await settings_of(seminar),
    }, status_code=status)


async def _preview(seminar: Seminar, paper: Any, outcome: Outcome, decision: Decision | None,
                   mail_form: DecisionMailForm) -> dict[str, Any]:
    settings = await settings_of(seminar)
    comments = (await comments_for_authors([paper.id])).get(paper.id, []) if settings.authors_see_comments else []
    recipients = (await recipients_of([paper])).get(paper.id, [])
    award = decision.award if decision is not None and decision.outcome is outcome else None
    name = recipients[0].name if recipients else _("(recipient)")
    letter = letters.render_letter(
        mail_form.subject.data or "", mail_form.body.data or "",
        letter_values(seminar, paper, outcome, award, name, comments, settings.authors_see_comments),
    )
    return {"letter": letter, "paper": paper, "recipients": recipients}


async def send_decisions(request: Request) -> Response:
    """GET: what would be sent (papers, mails); POST: queue them all in one transaction."""
    seminar = await _deciding_seminar(request)
    if request.method == "POST":
        try:
            papers, mails = await send_decision_mails(seminar)
        except UserError as error:
            flash(request, error.message, "error")
            return redirect(request, "reviews:send_decisions", slug=seminar.slug)
        if papers:
            flash(request, _("%(mails)s decision mails for %(papers)s papers are in the outbox.", mails=mails, papers=papers))
        else:
            flash(request, _("There are no new or changed decisions to send."))
        return redirect(request, "reviews:ranking", slug=seminar.slug)
    plan = await mail_plan(seminar)
    return render(request, "reviews/send_decisions.html", {
        "seminar": seminar, "plan": plan, "settings": await settings_of(seminar),
        "without_recipients": [d.paper for d in plan.decisions if not plan.recipients.get(d.paper_id)],  # type: ignore[attr-defined]
    })


async def export(request: Request) -> Response:
    seminar = await _managed_seminar(request)
    criteria, rows = await export_rows(seminar)
    data = reviews_xlsx(seminar.title, criteria, rows)
    filename = manuscript_name(seminar.title, "", "评审意见", [], ".xlsx")
    return Response(data, media_type=XLSX_TYPE, headers={"Content-Disposition": content_disposition(filename)})


routes: list[BaseRoute] = [
    Route("/{slug}/manage/reviews", progress, name="reviews:progress"),
    Route("/{slug}/manage/reviews/remind", remind, methods=["POST"], name="reviews:remind"),
    Route("/{slug}/manage/reviews.xlsx", export, name="reviews:export"),
    Route("/{slug}/manage/ranking", ranking_page, name="reviews:ranking"),
    Route("/{slug}/manage/decisions", decide_papers, methods=["POST"], name="reviews:decide"),
    Route("/{slug}/manage/decisions/send", send_decisions, methods=["GET", "POST"], name="reviews:send_decisions"),
    Route("/{slug}/manage/decisions/mail/{outcome}", decision_mail, methods=["GET", "POST"], name="reviews:decision_mail"),
]
