"""会议手册 pages: the organizers' settings, build and publish page, previews, and the published booklet.

Readers get only a published build; an unpublished or missing booklet is a 404 for everyone,
and so is one the reader may not download (its existence does not leak).
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from seminar.errors import UserError
from seminar.forms import bind
from seminar.handbook import actions, queries
from seminar.handbook.forms import HandbookSettingsForm
from seminar.i18n import _
from seminar.permissions import can_download_handbook, can_manage_handbook
from seminar.proceedings.actions import shown_error
from seminar.proceedings.delivery import pdf_response
from seminar.proceedings.models import BuildKind
from seminar.proceedings.queries import build_or_404
from seminar.seminars.models import Seminar
from seminar.web import actor, flash, redirect, render, seminar_page


def handbook_filename() -> str:
    return _("Programme booklet") + ".pdf"


async def _managed_seminar(request: Request) -> Seminar:
    return await seminar_page(request, can_manage_handbook)


async def _page(request: Request, seminar: Seminar, form: HandbookSettingsForm, status: int = 200) -> Response:
    context = await queries.manage_page(seminar)
    return render(request, "handbook/manage.html", {**context, "form": form, "shown_error": shown_error},
                  status_code=status)


async def manage(request: Request) -> Response:
    seminar = await _managed_seminar(request)
    if request.method == "POST":
        form = await bind(HandbookSettingsForm, request)
        if form.validate():
            await actions.save_settings(seminar, form.values())
            flash(request, _("Handbook settings saved."))
            return redirect(request, "handbook:manage", slug=seminar.slug)
        return await _page(request, seminar, form, status=400)
    return await _page(request, seminar, HandbookSettingsForm(obj=await queries.settings_of(seminar)))


async def build(request: Request) -> Response:
    seminar = await _managed_seminar(request)
    try:
        requested, created = await actions.request_build(seminar, actor(request).user)
    except UserError as error:
        flash(request, error.message, "error")
    else:
        if created:
            flash(request, _("The build is queued; this page shows its progress."))
        elif requested.is_done:
            flash(request, _("Nothing has changed since build #%(id)s: it is the current handbook.", id=requested.id))
        else:
            flash(request, _("Build #%(id)s of the same content is already under way.", id=requested.id))
    return redirect(request, "handbook:manage", slug=seminar.slug)


async def preview(request: Request) -> Response:
    seminar = await _managed_seminar(request)
    found = await build_or_404(seminar, request.path_params["build_id"], BuildKind.HANDBOOK)
    if not found.is_done or found.blob_id is None:
        raise HTTPException(status_code=404)
    return await pdf_response(request, found.blob_id, handbook_filename(), public=False)


async def publish(request: Request) -> Response:
    seminar = await _managed_seminar(request)
    found = await build_or_404(seminar, request.path_params["build_id"], BuildKind.HANDBOOK)
    try:
        await actions.publish_build(found)
    except UserError as error:
        flash(request, error.message, "error")
    else:
        flash(request, _("Build #%(id)s is published: participants download it now.", id=found.id))
    return redirect(request, "handbook:manage", slug=seminar.slug)


async def unpublish(request: Request) -> Response:
    seminar = await _managed_seminar(request)
    found = await build_or_404(seminar, request.path_params["build_id"], BuildKind.HANDBOOK)
    await actions.unpublish_build(found)
    flash(request, _("Build #%(id)s is no longer published.", id=found.id))
    return redirect(request, "handbook:manage", slug=seminar.slug)


async def download(request: Request) -> Response:
    seminar = await seminar_page(request, can_download_handbook, refused=404)
    published = await queries.published_handbook(seminar)
    if published is None or published.blob_id is None:
        raise HTTPException(status_code=404)
    return await pdf_response(request, published.blob_id, handbook_filename(), public=False)


routes: list[BaseRoute] = [
    Route("/{slug}/manage/handbook", manage, methods=["GET", "POST"], name="handbook:manage"),
    Route("/{slug}/manage/handbook/build", build, methods=["POST"], name="handbook:build"),
    Route("/{slug}/manage/handbook/builds/{build_id:int}.pdf", preview, name="handbook:preview"),
    Route("/{slug}/manage/handbook/builds/{build_id:int}/publish", publish, methods=["POST"], name="handbook:publish"),
    Route(
        "/{slug}/manage/handbook/builds/{build_id:int}/unpublish", unpublish, methods=["POST"], name="handbook:unpublish"
    ),
    Route("/{slug}/handbook.pdf", download, name="handbook:download"),
]
