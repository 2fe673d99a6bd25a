"""Paper pages: a city's papers under /{slug}/papers/, the organizers' overview under /{slug}/manage/.

Anyone signed in without a submitter or organizer role in the seminar gets 404 on every page
here, and a city gets 404 for another city's paper: existence itself is not shown.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from seminar import i18n
from seminar.config import Settings
from seminar.errors import UserError
from seminar.files import bytes_response, content_disposition
from seminar.forms import BaseForm, bind, show_error
from seminar.i18n import _
from seminar.permissions import (
    can_change_paper,
    can_edit_paper,
    can_extend_deadline,
    can_see_all_papers,
    can_see_submissions,
    can_submit_papers,
    require,
)
from seminar.reviews.queries import is_decided
from seminar.seminars.rules import to_aware
from seminar.spreadsheets import XLSX_TYPE
from seminar.submissions import actions, queries
from seminar.submissions.archive import manuscript_name, stream_zip
from seminar.submissions.consequences import PaperLinks
from seminar.submissions.export import paper_list_xlsx
from seminar.submissions.final_routes import received_manuscript
from seminar.submissions.forms import AUTHOR_ROWS, ExtensionForm, PaperForm, paper_form_data
from seminar.submissions.images import MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS, MAX_IMAGES
from seminar.web import absolute_url, actor, flash, form, redirect, render, seminar_page, signed_in_user

if TYPE_CHECKING:
    from seminar.seminars.models import Seminar
    from seminar.submissions.models import Paper


async def _seminar(request: Request) -> Seminar:
    """The seminar in the path, if its paper pages exist for this person; times shown in its zone."""
    return await seminar_page(request, can_see_submissions, refused=404)


async def _paper(request: Request) -> tuple[Seminar, Paper]:
    seminar = await _seminar(request)
    return seminar, await queries.get_paper_or_404(actor(request), seminar, request.path_params["number"])


async def _organizers_seminar(request: Request) -> Seminar:
    seminar = await _seminar(request)
    require(can_see_all_papers(actor(request), seminar), 404)
    return seminar


def _links(request: Request, seminar: Seminar, paper: Paper) -> PaperLinks:
    """Where the mails of sending in or withdrawing point: the paper, the reviewers' and organizers' pages."""
    return PaperLinks(
        paper_url=absolute_url(request, "submissions:detail", slug=seminar.slug, number=paper.number),
        my_reviews_url=absolute_url(request, "reviews:mine", slug=seminar.slug),
        assignments_url=absolute_url(request, "reviews:assignments", slug=seminar.slug),
    )


def _paper_form(request: Request, seminar: Seminar, paper_form: BaseForm, paper: Paper | None, status: int) -> Response:
    context = {"seminar": seminar, "form": paper_form, "paper": paper, "author_rows": AUTHOR_ROWS}
    return render(request, "submissions/paper_form.html", context, status_code=status)


async def mine(request: Request) -> Response:
    seminar = await _seminar(request)
    if not can_submit_papers(actor(request), seminar):
        return redirect(request, "submissions:all", slug=seminar.slug)
    return render(request, "submissions/mine.html", await queries.my_papers_page(actor(request), seminar))


async def new(request: Request) -> Response:
    seminar = await _seminar(request)
    current = actor(request)
    require(can_submit_papers(current, seminar), 404)
    assert current.unit_id is not None, "a submitter submits for a unit"
    window = await queries.submission_window(seminar, current.unit_id)
    if not window.is_open:
        flash(request, window.closed_message, "error")
        return redirect(request, "submissions:mine", slug=seminar.slug)
    paper_form = await bind(PaperForm, request)
    paper_form.set_topics(await queries.topic_choices(seminar))
    if request.method == "POST" and paper_form.validate():
        try:
            city = await queries.city_of(current)
            paper = await actions.create_paper(seminar, city, paper_form.values(), by=signed_in_user(request))
        except UserError as error:
            show_error(paper_form, error)
        else:
            flash(request, _("Paper #%(number)s saved as a draft. Now upload the manuscript.", number=paper.number))
            return redirect(request, "submissions:detail", slug=seminar.slug, number=paper.number)
    return _paper_form(request, seminar, paper_form, None, 400 if request.method == "POST" else 200)


async def _refused_once_decided(request: Request, seminar: Seminar, paper: Paper) -> Response | None:
    """Back to the paper with the reason, if the organizers have decided on it (a page opened before)."""
    if can_change_paper(actor(request), paper, await is_decided(paper)):
        return None
    flash(request, _("The organizers have decided on this paper, so it can no longer be edited or withdrawn. "
                     "Write to them if something must change."), "error")
    return redirect(request, "submissions:detail", slug=seminar.slug, number=paper.number)


async def edit(request: Request) -> Response:
    seminar, paper = await _paper(request)
    require(can_edit_paper(actor(request), paper), 404)
    if (refused := await _refused_once_decided(request, seminar, paper)) is not None:
        return refused
    window = await queries.submission_window(seminar, paper.city_id)
    if not window.is_open:
        flash(request, window.closed_message, "error")
        return redirect(request, "submissions:detail", slug=seminar.slug, number=paper.number)
    if request.method == "GET":
        paper_form = PaperForm(data=paper_form_data(paper, await queries.authors_of(paper)))
        paper_form.set_topics(await queries.topic_choices(seminar))
        return _paper_form(request, seminar, paper_form, paper, 200)
    paper_form = await bind(PaperForm, request)
    paper_form.set_topics(await queries.topic_choices(seminar))
    status = 400
    if paper_form.validate():
        try:
            await actions.update_paper(paper, paper_form.values(), opened_version=paper_form.opened_version)
        except UserError as error:
            show_error(paper_form, error)
            status = 409 if error.field == "version" else 400
        else:
            flash(request, _("Paper saved."))
            return redirect(request, "submissions:detail", slug=seminar.slug, number=paper.number)
    return _paper_form(request, seminar, paper_form, paper, status)


async def detail(request: Request) -> Response:
    seminar, paper = await _paper(request)
    settings: Settings = request.app.state.settings
    context = await queries.paper_page(
        actor(request), seminar, paper, upload_max_bytes=settings.upload_max_bytes, decision=True
    )
    return render(request, "submissions/detail.html", context)


def _dropped_images_message(count: int) -> str:
    return _(
        "%(count)s pictures were left out: only PNG, JPEG, GIF, WebP and BMP pictures saved inside the "
        "file are kept, each up to %(pixels)s megapixels and %(size)s MB, at most %(images)s in a paper. "
        "Insert the pictures again in one of these formats (not linked, not as drawings) and upload again.",
        count=count, pixels=MAX_IMAGE_PIXELS // 1_000_000, size=MAX_IMAGE_BYTES // (1024 * 1024), images=MAX_IMAGES,
    )


async def upload(request: Request) -> Response:
    seminar, paper = await _paper(request)
    require(can_edit_paper(actor(request), paper), 404)
    settings: Settings = request.app.state.settings
    try:
        await actions.ensure_uploadable(paper)  # before converting: a refused upload costs none
        filename, data, intake = await received_manuscript(request)
        manuscript = await actions.upload_manuscript(paper, filename, data, intake, by=signed_in_user(request))
    except UserError as error:
        flash(request, error.message, "error")  # at the top, where the reloaded page is read first
        context = await queries.paper_page(
            actor(request), seminar, paper, upload_max_bytes=settings.upload_max_bytes, decision=False
        )
        return render(request, "submissions/detail.html", {**context, "upload_error": error.message}, status_code=400)
    # A name in the document properties is warned about by the page itself, for as long as it is true.
    flash(request, _("Version %(version)s of the manuscript uploaded.", version=manuscript.version))
    if intake.dropped_images:
        flash(request, _dropped_images_message(intake.dropped_images), "error")
    return redirect(request, "submissions:detail", slug=seminar.slug, number=paper.number)


async def submit(request: Request) -> Response:
    seminar, paper = await _paper(request)
    require(can_edit_paper(actor(request), paper), 404)
    try:
        await actions.submit_paper(paper, by=signed_in_user(request), links=_links(request, seminar, paper))
    except UserError as error:
        flash(request, error.message, "error")
    else:
        flash(request, _("Paper #%(number)s submitted. A receipt is on its way by e-mail.", number=paper.number))
    return redirect(request, "submissions:detail", slug=seminar.slug, number=paper.number)


async def withdraw(request: Request) -> Response:
    seminar, paper = await _paper(request)
    require(can_edit_paper(actor(request), paper), 404)
    if (refused := await _refused_once_decided(request, seminar, paper)) is not None:
        return refused
    if request.method == "POST":
        if (await form(request)).get("confirm") != "yes":
            flash(request, _("Tick the box to confirm the withdrawal."), "error")
            return redirect(request, "submissions:withdraw", slug=seminar.slug, number=paper.number)
        try:
            await actions.withdraw_paper(paper, by=signed_in_user(request), links=_links(request, seminar, paper))
        except UserError as error:
            flash(request, error.message, "error")
        else:
            flash(request, _("Paper #%(number)s withdrawn.", number=paper.number))
        return redirect(request, "submissions:detail", slug=seminar.slug, number=paper.number)
    return render(request, "submissions/withdraw.html", {"seminar": seminar, "paper": paper})


async def download(request: Request) -> Response:
    _found_seminar, paper = await _paper(request)
    found = await queries.manuscript_file(paper, request.path_params["version"])
    if found is None:
        raise HTTPException(status_code=404)
    manuscript, content = found
    return bytes_response(request, content, manuscript.content_type, filename=manuscript.original_filename)


async def all_papers(request: Request) -> Response:
    seminar = await _organizers_seminar(request)
    context = await queries.all_papers_page(actor(request), seminar, request.query_params, request.url.query)
    return render(request, "submissions/all.html", context)


async def export_xlsx(request: Request) -> Response:
    seminar = await _organizers_seminar(request)
    papers = await queries.listed_papers(actor(request), seminar, request.query_params)
    data = paper_list_xlsx(seminar.title, await queries.paper_rows(papers, seminar.time_zone))
    filename = manuscript_name(seminar.title, "", "论文清单", [], ".xlsx")
    return bytes_response(request, data, XLSX_TYPE, filename=filename)


async def download_all(request: Request) -> Response:
    """The latest manuscript of every submitted paper in the list, streamed as one zip."""
    seminar = await _organizers_seminar(request)
    papers = await queries.listed_papers(actor(request), seminar, request.query_params, submitted_only=True)
    entries = await queries.archive_entries(papers, seminar.time_zone)
    if not entries:
        flash(request, _("No submitted paper in this list has a manuscript."), "error")
        return redirect(request, "submissions:all", slug=seminar.slug)
    filename = manuscript_name(seminar.title, "", "论文全文", [], ".zip")
    return StreamingResponse(
        stream_zip(queries.archive_files(entries)), media_type="application/zip",
        headers={"Content-Disposition": content_disposition(filename)},
    )


async def extensions(request: Request) -> Response:
    seminar = await _seminar(request)
    require(can_extend_deadline(actor(request), seminar), 404)
    extension_form = await bind(ExtensionForm, request)
    cities = {unit.id: unit.name for unit in await queries.cities()}
    extension_form.city.choices = list(cities.items())
    if request.method == "POST" and extension_form.validate():
        until = to_aware(extension_form.until.data, seminar.time_zone)
        assert until is not None, "the field is required"
        try:
            extension = await actions.extend_deadline(seminar, extension_form.city.data, until, by=signed_in_user(request))
        except UserError as error:
            show_error(extension_form, error)
        else:
            city = cities[extension.city_id]
            flash(request, _("%(city)s may now submit until %(until)s.", city=city, until=i18n.format_datetime(extension.until)))
            return redirect(request, "submissions:extensions", slug=seminar.slug)
    context = {"seminar": seminar, "form": extension_form, "extensions": await queries.extensions_of(seminar)}
    return render(request, "submissions/extensions.html", {**context, "now": dt.datetime.now(dt.UTC)},
                  status_code=400 if request.method == "POST" else 200)


routes: list[BaseRoute] = [
    Route("/{slug}/papers/", mine, name="submissions:mine"),
    Route("/{slug}/papers/new", new, methods=["GET", "POST"], name="submissions:new"),
    Route("/{slug}/papers/{number:int}", detail, name="submissions:detail"),
    Route("/{slug}/papers/{number:int}/edit", edit, methods=["GET", "POST"], name="submissions:edit"),
    Route("/{slug}/papers/{number:int}/upload", upload, methods=["POST"], name="submissions:upload"),
    Route("/{slug}/papers/{number:int}/submit", submit, methods=["POST"], name="submissions:submit"),
    Route("/{slug}/papers/{number:int}/withdraw", withdraw, methods=["GET", "POST"], name="submissions:withdraw"),
    Route(
        "/{slug}/papers/{number:int}/versions/{version:int}", download, name="submissions:download"
    ),
    Route("/{slug}/manage/papers", all_papers, name="submissions:all"),
    Route("/{slug}/manage/papers.xlsx", export_xlsx, name="submissions:export"),
    Route("/{slug}/manage/papers.zip", download_all, name="submissions:download_all"),
    Route("/{slug}/manage/deadlines", extensions, methods=["GET", "POST"], name="submissions:extensions"),
]
