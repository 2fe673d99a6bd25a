"""签到 pages: a badge's QR address (staff check its person in), the staff's scanner, the organizers' counts and 签到表."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from seminar import i18n
from seminar.certificates.checkin import InvalidToken, is_badge_text, read_checkin_token
from seminar.certificates.document import render_sheets_async
from seminar.certificates.queries import SitePerson
from seminar.checkin import actions, queries
from seminar.checkin import days as checkin_days
from seminar.checkin.days import SessionChoice
from seminar.checkin.models import CheckIn, CheckInMethod
from seminar.files import bytes_response
from seminar.i18n import _
from seminar.permissions import can_check_in, can_follow_checkin, require
from seminar.seminars.models import Seminar
from seminar.web import actor, flash, form, render, seminar_page, signed_in_user

PDF = "application/pdf"


def category_label(category: str) -> str:
    """A badge's category in the reader's language (the badge itself prints it in Chinese)."""
    labels = {"staff": _("Staff"), "expert": _("Reviewing expert"), "guest": _("Guest"), "delegate": _("Delegate")}
    return labels.get(category, category)


@dataclass(frozen=True)
class Target:
    """The day and (optionally) session staff check people in for."""

    day: dt.date
    session: SessionChoice | None

    @property
    def session_key(self) -> str:
        return self.session.key if self.session else ""


async def _target(seminar: Seminar, day_text: str, session_key: str) -> tuple[Target, list[dt.date], list[SessionChoice]]:
    """The chosen day (one of the seminar's; else today or the nearest) and session (one of that day's; else none)."""
    days = await queries.days_of(seminar)
    sessions = await queries.sessions_of(seminar)
    try:
        day = dt.date.fromisoformat(day_text)
    except ValueError:
        day = None
    if day not in days:
        day = checkin_days.default_day(days, checkin_days.local_today(seminar.time_zone))
    session = next((s for s in sessions if s.key == session_key and s.day == day), None)
    return Target(day, session), days, sessions


def describe(target_day: dt.date, session_title: str) -> str:
    when = i18n.format_date(target_day)
    return f"{when} {session_title}" if session_title else when


def already_message(row: CheckIn) -> str:
    who = row.by.name if row.by else _("someone no longer listed")
    return _("Already checked in for %(what)s at %(time)s by %(who)s.",
             what=describe(row.day, row.session_title), time=i18n.format_datetime(row.at, "short"), who=who)


OTHER_SEMINAR = 404  # a badge of another seminar: as if there were no such badge here


def _claim_here(seminar: Seminar, request: Request, token: str) -> tuple[int | None, str, int]:
    """Whose badge this is if it is one of this seminar's: (person, "", 200), else (None, why not, status)."""
    settings = request.app.state.settings
    try:
        claim = read_checkin_token(settings.secret_key, token)
    except InvalidToken:
        return None, _("This code is not a badge of this system: it may be damaged or forged. "
                       "Check the person's papers and find them by name on the check-in page."), 400
    if claim.seminar_id != seminar.id:
        return None, _("This badge is for another seminar: it does not check anyone in here."), OTHER_SEMINAR
    return claim.user_id, "", 200


async def _person_of_token(seminar: Seminar, request: Request, token: str) -> tuple[SitePerson | None, str, int]:
    """The person the badge names, or None, why not (forged, another seminar's, expired, not on the list) and the status."""
    user_id, problem, status = _claim_here(seminar, request, token)
    if user_id is None:
        return None, problem, status
    if checkin_days.is_expired(seminar.ends_on, seminar.time_zone, checkin_days.now()):
        last_day = checkin_days.closes_at(seminar.ends_on, seminar.time_zone) - dt.timedelta(days=1)
        return None, _("This badge has expired: check-in for this seminar closed on %(date)s.",
                       date=i18n.format_date(last_day.date())), 410
    people = await queries.site_people(seminar)
    person = next((p for p in people if p.user_id == user_id), None)
    if person is None:
        return None, _("The person on this badge is no longer on this seminar's list. Ask an organizer."), 400
    return person, "", 200


