"""查重 pages: a paper's report (organizers; reviewers if allowed), its progress, the library and settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from seminar.errors import UserError
from seminar.forms import bind
from seminar.i18n import _
from seminar.files import bytes_response
from seminar.overlap import actions, queries
from seminar.overlap.models import CheckState
from seminar.overlap.printing import report_pdf
from seminar.overlap.forms import DocumentForm, MarkForm, OverlapSettingsForm
from seminar.permissions import can_manage_overlap, can_read_overlap_report, has_seminar_role, require
from seminar.submissions.final_routes import received_manuscript
from seminar.web import actor, flash, redirect, render, seminar_page, templates

if TYPE_CHECKING:
    from seminar.seminars.models import Seminar
    from seminar.submissions.models import Paper


async def _report_paper(request: Request) -> tuple[Seminar, Paper]:
    """The paper whose report is asked for, if this person may read it; 404 otherwise (nothing leaks)."""
    seminar = await seminar_page(request, has_seminar_role, refused=404)
    paper = await queries.paper_or_none(seminar, request.path_params["number"])
    settings = await queries.settings_of(seminar.id)
    if paper is None or not can_read_overlap_report(actor(request), paper, settings.reviewers_see_reports):
        raise HTTPException(status_code=404)
    return seminar, paper


async def report(request: Request) -> Response:
    seminar, paper = await _report_paper(request)
    context = await queries.report(seminar, paper)
    return render(request, "overlap/report.html", {**context, "mark_form": MarkForm()})


async def pdf(request: Request) -> Response:
    """The printable 检测报告 of a finished check (organizers)."""
    seminar = await seminar_page(request, can_manage_overlap, refused=404)
    paper = await queries.paper_or_none(seminar, request.path_params["number"])
    require(paper is not None, 404)
    assert paper is not None
    context = await queries.report(seminar, paper)
    check = context["check"]
    if check is None or check.state is not CheckState.DONE:
        raise HTTPException(status_code=404)
    html = templates.env.get_template("overlap/print.html").render(**context)
    data = await report_pdf(html)
    return bytes_response(request, data, "application/pdf", filename=f"检测报告-{paper.number}.pdf")


async def status(request: Request) -> Response:
    """The check's progress as JSON, for the live progress bar of the report (static/js/progress.js)."""
    seminar, paper = await _report_paper(request)
    check = await queries.current_check(paper)
    if check is None:
        raise HTTPException(status_code=404)
    page = request.url_for("overlap:report", slug=seminar.slug, number=paper.number).path
    return JSONResponse(queries.check_progress(check).as_json(page), headers={"Cache-Control": "no-store"})


async def mark(request: Request) -> Response:
    seminar = await seminar_page(request, can_manage_overlap, refused=404)
    found = await queries.match_or_none(seminar, request.path_params["match_id"])
    if found is None:
        raise HTTPException(status_code=404)
    match, paper = found
    form = await bind(MarkForm, request)
    reason = (form.reason.data or "").strip()
    if form.acceptable.data and not reason:
        flash(request, _("Say why this match is acceptable."), "error")
    elif form.validate():
        user = actor(request).user
        await actions.mark_acceptable(match, bool(form.acceptable.data), reason, user.id if user else None)
        flash(request, _("Match marked acceptable.") if form.acceptable.data else _("Mark taken back."))
    else:
        flash(request, form.first_error or _("Check the form."), "error")
    return redirect(request, "overlap:report", slug=seminar.slug, number=paper.number)


async def _library(request: Request, seminar: Seminar, settings_form: OverlapSettingsForm | None = None,
                   document_form: DocumentForm | None = None, status_code: int = 200) -> Response:
    context = await queries.library_page(seminar)
    if settings_form is None:
        settings_form = OverlapSettingsForm(data={
            "threshold": round(context["settings"].threshold * 100),
            "reviewers_see_reports": context["settings"].reviewers_see_reports,
        })
    return render(request, "overlap/library.html", {
        **context, "settings_form": settings_form, "document_form": document_form or DocumentForm(),
    }, status_code=status_code)


async def manage(request: Request) -> Response:
    seminar = await seminar_page(request, can_manage_overlap)
    if request.method == "POST":
        form = await bind(OverlapSettingsForm, request)
        if not form.validate():
            return await _library(request, seminar, settings_form=form, status_code=400)
        await actions.save_settings(seminar.id, (form.threshold.data or 30) / 100, bool(form.reviewers_see_reports.data))
        flash(request, _("查重 settings saved."))
        return redirect(request, "overlap:manage", slug=seminar.slug)
    return await _library(request, seminar)


async def upload(request: Request) -> Response:
    seminar = await seminar_page(request, can_manage_overlap)
    form = await bind(DocumentForm, request)
    if not form.validate():
        return await _library(request, seminar, document_form=form, status_code=400)
    try:
        filename, data, intake = await received_manuscript(request)
        text = await actions.document_text(data, intake)
    except UserError as error:
        flash(request, error.message, "error")
        return await _library(request, seminar, document_form=form, status_code=400)
    user = actor(request).user
    await actions.add_document(seminar.id, (form.title.data or "").strip(), filename, data, text, user.id if user else None)
    flash(request, _("Document added to the reference library; every paper is checked again."))
    return redirect(request, "overlap:manage", slug=seminar.slug)


async def delete(request: Request) -> Response:
    seminar = await seminar_page(request, can_manage_overlap)
    document = await queries.document_or_none(seminar, request.path_params["document_id"])
    require(document is not None, 404)
    assert document is not None
    await actions.delete_document(document)
    flash(request, _("Document removed from the reference library; every paper is checked again."))
    return redirect(request, "overlap:manage", slug=seminar.slug)


routes: list[BaseRoute] = [
    Route("/{slug}/overlap/papers/{number:int}", report, name="overlap:report"),
    Route("/{slug}/overlap/papers/{number:int}/status", status, name="overlap:status"),
    Route("/{slug}/overlap/papers/{number:int}/report.pdf", pdf, name="overlap:pdf"),
    Route("/{slug}/manage/overlap", manage, methods=["GET", "POST"], name="overlap:manage"),
    Route("/{slug}/manage/overlap/documents", upload, methods=["POST"], name="overlap:upload"),
    Route("/{slug}/manage/overlap/documents/{document_id:int}/delete", delete, methods=["POST"], name="overlap:delete"),
    Route("/{slug}/manage/overlap/matches/{match_id:int}", mark, methods=["POST"], name="overlap:mark"),
]
