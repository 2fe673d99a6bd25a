"""Final versions (定稿): the city sends one from its paper's page, organizers accept or return it.

After a positive decision the book prints the version that was reviewed; a final version the
city sends waits for the organizers and goes into the book only once they accept it (and the
book is built again). Reads come from `queries`, changes from `actions`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from seminar.config import Settings
from seminar.errors import UserError
from seminar.i18n import _
from seminar.permissions import can_accept_final_versions, can_see_submissions, can_send_final_version, require
from seminar.submissions import actions, queries
from seminar.submissions.inspection import inspect_upload_limited
from seminar.submissions.intake import Intake
from seminar.web import absolute_url, actor, flash, form, redirect, render, seminar_page

if TYPE_CHECKING:
    from seminar.accounts.models import User


async def received_manuscript(request: Request) -> tuple[str, bytes, Intake]:
    """The uploaded manuscript's name, bytes and converted text; UserError for a missing, oversized or unreadable file."""
    settings: Settings = request.app.state.settings
    upload_file = (await form(request)).get("manuscript")
    if not isinstance(upload_file, UploadFile) or not upload_file.filename:
        raise UserError(_("Choose a file to upload."), field="manuscript")
    # One byte more than allowed is enough to know it is too large.
    data = await upload_file.read(settings.upload_max_bytes + 1)
    intake = await inspect_upload_limited(
        upload_file.filename, data, max_bytes=settings.upload_max_bytes, limits=settings.conversion_limits
    )
    return upload_file.filename, data, intake


def _user(request: Request) -> User:
    user = actor(request).user
    assert user is not None, "seminar_page() lets only signed-in people through"
    return user


async def upload_final(request: Request) -> Response:
    seminar = await seminar_page(request, can_see_submissions, refused=404)
    paper = await queries.get_paper_or_404(actor(request), seminar, request.path_params["number"])
    require(can_send_final_version(actor(request), paper), 404)
    try:
        await actions.ensure_final_version_allowed(paper)  # before converting: a refused upload costs none
        filename, data, intake = await received_manuscript(request)
        manuscript = await actions.upload_final_version(
            paper, filename, data, intake, by=_user(request),
            final_versions_url=absolute_url(request, "submissions:final_versions", slug=seminar.slug),
        )
    except UserError as error:
        flash(request, error.message, "error")
    else:
        flash(request, _("Version %(version)s is sent as the final version. The organizers will look at it; "
                         "the book keeps the reviewed version until they accept it.", version=manuscript.version))
    return redirect(request, "submissions:detail", slug=seminar.slug, number=paper.number)


async def final_versions(request: Request) -> Response:
    seminar = await seminar_page(request, can_accept_final_versions, refused=404)
    page = await queries.final_versions_page(seminar)
    return render(request, "submissions/final_versions.html", {"seminar": seminar, "page": page})


async def review_final(request: Request) -> Response:
    seminar = await seminar_page(request, can_accept_final_versions, refused=404)
    final = await queries.get_final_or_404(seminar, request.path_params["number"], request.path_params["version"])
    data = await form(request)
    accept = data.get("action") == "accept"
    try:
        await actions.review_final_version(
            final, accept, str(data.get("reason", "")), by=_user(request),
            paper_url=absolute_url(request, "submissions:detail", slug=seminar.slug, number=final.paper.number),
        )
    except UserError as error:
        flash(request, error.message, "error")
    else:
        number, version = final.paper.number, request.path_params["version"]
        flash(request, _("Version %(version)s of paper #%(number)s is accepted for the book.", version=version, number=number)
              if accept else _("Version %(version)s of paper #%(number)s is returned to the city.", version=version, number=number))
    return redirect(request, "submissions:final_versions", slug=seminar.slug)


routes: list[BaseRoute] = [
    Route("/{slug}/papers/{number:int}/final", upload_final, methods=["POST"], name="submissions:upload_final"),
    Route("/{slug}/manage/final-versions", final_versions, name="submissions:final_versions"),
    Route(
        "/{slug}/manage/final-versions/{number:int}/{version:int}", review_final, methods=["POST"],
        name="submissions:review_final",
    ),
]
