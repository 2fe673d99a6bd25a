"""The organizers' 座次表 under /{slug}/manage/seats: the plan page, its forms, and the printed plan and list.

Every form carries the plan's version; a page older than the plan gets 409 and its message, and
nothing changes. Drag and drop (static/seating/seating.js) posts the same move form and asks for JSON.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from seminar.certificates.document import render_sheets_async
from seminar.errors import UserError
from seminar.files import bytes_response
from seminar.i18n import _, ngettext
from seminar.permissions import can_arrange_seats
from seminar.seating import actions, printing, queries
from seminar.seating import plan as seating
from seminar.seating.export import seat_list_xlsx
from seminar.seating.plan import SeatRef, ShownSeat, Zone
from seminar.seminars.models import Seminar
from seminar.spreadsheets import XLSX_TYPE
from seminar.web import flash, form, redirect, render, seminar_page

PDF = "application/pdf"


async def _seminar(request: Request) -> Seminar:
    return await seminar_page(request, can_arrange_seats)


async def _page(request: Request, seminar: Seminar, status_code: int = 200) -> Response:
    view = await queries.plan_view(seminar)
    return render(request, "seating/plan.html", queries.plan_page(seminar, view), status_code=status_code)


def _wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


async def _done(request: Request, seminar: Seminar, message: str) -> Response:
    flash(request, message)  # drag and drop reloads the page, which shows it too
    if _wants_json(request):
        return JSONResponse({"message": message})
    return redirect(request, "seating:plan", slug=seminar.slug)


async def _refused(request: Request, seminar: Seminar, error: UserError) -> Response:
    """A stale page (409) or a change that cannot be made (400): the message, and the plan as it is."""
    status = 409 if isinstance(error, actions.StalePlan) else 400
    if _wants_json(request):
        if status == 409:  # the script reloads to show the current plan: the message goes with it
            flash(request, error.message, "error")
        return JSONResponse({"error": error.message}, status_code=status)
    flash(request, error.message, "error")
    return await _page(request, seminar, status)


def _int(value: object) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() else None


async def _version(request: Request) -> int:
    version = _int((await form(request)).get("version"))
    if version is None:
        raise UserError(_("The form could not be read. Reload the page and try again."))
    return version


async def plan_page(request: Request) -> Response:
    return await _page(request, await _seminar(request))


async def save_layout(request: Request) -> Response:
    seminar = await _seminar(request)
    data = await form(request)
    try:
        numbers = [_int(data.get(name)) for name in ("dais_rows", "dais_seats", "rows", "seats_per_row")]
        if any(n is None for n in numbers):
            raise UserError(_("Enter the numbers of rows and seats as whole numbers."))
        dais_rows, dais_seats, rows, per_row = (n or 0 for n in numbers)
        layout = seating.checked_layout(dais_rows, dais_seats, rows, per_row, str(data.get("reserved", "")),
                                        data.get("second_on_left") != "n")
        lost = await actions.save_layout(seminar, await _version(request), layout, str(data.get("title", ""))[:200])
    except UserError as error:
        return await _refused(request, seminar, error)
    message = _("The hall's layout is saved.")
    if lost:
        message += " " + ngettext("%(num)s person lost a seat the hall no longer has.",
                                  "%(num)s people lost seats the hall no longer has.", lost)
    return await _done(request, seminar, message)


async def choose_dais(request: Request) -> Response:
    seminar = await _seminar(request)
    data = await form(request)
    chosen = {n for value in data.getlist("dais") if (n := _int(value)) is not None}
    try:
        await actions.choose_dais(seminar, await _version(request), chosen)
    except UserError as error:
        return await _refused(request, seminar, error)
    return await _done(request, seminar, _("The people for the platform are saved. Generate the plan to seat them."))


async def generate(request: Request) -> Response:
    seminar = await _seminar(request)
    data = await form(request)
    try:
        version = await _version(request)
        unseated = await actions.generate_plan(seminar, version, data.get("overwrite") == "y")
    except actions.ConfirmRegenerate as error:
        context = {"seminar": seminar, "message": error.message, "version": version}
        return render(request, "seating/regenerate.html", context, status_code=409)
    except UserError as error:
        return await _refused(request, seminar, error)
    message = _("The seat plan is generated by precedence.")
    if unseated:
        message += " " + ngettext("%(num)s person has no seat: add rows or seats.",
                                  "%(num)s people have no seat: add rows or seats.", len(unseated))
    return await _done(request, seminar, message)


def _seat(data: dict[str, str]) -> SeatRef | ShownSeat | None:
    """The seat from its code (drag and drop) or from the form's zone, row and seat number as the plan shows it."""
    if data.get("seat"):
        return SeatRef.parse(data["seat"])
    row, number = _int(data.get("row")), _int(data.get("number"))
    zone = data.get("zone", Zone.HALL)
    if row is None or number is None or zone not in (Zone.DAIS, Zone.HALL):
        return None
    return ShownSeat(Zone(zone), row, number)


