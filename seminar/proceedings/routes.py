"""Proceedings pages: the organizers' build and publish page, previews, the published book and its papers' pages.

Readers get only a published build; an unpublished or missing book is a 404 for everyone,
and so is a book the reader may not download (its existence does not leak).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from seminar import i18n
from seminar.errors import UserError
from seminar.forms import bind
from seminar.i18n import _
from seminar.accounts.queries import people_of
from seminar.permissions import (
    can_download_proceedings,
    can_manage_proceedings,
    can_read_paper_page,
    can_write_commentary,
    require,
)
from seminar.proceedings import actions, queries
from seminar.proceedings.delivery import pdf_response
from seminar.proceedings.forms import BuildForm, CommentaryForm, CommentaryTextForm, ProceedingsSettingsForm
from seminar.proceedings.numerals import chinese_number
from seminar.seminars.queries import topics_of
from seminar.web import actor, flash, redirect, redirect_to, render, seminar_page

if TYPE_CHECKING:
    from seminar.proceedings.models import ProceedingsBuild
    from seminar.seminars.models import Seminar


async def _managed_seminar(request: Request) -> Seminar:
    return await seminar_page(request, can_manage_proceedings)


async def _build(request: Request, seminar: Seminar) -> ProceedingsBuild:
    return await queries.build_or_404(seminar, request.path_params["build_id"])


def book_filename(volume: int | None) -> str:
    if volume is None:
        return _("Proceedings") + ".pdf"
    number = chinese_number(volume) if i18n.get_locale().startswith("zh") else str(volume)
    return _("Proceedings, topic %(number)s", number=number) + ".pdf"


async def _commentary_form(seminar: Seminar, form: CommentaryForm) -> CommentaryForm:
    """The form with the seminar's topics and people (who may be named to write their 点评 themselves)."""
    people = await people_of(seminar)
    form.set_choices(
        [(topic.id, f"{chinese_number(topic.position)}　{topic.title}") for topic in await topics_of(seminar)],
        [(person.user.id, person.user.name + (f"（{person.user.unit.name}）" if person.user.unit else "")) for person in people],
    )
    return form


async def _page(
    request: Request, seminar: Seminar, settings_form: ProceedingsSettingsForm, status: int = 200,
    commentary_form: CommentaryForm | None = None,
) -> Response:
    context = await queries.manage_page(seminar)
    build_form = BuildForm()
    build_form.set_topics(list(context["topics"].items()))
    return render(
        request,
        "proceedings/manage.html",
        {
            **context, "form": settings_form, "build_form": build_form, "shown_error": actions.shown_error,
            "commentary_form": await _commentary_form(seminar, commentary_form or CommentaryForm()),
            "commentaries": await queries.commentaries_by_topic(seminar), "topic_list": await topics_of(seminar),
        },
        status_code=status,
    )


async def manage(request: Request) -> Response:
    seminar = await _managed_seminar(request)
    if request.method == "POST":
        settings_form = await bind(ProceedingsSettingsForm, request)
        if settings_form.validate():
            await actions.save_settings(seminar, settings_form.values(), settings_form.speeches())
            flash(request, _("Proceedings settings saved."))
            return redirect(request, "proceedings:manage", slug=seminar.slug)
        return await _page(request, seminar, settings_form, status=400)
    options = await queries.settings_of(seminar)
    settings_form = ProceedingsSettingsForm(obj=options)
    settings_form.fill_speeches(await queries.speeches_of(seminar))
    return await _page(request, seminar, settings_form)


async def commentary_add(request: Request) -> Response:
    seminar = await _managed_seminar(request)
    form = await _commentary_form(seminar, await bind(CommentaryForm, request))
    if form.validate():
        try:
            await actions.add_commentary(seminar, form.values())
        except UserError as error:
            flash(request, error.message, "error")
        else:
            flash(request, _("Commentary added."))
        return redirect_to(str(request.url_for("proceedings:manage", slug=seminar.slug)) + "#commentaries")
    options = await queries.settings_of(seminar)
    return await _page(request, seminar, ProceedingsSettingsForm(obj=options), status=400, commentary_form=form)


async def commentary(request: Request) -> Response:
    """One 专题点评: organizers change all of it; the 点评人 they named writes its text through their own login."""
    seminar = await seminar_page(request)
    found = await queries.commentary_or_404(seminar, request.path_params["commentary_id"])
    current = actor(request)
    require(can_write_commentary(current, found), 404)
    organizer = can_manage_proceedings(current, seminar)
    form: CommentaryTextForm
    if request.method == "POST":
        form = await bind(CommentaryForm if organizer else CommentaryTextForm, request)
        if isinstance(form, CommentaryForm):
            await _commentary_form(seminar, form)
        if form.validate():
            try:
                await actions.update_commentary(found, form.values())
            except UserError as error:
                flash(request, error.message, "error")
            else:
                flash(request, _("Commentary saved."))
                return redirect(request, "proceedings:commentary", slug=seminar.slug, commentary_id=found.id)
    elif organizer:
        form = await _commentary_form(seminar, CommentaryForm(data={
            "topic": found.topic_id, "name": found.name, "unit": found.unit, "position": found.position,
            "commentator": found.commentator_id, "sort": found.sort, "text": found.text,
        }))
    else:
        form = CommentaryTextForm(data={"text": found.text})
    status = 400 if request.method == "POST" else 200
    return render(request, "proceedings/commentary.html", {
        "seminar": seminar, "commentary": found, "form": form, "organizer": organizer,
        "topic_number": chinese_number(found.topic.position),
    }, status_code=status)


async def commentary_delete(request: Request) -> Response:
    seminar = await _managed_seminar(request)
    found = await queries.commentary_or_404(seminar, request.path_params["commentary_id"])
    await actions.delete_commentary(found)
    flash(request, _("Commentary deleted."))
    return redirect_to(str(request.url_for("proceedings:manage", slug=seminar.slug)) + "#commentaries")


