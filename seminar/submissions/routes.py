"""Paper pages: a city's papers under /{slug}/papers/, the organizers' overview under /{slug}/manage/.

Anyone signed in without a submitter or organizer role in the seminar gets 404 on every page
here, and a city gets 404 for another city's paper: existence itself is not shown.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from seminar import i18n
from seminar.accounts.models import Unit, UnitKind
from seminar.config import Settings
from seminar.errors import UserError
from seminar.files import content_disposition
from seminar.forms import BaseForm, bind
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
from seminar.reviews.overview import released_decision
from seminar.reviews.queries import is_decided
from seminar.seminars.models import Seminar, Topic
from seminar.seminars.rules import countdown, to_aware
from seminar.spreadsheets import XLSX_TYPE
from seminar.submissions import actions, rules
from seminar.submissions.consequences import PaperLinks
from seminar.submissions.archive import manuscript_name, stream_zip, unique_names
from seminar.submissions.export import PaperRow, paper_list_xlsx, sort_key
from seminar.submissions.final_routes import received_manuscript
from seminar.submissions.forms import AUTHOR_ROWS, ExtensionForm, PaperForm
from seminar.submissions.images import MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS, MAX_IMAGES
from seminar.submissions.intake import MAX_CHARACTERS
from seminar.submissions.models import Author, Blob, DeadlineExtension, Manuscript, Paper, PaperStatus
from seminar.submissions.queries import (
    city_topic_counts,
    filtered_papers,
    final_version_state,
    get_paper_or_404,
    latest_manuscripts,
    paper_rows,
    visible_papers,
)
from seminar.web import actor, flash, form, redirect, render, seminar_page


async def _seminar(request: Request) -> Seminar:
    """The seminar in the path, if its paper pages exist for this person; times shown in its zone."""
    return await seminar_page(request, can_see_submissions, refused=404)


async def _paper(request: Request) -> tuple[Seminar, Paper]:
    seminar = await _seminar(request)
    return seminar, await get_paper_or_404(actor(request), seminar, request.path_params["number"])


def _user(request: Request) -> Any:
    user = actor(request).user
    assert user is not None, "_seminar() lets only signed-in people through"
    return user


def _paper_url(request: Request, seminar: Seminar, paper: Paper) -> str:
    settings: Settings = request.app.state.settings
    return settings.base_url + request.url_for("submissions:detail", slug=seminar.slug, number=paper.number).path


def _links(request: Request, seminar: Seminar, paper: Paper) -> PaperLinks:
    """Where the mails of sending in or withdrawing point: the paper, the reviewers' and organizers' pages."""
    base = request.app.state.settings.base_url
    return PaperLinks(
        paper_url=_paper_url(request, seminar, paper),
        my_reviews_url=base + request.url_for("reviews:mine", slug=seminar.slug).path,
        assignments_url=base + request.url_for("reviews:assignments", slug=seminar.slug).path,
    )


def _show_error(form_: BaseForm, error: UserError) -> None:
    if error.field and error.field in form_ and error.field != "version":
        form_[error.field].errors = [*form_[error.field].errors, error.message]
    else:
        form_.form_errors.append(error.message)


async def _topic_choices(seminar: Seminar) -> list[tuple[int, str]]:
    return list(await Topic.filter(seminar_id=seminar.id).order_by("position", "id").values_list("id", "title"))


async def _window(seminar: Seminar, city_id: int) -> dict[str, Any]:
    """The city's deadline, whether it is still open, and how long is left."""
    deadline = await actions.city_deadline(seminar, city_id)
    now = i18n.local_now()
    return {
        "deadline": deadline,
        "is_open": rules.is_open(now, seminar.submission_opens_at, deadline),
        "closed_message": rules.closed_message(now, seminar.submission_opens_at),
        "countdown": countdown(deadline, now) if deadline else "",
        "extended": deadline != seminar.submission_deadline,
    }