async def move(request: Request) -> Response:
    seminar = await _seminar(request)
    data = await form(request)
    fields = {key: str(data.get(key, "")) for key in ("seat", "row", "number", "zone")}
    person, seat = _int(data.get("person")), _seat(fields)
    try:
        if person is None:
            raise UserError(_("Choose a person."))
        if seat is None:
            raise UserError(_("Choose a seat: the platform or the hall, a row and a seat number."))
        await actions.move_person(seminar, await _version(request), person, seat)
    except UserError as error:
        return await _refused(request, seminar, error)
    return await _done(request, seminar, _("Seat changed."))


async def swap(request: Request) -> Response:
    seminar = await _seminar(request)
    data = await form(request)
    first, second = _int(data.get("first")), _int(data.get("second"))
    try:
        if first is None or second is None:
            raise UserError(_("Choose two people."))
        await actions.swap_people(seminar, await _version(request), first, second)
    except UserError as error:
        return await _refused(request, seminar, error)
    return await _done(request, seminar, _("The two people changed seats."))


async def unseat(request: Request) -> Response:
    seminar = await _seminar(request)
    person = _int((await form(request)).get("person"))
    try:
        if person is None:
            raise UserError(_("Choose a person."))
        await actions.unseat_person(seminar, await _version(request), person)
    except UserError as error:
        return await _refused(request, seminar, error)
    return await _done(request, seminar, _("The person no longer has a seat."))


async def plan_pdf(request: Request) -> Response:
    """A4 landscape: the 主席台 at the top, the hall's rows below, names in the seats."""
    seminar = await _seminar(request)
    view = await queries.plan_view(seminar)
    pdf = await render_sheets_async("plan.html", "plan.css", printing.plan_context(seminar, view),
                                    printing.plan_pages(view), area="seating")
    return bytes_response(request, pdf, PDF, filename=f"{seminar.title}-座次表.pdf")


async def list_pdf(request: Request) -> Response:
    seminar = await _seminar(request)
    view = await queries.plan_view(seminar)
    context = printing.list_context(seminar, view)
    pdf = await render_sheets_async("list.html", "list.css", context, 1 + len(context["rows"]) // 25, area="seating")
    return bytes_response(request, pdf, PDF, filename=f"{seminar.title}-座次名单.pdf")


async def list_xlsx(request: Request) -> Response:
    seminar = await _seminar(request)
    view = await queries.plan_view(seminar)
    data = seat_list_xlsx(printing.title_of(seminar, view), queries.seat_list(view))
    return bytes_response(request, data, XLSX_TYPE, filename=f"{seminar.title}-座次名单.xlsx")


routes: list[BaseRoute] = [
    Route("/{slug}/manage/seats", plan_page, name="seating:plan"),
    Route("/{slug}/manage/seats/layout", save_layout, methods=["POST"], name="seating:layout"),
    Route("/{slug}/manage/seats/dais", choose_dais, methods=["POST"], name="seating:dais"),
    Route("/{slug}/manage/seats/generate", generate, methods=["POST"], name="seating:generate"),
    Route("/{slug}/manage/seats/move", move, methods=["POST"], name="seating:move"),
    Route("/{slug}/manage/seats/swap", swap, methods=["POST"], name="seating:swap"),
    Route("/{slug}/manage/seats/unseat", unseat, methods=["POST"], name="seating:unseat"),
    Route("/{slug}/manage/seats.pdf", plan_pdf, name="seating:pdf"),
    Route("/{slug}/manage/seat-list.pdf", list_pdf, name="seating:list_pdf"),
    Route("/{slug}/manage/seat-list.xlsx", list_xlsx, name="seating:list_xlsx"),
]