async def build(request: Request) -> Response:
    seminar = await _managed_seminar(request)
    build_form = await bind(BuildForm, request)
    build_form.set_topics([(topic.position, topic.title) for topic in await topics_of(seminar)])
    if not build_form.validate():
        flash(request, build_form.first_error or _("Choose what to build."), "error")
        return redirect(request, "proceedings:manage", slug=seminar.slug)
    try:
        requested, created = await actions.request_build(seminar, build_form.volume_number, actor(request).user)
    except UserError as error:
        flash(request, error.message, "error")
    else:
        if created:
            flash(request, _("The build is queued; this page shows its progress."))
        elif requested.is_done:
            flash(request, _("Nothing has changed since build #%(id)s: it is the current book.", id=requested.id))
        else:
            flash(request, _("Build #%(id)s of the same content is already under way.", id=requested.id))
    return redirect(request, "proceedings:manage", slug=seminar.slug)


async def status(request: Request) -> Response:
    """A build's progress as JSON, for the live progress bar of the proceedings page (static/js/progress.js)."""
    seminar = await _managed_seminar(request)
    found = await queries.build_status(seminar, request.path_params["build_id"])
    if found is None:
        raise HTTPException(status_code=404)
    build, progress = found
    page = request.url_for("proceedings:manage", slug=seminar.slug).path + f"#build-{build.id}"
    return JSONResponse(progress.as_json(page), headers={"Cache-Control": "no-store"})


async def preview(request: Request) -> Response:
    seminar = await _managed_seminar(request)
    found = await _build(request, seminar)
    if not found.is_done or found.blob_id is None:
        raise HTTPException(status_code=404)
    return await pdf_response(request, found.blob_id, book_filename(found.volume), public=False)


async def publish(request: Request) -> Response:
    seminar = await _managed_seminar(request)
    found = await _build(request, seminar)
    try:
        await actions.publish_build(found)
    except UserError as error:
        flash(request, error.message, "error")
    else:
        flash(request, _("Build #%(id)s is published: readers download it now.", id=found.id))
        under_review, printed = await queries.papers_under_blind_review_in(seminar, found)
        if under_review:
            flash(request, _("Reviews in blind mode are still open for %(papers)s: their paper pages do not show "
                             "the authors until every review of the paper is in.", papers=_numbers(under_review)),
                  "warning")
        if printed:
            flash(request, _("This build's PDF names the authors of %(papers)s, which are under blind review now: "
                             "unpublish it, or build the book again to leave them out.", papers=_numbers(printed)),
                  "error")
    return redirect(request, "proceedings:manage", slug=seminar.slug)


def _numbers(numbers: list[int]) -> str:
    return "、".join(f"#{number}" for number in numbers)


async def unpublish(request: Request) -> Response:
    seminar = await _managed_seminar(request)
    found = await _build(request, seminar)
    await actions.unpublish_build(found)
    flash(request, _("Build #%(id)s is no longer published.", id=found.id))
    return redirect(request, "proceedings:manage", slug=seminar.slug)


async def _download(request: Request, volume: int | None) -> Response:
    seminar = await seminar_page(request, can_download_proceedings, refused=404, sign_in=False)
    published = await queries.published_build(seminar, volume)
    if published is None or published.blob_id is None:
        raise HTTPException(status_code=404)
    return await pdf_response(request, published.blob_id, book_filename(volume), public=seminar.proceedings_public)


async def download(request: Request) -> Response:
    return await _download(request, None)


async def download_volume(request: Request) -> Response:
    return await _download(request, request.path_params["number"])


async def paper(request: Request) -> Response:
    """One paper of the book as a web page, for the readers of the book: its authors are published with it."""
    seminar = await seminar_page(request, sign_in=False)
    published = await queries.published_build(seminar, None)
    require(can_read_paper_page(actor(request), seminar, published is not None), 404)
    context = await queries.public_paper_page(actor(request), seminar, request.path_params["number"], published)
    if context is None:
        raise HTTPException(status_code=404)
    return render(request, "proceedings/paper.html", context)


routes: list[BaseRoute] = [
    Route("/{slug}/manage/proceedings", manage, methods=["GET", "POST"], name="proceedings:manage"),
    Route("/{slug}/manage/proceedings/build", build, methods=["POST"], name="proceedings:build"),
    Route("/{slug}/manage/proceedings/builds/{build_id:int}.pdf", preview, name="proceedings:preview"),
    Route("/{slug}/manage/proceedings/builds/{build_id:int}/status", status, name="proceedings:status"),
    Route("/{slug}/manage/proceedings/builds/{build_id:int}/publish", publish, methods=["POST"], name="proceedings:publish"),
    Route(
        "/{slug}/manage/proceedings/builds/{build_id:int}/unpublish", unpublish, methods=["POST"],
        name="proceedings:unpublish",
    ),
    Route("/{slug}/manage/proceedings/commentaries", commentary_add, methods=["POST"], name="proceedings:commentary_add"),
    Route(
        "/{slug}/manage/proceedings/commentaries/{commentary_id:int}/delete", commentary_delete, methods=["POST"],
        name="proceedings:commentary_delete",
    ),
    Route("/{slug}/proceedings/commentaries/{commentary_id:int}", commentary, methods=["GET", "POST"],
          name="proceedings:commentary"),
    Route("/{slug}/proceedings.pdf", download, name="proceedings:download"),
    Route("/{slug}/proceedings/topic-{number:int}.pdf", download_volume, name="proceedings:volume"),
    Route("/{slug}/proceedings/papers/{number:int}", paper, name="proceedings:paper"),
]