async def mine(request: Request) -> Response:
    seminar = await _seminar(request)
    current = actor(request)
    if not can_submit_papers(current, seminar):
        return redirect(request, "submissions:all", slug=seminar.slug)
    papers = await visible_papers(current, seminar).select_related("topic").order_by("number")
    assert current.unit_id is not None, "a submitter submits for a unit"
    city = await Unit.get(id=current.unit_id)
    return render(
        request,
        "submissions/mine.html",
        {
            "seminar": seminar,
            "papers": papers,
            "city": city,
            "submitted_count": sum(1 for p in papers if p.status is PaperStatus.SUBMITTED),
            **await _window(seminar, current.unit_id),
        },
    )


async def new(request: Request) -> Response:
    seminar = await _seminar(request)
    current = actor(request)
    require(can_submit_papers(current, seminar), 404)
    assert current.unit_id is not None
    window = await _window(seminar, current.unit_id)
    if not window["is_open"]:
        flash(request, window["closed_message"], "error")
        return redirect(request, "submissions:mine", slug=seminar.slug)
    paper_form = await bind(PaperForm, request)
    paper_form.set_topics(await _topic_choices(seminar))
    if request.method == "POST" and paper_form.validate():
        try:
            city = await Unit.get(id=current.unit_id)
            paper = await actions.create_paper(seminar, city, paper_form.values(), by=_user(request))
        except UserError as error:
            _show_error(paper_form, error)
        else:
            flash(request, _("Paper #%(number)s saved as a draft. Now upload the manuscript.", number=paper.number))
            return redirect(request, "submissions:detail", slug=seminar.slug, number=paper.number)
    return render(
        request,
        "submissions/paper_form.html",
        {"seminar": seminar, "form": paper_form, "paper": None, "author_rows": AUTHOR_ROWS},
        status_code=400 if request.method == "POST" else 200,
    )


def _form_data(paper: Paper, authors: list[Author]) -> dict[str, Any]:
    rows = [
        {"name": a.name, "unit": a.unit, "job_title": a.job_title, "phone": a.phone, "email": a.email}
        for a in authors
    ]
    rows += [{} for _row in range(AUTHOR_ROWS - len(rows))]
    return {
        "title": paper.title,
        "subtitle": paper.subtitle,
        "topic": paper.topic_id,
        "abstract": paper.abstract,
        "keywords": "、".join(paper.keywords),
        "originality": paper.originality_confirmed,
        "authors": rows[:AUTHOR_ROWS],
        "contact": str(next((i for i, a in enumerate(authors) if a.is_contact), 0)),
        "presenter": str(next((i for i, a in enumerate(authors) if a.is_presenter), 0)),
        "version": paper.version,
    }


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
    window = await _window(seminar, paper.city_id)
    if not window["is_open"]:
        flash(request, window["closed_message"], "error")
        return redirect(request, "submissions:detail", slug=seminar.slug, number=paper.number)
    status = 200
    if request.method == "POST":
        paper_form = await bind(PaperForm, request)
        paper_form.set_topics(await _topic_choices(seminar))
        status = 400
        if paper_form.validate():
            version = paper_form.version.data or ""
            try:
                opened = int(version) if version.isdigit() else 0
                await actions.update_paper(paper, paper_form.values(), opened_version=opened)
            except UserError as error:
                _show_error(paper_form, error)
                status = 409 if error.field == "version" else 400
            else:
                flash(request, _("Paper saved."))
                return redirect(request, "submissions:detail", slug=seminar.slug, number=paper.number)
    else:
        authors = await Author.filter(paper_id=paper.id).order_by("position")
        paper_form = PaperForm(data=_form_data(paper, authors))
        paper_form.set_topics(await _topic_choices(seminar))
    return render(
        request,
        "submissions/paper_form.html",
        {"seminar": seminar, "form": paper_form, "paper": paper, "author_rows": AUTHOR_ROWS},
        status_code=status,
    )