async def badge(request: Request) -> Response:
    """What a badge's QR code opens. Staff see the person and check them in; anyone else is told to show it to staff."""
    seminar = await seminar_page(request, sign_in=False)
    token = request.path_params["token"]
    if request.method == "POST":
        signed_in_user(request)
        require(can_check_in(actor(request), seminar))
    if not can_check_in(actor(request), seminar):
        # Nothing about the person; a code that is not this seminar's badge is not found here.
        _user_id, _problem, status = _claim_here(seminar, request, token)
        return render(request, "checkin/show_badge.html", {"seminar": seminar, "found": status == 200},
                      status_code=404 if status != 200 else 200)
    target, days, sessions = await _target(seminar, request.query_params.get("day", ""),
                                           request.query_params.get("session", ""))
    person, problem, status = await _person_of_token(seminar, request, token)
    if request.method == "POST":
        if person is None:
            return _badge_page(request, seminar, token, None, problem, target, days, sessions, None, status)
        return await _badge_post(request, seminar, person, token)
    existing = await queries.checkin_of(seminar, person.user_id, target.day, target.session_key) if person else None
    return _badge_page(request, seminar, token, person, problem, target, days, sessions, existing, status)


def _badge_page(request: Request, seminar: Seminar, token: str, person: SitePerson | None, problem: str, target: Target,
                days: list[dt.date], sessions: list[SessionChoice], existing: CheckIn | None, status: int) -> Response:
    return render(request, "checkin/badge.html", {
        "seminar": seminar, "person": person, "problem": problem, "target": target, "days": days,
        "sessions": [s for s in sessions if s.day == target.day], "existing": existing,
        "already": already_message(existing) if existing else "",
        "category": category_label(person.category) if person else "", "token": token,
    }, status_code=status)


async def _badge_post(request: Request, seminar: Seminar, person: SitePerson, token: str) -> Response:
    by = signed_in_user(request)
    data = await form(request)
    target, _days, _sessions = await _target(seminar, str(data.get("day", "")), str(data.get("session", "")))
    outcome = await actions.check_in(
        seminar, person.user_id, target.day, session_key=target.session_key,
        session_title=target.session.title if target.session else "", by=by, method=CheckInMethod.SCAN,
    )
    if outcome.new:
        flash(request, _("%(name)s is checked in for %(what)s.", name=person.name,
                         what=describe(target.day, outcome.checkin.session_title)))
    else:
        flash(request, already_message(outcome.checkin), "error")
    url = request.url_for("checkin:badge", slug=seminar.slug, token=token).include_query_params(
        day=target.day.isoformat(), session=target.session_key)
    return RedirectResponse(str(url), status_code=303)


async def scanner(request: Request) -> Response:
    """The staff's phone page: pick the day or session, scan badges, or type a code or a name."""
    seminar = await seminar_page(request, can_check_in)
    target, days, sessions = await _target(seminar, request.query_params.get("day", ""),
                                           request.query_params.get("session", ""))
    return render(request, "checkin/scanner.html", {
        "seminar": seminar, "target": target, "days": days, "sessions": sessions,
    })


def _bad(message: str, status: str = "refused") -> JSONResponse:
    return JSONResponse({"status": status, "message": message}, status_code=400)


async def record(request: Request) -> Response:
    """The scanner's check-ins, one a request, sent as JSON (a scan queued offline comes with its own time).

    Idempotent: a check-in sent twice (the answer lost on a weak connection) finds the first and answers
    "already"; whatever is refused changes nothing and says why.
    """
    seminar = await seminar_page(request, can_check_in)
    by = signed_in_user(request)
    try:
        data = json.loads(await request.body())
        assert isinstance(data, dict)
    except (ValueError, AssertionError):
        return _bad(_("The check-in could not be read."))
    target, _days, _sessions = await _target(seminar, str(data.get("day", "")), str(data.get("session", "")))
    scanned_at = None
    if isinstance(data.get("at"), str):
        try:
            scanned_at = dt.datetime.fromisoformat(data["at"].replace("Z", "+00:00"))
        except ValueError:
            scanned_at = None
    if isinstance(data.get("token"), str):
        if not is_badge_text(data["token"]):
            return _bad(_("This QR code is not a badge: it checks nobody in. "
                          "Scan the code on the badge, or find the person by name."))
        token = data["token"].rstrip("/").rsplit("/", 1)[-1]  # the whole address the QR code carries, or its token
        person, problem, _status = await _person_of_token(seminar, request, token)
        method = CheckInMethod.SCAN
    else:
        people = await queries.site_people(seminar)
        person = next((p for p in people if p.user_id == data.get("person")), None)
        problem = "" if person else _("No such person on this seminar's list.")
        method = CheckInMethod.CODE if data.get("method") == "code" else CheckInMethod.LIST
    if person is None:
        return _bad(problem)
    outcome = await actions.check_in(
        seminar, person.user_id, target.day, session_key=target.session_key,
        session_title=target.session.title if target.session else "", by=by, method=method, scanned_at=scanned_at,
    )
    if outcome.new:
        message = _("%(name)s is checked in for %(what)s.", name=person.name,
                    what=describe(target.day, outcome.checkin.session_title))
    else:
        message = already_message(outcome.checkin)
    return JSONResponse({"status": "checked_in" if outcome.new else "already", "message": message,
                         "person": queries.person_json(person)})


