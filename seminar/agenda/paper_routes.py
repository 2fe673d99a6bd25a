"""The buttons beside the editor's findings about papers (`checks`): place a decided paper, take one out,
leave a decided paper out of the agenda on purpose (with a reason) and take that back.

Placing and taking out change the draft and carry its version, like every editor change; leaving out
is a mark beside the draft (`AgendaLeftOut`), kept when the agenda is drafted again.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from seminar.agenda import actions, queries
from seminar.agenda.editor_routes import _editor, _finish, _opened_version, _user
from seminar.errors import UserError
from seminar.i18n import _
from seminar.permissions import can_edit_agenda
from seminar.web import flash, form, redirect, seminar_page


async def place(request: Request) -> Response:
    seminar = await seminar_page(request, can_edit_agenda)
    paper_id = await queries.paper_id_or_404(seminar, request.path_params["paper_id"])
    placing = actions.place_paper(seminar, paper_id, await _opened_version(request), _user(request))
    return await _finish(request, seminar, placing, _("The paper is placed as it was decided. Check its time."))


async def remove(request: Request) -> Response:
    seminar = await seminar_page(request, can_edit_agenda)
    paper_id = await queries.paper_id_or_404(seminar, request.path_params["paper_id"])
    removing = actions.remove_paper(seminar, paper_id, await _opened_version(request), _user(request))
    return await _finish(request, seminar, removing, _("The paper is taken out of the draft."))


async def leave_out(request: Request) -> Response:
    seminar = await seminar_page(request, can_edit_agenda)
    paper_id = await queries.paper_id_or_404(seminar, request.path_params["paper_id"])
    reason = str((await form(request)).get("reason", ""))
    try:
        await actions.leave_out_paper(seminar, paper_id, reason, _user(request))
    except UserError as error:
        flash(request, error.message, "error")
        return await _editor(request, seminar, 400)
    flash(request, _("The paper is left out of the agenda; the checks no longer ask where it goes."))
    return redirect(request, "agenda:editor", slug=seminar.slug)


async def put_back(request: Request) -> Response:
    seminar = await seminar_page(request, can_edit_agenda)
    paper_id = await queries.paper_id_or_404(seminar, request.path_params["paper_id"])
    try:
        await actions.put_back_paper(seminar, paper_id)
    except UserError as error:
        flash(request, error.message, "error")
        return await _editor(request, seminar, 400)
    flash(request, _("The paper is no longer left out: the checks ask again where it goes."))
    return redirect(request, "agenda:editor", slug=seminar.slug)


routes: list[BaseRoute] = [
    Route("/{slug}/manage/agenda/papers/{paper_id:int}/place", place, methods=["POST"], name="agenda:paper_place"),
    Route("/{slug}/manage/agenda/papers/{paper_id:int}/remove", remove, methods=["POST"], name="agenda:paper_remove"),
    Route("/{slug}/manage/agenda/papers/{paper_id:int}/leave-out", leave_out, methods=["POST"],
          name="agenda:paper_leave_out"),
    Route("/{slug}/manage/agenda/papers/{paper_id:int}/put-back", put_back, methods=["POST"],
          name="agenda:paper_put_back"),
]