async def _detail_context(request: Request, seminar: Seminar, paper: Paper) -> dict[str, Any]:
    # Only the metadata: the blob content stays in the database until someone downloads it.
    manuscripts = await Manuscript.filter(paper_id=paper.id).order_by("-version").select_related("uploaded_by")
    sizes = dict(await Blob.filter(sha256__in=[m.blob_id for m in manuscripts]).values_list("sha256", "size"))
    current = actor(request)
    return {
        "seminar": seminar,
        "paper": paper,
        "authors": await Author.filter(paper_id=paper.id).order_by("position"),
        "manuscripts": manuscripts,
        "sizes": sizes,
        "latest": manuscripts[0] if manuscripts else None,
        "missing": await actions.missing_for_submission(paper),
        "may_edit": can_edit_paper(current, paper),
        "may_change": can_change_paper(current, paper, await is_decided(paper)),
        "final": await final_version_state(paper, seminar),
        "final_deadline": seminar.final_version_deadline,
        "changed_since_submitted": paper.status is PaperStatus.SUBMITTED and paper.submitted_version != paper.version,
        "upload_max_bytes": request.app.state.settings.upload_max_bytes,
        "max_characters": MAX_CHARACTERS,
        **await _window(seminar, paper.city_id),
    }


async def detail(request: Request) -> Response:
    seminar, paper = await _paper(request)
    released, comments_allowed = await released_decision(paper)
    return render(request, "submissions/detail.html", {
        **await _detail_context(request, seminar, paper), "released": released, "comments_allowed": comments_allowed,
    })


async def upload(request: Request) -> Response:
    seminar, paper = await _paper(request)
    require(can_edit_paper(actor(request), paper), 404)
    try:
        filename, data, intake = await received_manuscript(request)
        manuscript = await actions.upload_manuscript(paper, filename, data, intake, by=_user(request))
    except UserError as error:
        flash(request, error.message, "error")  # at the top, where the reloaded page is read first
        context = await _detail_context(request, seminar, paper)
        return render(request, "submissions/detail.html", {**context, "upload_error": error.message}, status_code=400)
    # A name in the document properties is warned about by the page itself, for as long as it is true.
    flash(request, _("Version %(version)s of the manuscript uploaded.", version=manuscript.version))
    if intake.dropped_images:
        flash(request, _(
            "%(count)s pictures were left out: only PNG, JPEG, GIF, WebP and BMP pictures saved inside the "
            "file are kept, each up to %(pixels)s megapixels and %(size)s MB, at most %(images)s in a paper. "
            "Insert the pictures again in one of these formats (not linked, not as drawings) and upload again.",
            count=intake.dropped_images, pixels=MAX_IMAGE_PIXELS // 1_000_000, size=MAX_IMAGE_BYTES // (1024 * 1024),
            images=MAX_IMAGES,
        ), "error")
    return redirect(request, "submissions:detail", slug=seminar.slug, number=paper.number)


async def submit(request: Request) -> Response:
    seminar, paper = await _paper(request)
    require(can_edit_paper(actor(request), paper), 404)
    try:
        await actions.submit_paper(paper, by=_user(request), links=_links(request, seminar, paper))
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
            await actions.withdraw_paper(paper, by=_user(request), links=_links(request, seminar, paper))
        except UserError as error:
            flash(request, error.message, "error")
        else:
            flash(request, _("Paper #%(number)s withdrawn.", number=paper.number))
        return redirect(request, "submissions:detail", slug=seminar.slug, number=paper.number)
    return render(request, "submissions/withdraw.html", {"seminar": seminar, "paper": paper})


async def download(request: Request) -> Response:
    seminar, paper = await _paper(request)
    manuscript = await Manuscript.get_or_none(paper_id=paper.id, version=request.path_params["version"])
    if manuscript is None:
        raise HTTPException(status_code=404)
    blob = await Blob.get(sha256=manuscript.blob_id)
    return Response(
        bytes(blob.content),
        media_type=manuscript.content_type,
        headers={"Content-Disposition": content_disposition(manuscript.original_filename)},
    )


async def all_papers(request: Request) -> Response:
    seminar = await _seminar(request)
    require(can_see_all_papers(actor(request), seminar), 404)
    papers, filters = filtered_papers(actor(request), seminar, request.query_params)
    found = await papers.select_related("topic", "city").order_by("city__sort_order", "number")
    contacts = {
        a.paper_id: a
        for a in await Author.filter(paper_id__in=[p.id for p in found], is_contact=True)
    }
    return render(
        request,
        "submissions/all.html",
        {
            "seminar": seminar,
            "papers": found,
            "contacts": contacts,
            "filters": filters,
            "query": request.url.query,
            "topics": await _topic_choices(seminar),
            "cities": await Unit.filter(kind__in=[UnitKind.CITY, UnitKind.SPECIAL_ZONE]).order_by("sort_order", "id"),
            "statuses": list(PaperStatus),
            "table": await city_topic_counts(seminar),
        },
    )