async def find(request: Request) -> Response:
    """People whose badge code, name or unit matches what staff typed, and whether each is checked in already."""
    seminar = await seminar_page(request, can_check_in)
    target, _days, _sessions = await _target(seminar, request.query_params.get("day", ""),
                                             request.query_params.get("session", ""))
    people = await queries.site_people(seminar)
    found = queries.find_people(people, request.query_params.get("q", ""), request.app.state.settings.secret_key,
                                seminar.id)
    done = await queries.checkins_of(seminar, target.day, target.session_key)
    by_code = len(found) == 1 and queries.is_code_of(found[0], request.query_params.get("q", ""),
                                                     request.app.state.settings.secret_key, seminar.id)
    return JSONResponse({"by": "code" if by_code else "name", "people": [
        {**queries.person_json(person), "checked_in": person.user_id in done} for person in found
    ]})


async def _followed(request: Request) -> tuple[Seminar, Target, list[dt.date], list[SessionChoice]]:
    seminar = await seminar_page(request, can_follow_checkin)
    target, days, sessions = await _target(seminar, request.query_params.get("day", ""),
                                           request.query_params.get("session", ""))
    return seminar, target, days, sessions


async def _status(seminar: Seminar, target: Target) -> dict[str, Any]:
    expected = queries.expected_of(await queries.site_people(seminar))
    done = await queries.checkins_of(seminar, target.day, target.session_key)
    groups = queries.missing_by_unit(expected, set(done))
    return {
        "checked_in": sum(1 for person in expected if person.user_id in done),
        "expected": len(expected),
        "missing": [{"unit": group.unit, "people": [p.name for p in group.people]} for group in groups],
        "counts": await queries.counts(seminar, expected),
    }


async def overview(request: Request) -> Response:
    """The organizers' live view: checked in of expected for the day or session, who is missing by unit."""
    seminar, target, days, sessions = await _followed(request)
    return render(request, "checkin/overview.html", {
        "seminar": seminar, "target": target, "days": days,
        "sessions": [s for s in sessions if s.day == target.day], **await _status(seminar, target),
    })


async def status(request: Request) -> Response:
    """What the overview polls: the same figures as JSON."""
    seminar, target, _days, _sessions = await _followed(request)
    return JSONResponse(await _status(seminar, target))


async def sheet(request: Request) -> Response:
    """签到表: the expected people of a day or session by unit in the official order, with a column to sign."""
    seminar, target, _days, _sessions = await _followed(request)
    context = await queries.sheet_context(seminar, target.day, target.session.title if target.session else "")
    pdf = await render_sheets_async("signin_sheet.html", "signin_sheet.css", context,
                                    max(1, len(context["people"]) // 20 + 1))
    return bytes_response(request, pdf, PDF, filename=f"{seminar.title}-签到表-{target.day.isoformat()}.pdf")


routes: list[BaseRoute] = [
    Route("/{slug}/checkin", scanner, name="checkin:scanner"),
    Route("/{slug}/checkin/record", record, methods=["POST"], name="checkin:record"),
    Route("/{slug}/checkin/find", find, name="checkin:find"),
    Route("/{slug}/checkin/{token}", badge, methods=["GET", "POST"], name="checkin:badge"),
    Route("/{slug}/manage/checkin", overview, name="checkin:overview"),
    Route("/{slug}/manage/checkin/status.json", status, name="checkin:status"),
    Route("/{slug}/manage/checkin/sheet.pdf", sheet, name="checkin:sheet"),
]