async def _listed_papers(request: Request, **narrower: Any) -> tuple[Seminar, list[Paper]]:
    """The organizers' list as filtered in the query string, for the export and the zip."""
    seminar = await _seminar(request)
    require(can_see_all_papers(actor(request), seminar), 404)
    papers, _filters = filtered_papers(actor(request), seminar, request.query_params)
    return seminar, await papers.filter(**narrower).select_related("topic", "city")


async def export_xlsx(request: Request) -> Response:
    seminar, papers = await _listed_papers(request)
    data = paper_list_xlsx(seminar.title, await paper_rows(papers, seminar.time_zone))
    filename = manuscript_name(seminar.title, "", "论文清单", [], ".xlsx")
    return Response(data, media_type=XLSX_TYPE, headers={"Content-Disposition": content_disposition(filename)})


async def download_all(request: Request) -> Response:
    """The latest manuscript of every submitted paper in the list, streamed as one zip."""
    seminar, papers = await _listed_papers(request, status=PaperStatus.SUBMITTED)
    latest = await latest_manuscripts([paper.id for paper in papers])
    by_number = {paper.number: paper for paper in papers}
    rows: list[PaperRow] = sorted(
        (row for row in await paper_rows(papers, seminar.time_zone) if by_number[row.number].id in latest), key=sort_key
    )
    if not rows:
        flash(request, _("No submitted paper in this list has a manuscript."), "error")
        return redirect(request, "submissions:all", slug=seminar.slug)
    chosen = [latest[by_number[row.number].id] for row in rows]
    names = unique_names(
        manuscript_name(row.city, row.topic, row.title, [a.name for a in row.authors], f".{manuscript.kind}")
        for row, manuscript in zip(rows, chosen, strict=True)
    )

    zone = ZoneInfo(seminar.time_zone)

    async def entries() -> Any:
        for name, manuscript in zip(names, chosen, strict=True):
            # One blob at a time: the zip never holds more than one manuscript in memory.
            blob = await Blob.get(sha256=manuscript.blob_id)
            yield name, manuscript.uploaded_at.astimezone(zone), bytes(blob.content)

    filename = manuscript_name(seminar.title, "", "论文全文", [], ".zip")
    return StreamingResponse(
        stream_zip(entries()), media_type="application/zip",
        headers={"Content-Disposition": content_disposition(filename)},
    )


async def extensions(request: Request) -> Response:
    seminar = await _seminar(request)
    require(can_extend_deadline(actor(request), seminar), 404)
    extension_form = await bind(ExtensionForm, request)
    cities = await Unit.filter(kind__in=[UnitKind.CITY, UnitKind.SPECIAL_ZONE]).order_by("sort_order", "id")
    extension_form.city.choices = [(unit.id, unit.name) for unit in cities]
    if request.method == "POST" and extension_form.validate():
        until = to_aware(extension_form.until.data, seminar.time_zone)
        assert until is not None, "the field is required"
        try:
            extension = await actions.extend_deadline(seminar, extension_form.city.data, until, by=_user(request))
        except UserError as error:
            _show_error(extension_form, error)
        else:
            await extension.fetch_related("city")
            flash(
                request,
                _("%(city)s may now submit until %(until)s.", city=extension.city.name,
                  until=i18n.format_datetime(extension.until)),
            )
            return redirect(request, "submissions:extensions", slug=seminar.slug)
    granted = await DeadlineExtension.filter(seminar_id=seminar.id).select_related("city").order_by("city__sort_order")
    return render(
        request,
        "submissions/extensions.html",
        {"seminar": seminar, "form": extension_form, "extensions": granted, "now": dt.datetime.now(dt.UTC)},
        status_code=400 if request.method == "POST" else 200,
    )


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
