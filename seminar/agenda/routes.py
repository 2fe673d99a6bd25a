"""The agenda's pages: the organizers' editor under /{slug}/manage/agenda, the public agenda and its files.

Editor: every change is a plain POST form (drag and drop posts the same change as JSON) that
carries the draft's version; a page older than the draft is told so (409) and nothing is lost.
Public: only the latest release, never the draft; the page and each file come from a cache
keyed by the release, with a strong ETag answered by 304. The page and the calendar and frab
files link papers to their public pages only while the proceedings are public, so whether they
are is part of their cache key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from seminar import i18n
from seminar.accounts.models import User
from seminar.agenda import actions, editing
from seminar.agenda.checks import find_problems
from seminar.agenda.exports import SeminarMeta, agenda_ics, frab_json, frab_xml, people_ics
from seminar.agenda.forms import (
    AgendaSettingsForm,
    NewSlotForm,
    PublishForm,
    RoomForm,
    SessionForm,
    SETTINGS_FIELDS,
    SlotForm,
)
from seminar.agenda.model import Agenda, Person, SlotKind
from seminar.agenda.models import AgendaRelease, Room
from seminar.agenda.published import (
    CachedFile,
    agenda_pdf,
    agenda_xlsx,
    days_of,
    forget_head,
    get_or_make,
    kind_label,
    latest_head,
    names,
    topics_of,
)
from seminar.agenda.queries import (
    decided_papers,
    get_release_or_404,
    latest_release,
    load_draft,
    paper_urls,
    release_head,
    releases_of,
    rooms_of,
    settings_of,
)
from seminar.agenda.snapshot import agenda_from_data
from seminar.errors import UserError
from seminar.forms import BaseForm, bind
from seminar.i18n import _
from seminar.permissions import can_edit_agenda, require
from seminar.seminars.models import Seminar
from seminar.seminars.queries import get_seminar_or_404
from seminar.submissions.models import Author
from seminar.web import actor, flash, form, redirect, render, signed_in_user, templates

# ---------- helpers ----------


async def _editable_seminar(request: Request) -> Seminar:
    seminar = await get_seminar_or_404(request.path_params["slug"])
    signed_in_user(request)
    require(can_edit_agenda(actor(request), seminar))
    i18n.set_time_zone(seminar.time_zone)
    return seminar


def _local(value: dt.datetime, seminar: Seminar) -> dt.datetime:
    """A typed local time (no zone) as the seminar's time: agendas are read where they happen."""
    return value.replace(tzinfo=ZoneInfo(seminar.time_zone))


def _naive(value: dt.datetime, seminar: Seminar) -> dt.datetime:
    return value.astimezone(ZoneInfo(seminar.time_zone)).replace(tzinfo=None)


def _show_error(form_: BaseForm, error: UserError) -> None:
    if error.field and error.field in form_ and error.field != "version":
        form_[error.field].errors = [*form_[error.field].errors, error.message]
    else:
        form_.form_errors.append(error.message)


def _refresh_version(form_: BaseForm, version: int) -> None:
    """After a conflict: what was typed stays, and saving again applies it to the current draft."""
    form_.version.data = version  # type: ignore[attr-defined]
    form_.version.raw_data = [str(version)]  # type: ignore[attr-defined]


def _user(request: Request) -> User | None:
    return actor(request).user


async def _opened_version(request: Request) -> int:
    try:
        return int(str((await form(request)).get("version", "")))
    except ValueError:
        raise HTTPException(status_code=400) from None


# ---------- the editor ----------


async def _editor(request: Request, seminar: Seminar, status_code: int = 200) -> Response:
    rooms = await rooms_of(seminar)
    current = await load_draft(seminar, rooms)
    problems = find_problems(current.agenda, await decided_papers(seminar)) if current.agenda.sessions else []
    flagged = {key for problem in problems for key in problem.slot_keys}
    flagged_sessions = {key for problem in problems for key in problem.session_keys}
    latest = await latest_release(seminar)
    return render(
        request,
        "agenda/editor.html",
        {
            "seminar": seminar,
            "draft": current,
            "days": days_of(current.agenda),
            "problems": problems,
            "flagged": flagged,
            "flagged_sessions": flagged_sessions,
            "rooms": rooms,
            "settings": await settings_of(seminar),
            "latest": latest,
            "publish_form": PublishForm(data={"version": current.version}),
            "kind_label": kind_label,
            "names": names,
        },
        status_code=status_code,
    )


async def editor(request: Request) -> Response:
    return await _editor(request, await _editable_seminar(request))


async def _save_form(
    request: Request, seminar: Seminar, form_: BaseForm, change: Callable[[Agenda], Agenda], done: str
) -> Response | int:
    """A form's change to the draft: the redirect when saved, else the status to re-render with.

    On a stale page (409) what was typed stays and the form carries the current version, so
    saving again applies it; a refused change (400) shows its message on the form.
    """
    try:
        await actions.edit_draft(seminar, form_.data["version"], _user(request), change)
    except actions.StaleDraft as error:
        _show_error(form_, error)
        _refresh_version(form_, (await load_draft(seminar)).version)
        return 409
    except UserError as error:
        _show_error(form_, error)
        return 400
    flash(request, done)
    return redirect(request, "agenda:editor", slug=seminar.slug)


async def _apply(
    request: Request, seminar: Seminar, change: Callable[[Agenda], Agenda], done: str
) -> Response:
    """One button's change to the draft; a stale page or a refused change re-renders the editor."""
    try:
        await actions.edit_draft(seminar, await _opened_version(request), _user(request), change)
    except actions.StaleDraft as error:
        flash(request, error.message, "error")
        return await _editor(request, seminar, 409)
    except UserError as error:
        flash(request, error.message, "error")
        return await _editor(request, seminar, 400)
    flash(request, done)
    return redirect(request, "agenda:editor", slug=seminar.slug)


async def draft(request: Request) -> Response:
    seminar = await _editable_seminar(request)
    try:
        await actions.draft_from_decisions(seminar, await _opened_version(request), _user(request))
    except actions.StaleDraft as error:
        flash(request, error.message, "error")
        return await _editor(request, seminar, 409)
    except UserError as error:  # an overflow or settings that cannot describe a day
        flash(request, error.message, "error")
        return await _editor(request, seminar, 400)
    flash(request, _("The agenda was drafted from the decisions. Check it, adjust it, then publish it."))
    return redirect(request, "agenda:editor", slug=seminar.slug)


async def slot_move(request: Request) -> Response:
    seminar = await _editable_seminar(request)
    key = request.path_params["key"]
    data = await form(request)
    direction, target = data.get("direction"), data.get("session")
    if direction in ("up", "down"):
        offset = -1 if direction == "up" else 1
        return await _apply(request, seminar, lambda a: editing.move_slot(a, key, offset), _("Slot moved."))
    if isinstance(target, str) and target:
        return await _apply(request, seminar, lambda a: editing.move_slot_to(a, key, target), _("Slot moved."))
    raise HTTPException(status_code=400)


async def slot_delete(request: Request) -> Response:
    seminar = await _editable_seminar(request)
    key = request.path_params["key"]
    return await _apply(request, seminar, lambda a: editing.delete_slot(a, key), _("Slot deleted."))


async def session_delete(request: Request) -> Response:
    seminar = await _editable_seminar(request)
    key = request.path_params["key"]
    return await _apply(request, seminar, lambda a: editing.delete_session(a, key), _("Session deleted."))


async def arrange(request: Request) -> Response:
    """Drag and drop: {"version": n, "sessions": {session key: [slot keys in order]}} → the new version."""
    seminar = await _editable_seminar(request)
    try:
        body = json.loads(await request.body())
        version = int(body["version"])
        order = {str(k): [str(s) for s in v] for k, v in dict(body["sessions"]).items()}
    except (ValueError, KeyError, TypeError, AttributeError):
        return JSONResponse({"error": _("The request could not be read.")}, status_code=400)
    try:
        new_version = await actions.edit_draft(
            seminar, version, _user(request), lambda a: editing.arrange(a, order)
        )
    except actions.StaleDraft as error:
        return JSONResponse({"error": error.message}, status_code=409)
    except UserError as error:
        return JSONResponse({"error": error.message}, status_code=400)
    return JSONResponse({"version": new_version})


async def _not_in_draft(request: Request, seminar: Seminar, message: str) -> Response:
    """A key this seminar's draft does not have (deleted meanwhile, or never here): back to the editor.
    A POST gets the editor with 400, as the editor's buttons do: a redirect would tell the audit log
    that something was saved."""
    flash(request, message, "error")
    if request.method == "POST":
        return await _editor(request, seminar, 400)
    return redirect(request, "agenda:editor", slug=seminar.slug)


def _session_choices(agenda: Agenda) -> list[tuple[str, str]]:
    return [
        (s.key, f"{i18n.format_date(s.start.date(), 'short')} {s.start:%H:%M} {s.room.name} · {s.title}")
        for s in agenda.sessions
    ]


async def slot_edit(request: Request) -> Response:
    seminar = await _editable_seminar(request)
    key = request.path_params["key"]
    current = await load_draft(seminar)
    found = current.agenda.find_slot(key)
    if found is None:
        return await _not_in_draft(request, seminar, _("That slot is no longer in the agenda."))
    session, slot = found
    status = 200
    if request.method == "POST":
        slot_form = await bind(SlotForm, request)
        status = 400
        if slot_form.validate():
            values = slot_form.data
            saved = await _save_form(
                request, seminar, slot_form,
                lambda a: editing.edit_slot(
                    a, key, title=values["title"], start=_local(values["start"], seminar),
                    duration=values["duration"], speaker=values["speaker"] or "",
                ),
                _("Slot saved."),
            )
            if isinstance(saved, Response):
                return saved
            status = saved
    else:
        slot_form = SlotForm(
            data={
                "version": current.version, "title": slot.title, "start": _naive(slot.start, seminar),
                "duration": slot.duration, "speaker": slot.speaker.name if slot.speaker else "",
            }
        )
    return render(
        request,
        "agenda/slot.html",
        {
            "seminar": seminar, "session": session, "slot": slot, "form": slot_form, "version": current.version,
            "sessions": _session_choices(current.agenda), "kind_label": kind_label, "names": names,
        },
        status_code=status,
    )


async def session_edit(request: Request) -> Response:
    seminar = await _editable_seminar(request)
    key = request.path_params["key"]
    rooms = await rooms_of(seminar)
    current = await load_draft(seminar, rooms)
    session = next((s for s in current.agenda.sessions if s.key == key), None)
    if session is None:
        return await _not_in_draft(request, seminar, _("That session is no longer in the agenda."))
    status = 200
    session_form: BaseForm
    if request.method == "POST":
        session_form = await bind(SessionForm, request)
        status = 400
        if session_form.validate():
            values = session_form.data
            saved = await _save_form(
                request, seminar, session_form,
                lambda a: editing.edit_session(
                    a, key, title=values["title"], room_id=values["room"],
                    start=_local(values["start"], seminar), end=_local(values["end"], seminar),
                    chair=values["chair"] or "",
                ),
                _("Session saved."),
            )
            if isinstance(saved, Response):
                return saved
            status = saved
    else:
        session_form = SessionForm(
            data={
                "version": current.version, "title": session.title, "room": session.room.id,
                "start": _naive(session.start, seminar), "end": _naive(session.end, seminar),
                "chair": session.chair.name if session.chair else "",
            }
        )
    session_form.room.choices = [(room.id, room.name) for room in rooms]  # type: ignore[attr-defined]
    return render(
        request,
        "agenda/session.html",
        {
            "seminar": seminar, "session": session, "form": session_form,
            "slot_form": NewSlotForm(data={"version": current.version}), "kind_label": kind_label, "names": names,
        },
        status_code=status,
    )


async def slot_add(request: Request) -> Response:
    seminar = await _editable_seminar(request)
    key = request.path_params["key"]
    slot_form = await bind(NewSlotForm, request)
    if not slot_form.validate():
        flash(request, slot_form.first_error or _("Check the new slot."), "error")
        return await _editor(request, seminar, 400)
    values = slot_form.data
    return await _apply(
        request, seminar,
        lambda a: editing.add_slot(
            a, key, key=actions.new_key("slot"), kind=SlotKind(values["kind"]), title=values["title"],
            duration=values["duration"], speaker=values["speaker"] or "",
        ),
        _("Slot added."),
    )


async def session_add(request: Request) -> Response:
    seminar = await _editable_seminar(request)
    rooms = await rooms_of(seminar)
    current = await load_draft(seminar, rooms)
    status = 200
    if request.method == "POST":
        session_form = await bind(SessionForm, request)
        status = 400
        if session_form.validate():
            values = session_form.data
            saved = await _save_form(
                request, seminar, session_form,
                lambda a: editing.add_session(
                    a, key=actions.new_key("session"), title=values["title"], room_id=values["room"],
                    start=_local(values["start"], seminar), end=_local(values["end"], seminar),
                ),
                _("Session added."),
            )
            if isinstance(saved, Response):
                return saved
            status = saved
    else:
        start = dt.datetime.combine(seminar.starts_on, dt.time(9))
        session_form = SessionForm(
            data={"version": current.version, "start": start, "end": start + dt.timedelta(hours=1)}
        )
    session_form.room.choices = [(room.id, room.name) for room in rooms]  # type: ignore[attr-defined]
    return render(
        request, "agenda/session_new.html", {"seminar": seminar, "form": session_form}, status_code=status
    )


async def agenda_settings(request: Request) -> Response:
    seminar = await _editable_seminar(request)
    saved = await settings_of(seminar)
    status = 200
    if request.method == "POST":
        settings_form = await bind(AgendaSettingsForm, request)
        status = 400
        if settings_form.validate():
            try:
                await actions.save_settings(seminar, settings_form.values())  # type: ignore[attr-defined]
            except UserError as error:
                _show_error(settings_form, error)
            else:
                flash(request, _("Agenda settings saved."))
                return redirect(request, "agenda:settings", slug=seminar.slug)
    else:
        values: dict[str, Any] = {name: getattr(saved, name) for name in SETTINGS_FIELDS}
        values["days"] = "\n".join(saved.days)
        settings_form = AgendaSettingsForm(data=values)
    return render(
        request,
        "agenda/settings.html",
        {"seminar": seminar, "form": settings_form, "rooms": await rooms_of(seminar), "room_form": RoomForm()},
        status_code=status,
    )


async def _get_room_or_404(seminar: Seminar, room_id: int) -> Room:
    room = await Room.get_or_none(id=room_id, seminar_id=seminar.id)
    if room is None:
        raise HTTPException(status_code=404)
    return room


async def room_add(request: Request) -> Response:
    seminar = await _editable_seminar(request)
    room_form = await bind(RoomForm, request)
    if room_form.validate():
        try:
            room = await actions.add_room(seminar, room_form.name.data, room_form.capacity.data)  # type: ignore[attr-defined]
        except UserError as error:
            flash(request, error.message, "error")
        else:
            flash(request, _("Room “%(name)s” added.", name=room.name))
    else:
        flash(request, room_form.first_error or "", "error")
    return redirect(request, "agenda:settings", slug=seminar.slug)


async def room_edit(request: Request) -> Response:
    seminar = await _editable_seminar(request)
    room = await _get_room_or_404(seminar, request.path_params["room_id"])
    room_form = await bind(RoomForm, request)
    if room_form.validate():
        try:
            await actions.update_room(room, room_form.name.data, room_form.capacity.data)  # type: ignore[attr-defined]
        except UserError as error:
            flash(request, error.message, "error")
        else:
            flash(request, _("Room saved."))
    else:
        flash(request, room_form.first_error or "", "error")
    return redirect(request, "agenda:settings", slug=seminar.slug)


async def room_delete(request: Request) -> Response:
    seminar = await _editable_seminar(request)
    room = await _get_room_or_404(seminar, request.path_params["room_id"])
    try:
        await actions.delete_room(seminar, room)
    except UserError as error:
        flash(request, error.message, "error")
    else:
        flash(request, _("Room “%(name)s” deleted.", name=room.name))
    return redirect(request, "agenda:settings", slug=seminar.slug)


async def publish(request: Request) -> Response:
    seminar = await _editable_seminar(request)
    publish_form = await bind(PublishForm, request)
    if not publish_form.validate():
        raise HTTPException(status_code=400)
    values = publish_form.data
    try:
        published = await actions.publish(
            seminar, values["version"], _user(request),
            notify_speakers=values["notify_speakers"], notify_participants=values["notify_participants"],
            base_url=request.app.state.settings.base_url,
            agenda_url=_absolute(request, "agenda:public", slug=seminar.slug),
        )
    except actions.StaleDraft as error:
        flash(request, error.message, "error")
        return await _editor(request, seminar, 409)
    except UserError as error:
        flash(request, error.message, "error")
        return await _editor(request, seminar, 400)
    forget_head(seminar.slug)
    message = _("Version %(number)s of the agenda is published.", number=published.release.number)
    if published.mailed:
        message += " " + _("%(count)s mails are in the outbox.", count=published.mailed)
    flash(request, message)
    return redirect(request, "agenda:releases", slug=seminar.slug)


async def releases(request: Request) -> Response:
    seminar = await _editable_seminar(request)
    return render(request, "agenda/releases.html", {"seminar": seminar, "releases": await releases_of(seminar)})


# ---------- the public agenda and its files ----------


def _absolute(request: Request, name: str, **params: Any) -> str:
    return f"{request.app.state.settings.base_url.rstrip('/')}{request.app.url_path_for(name, **params)}"


def _send(request: Request, entry: CachedFile, public: bool = True, filename: str = "", inline: bool = True) -> Response:
    headers = {
        "ETag": entry.etag,
        "Cache-Control": "public, no-cache" if public else "private, no-cache",
        "Vary": "Accept-Language, Cookie",
    }
    if filename:
        disposition = "inline" if inline else "attachment"
        ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_")
        headers["Content-Disposition"] = f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    wanted = request.headers.get("if-none-match", "")
    if wanted and (wanted.strip() == "*" or entry.etag in [tag.strip() for tag in wanted.split(",")]):
        return Response(status_code=304, headers=headers)
    return Response(entry.content, media_type=entry.media_type, headers=headers)


async def _not_published(request: Request) -> Response:
    seminar = await get_seminar_or_404(request.path_params["slug"])
    return render(request, "agenda/none.html", {"seminar": seminar}, status_code=404)


async def _release(head_release_id: int) -> tuple[Seminar, AgendaRelease, Agenda]:
    release = await AgendaRelease.get(id=head_release_id).select_related("seminar")
    return release.seminar, release, agenda_from_data(release.data)


async def _meta(
    request: Request, seminar: Seminar, release: AgendaRelease, agenda: Agenda, linked: bool
) -> SeminarMeta:
    """`linked`: whether papers link to their public pages — decided by the caller, from the same
    state as its cache key, never from a seminar row read later."""
    paper_ids = {slot.paper_id for _s, slot in agenda.slots() if slot.paper_id is not None}
    paper_ids |= {c.paper_id for _s, slot in agenda.slots() for c in slot.contributions}
    return SeminarMeta(
        slug=seminar.slug,
        title=seminar.title,
        base_url=request.app.state.settings.base_url,
        release=release.number,
        published_at=release.published_at,
        venue=seminar.venue,
        paper_urls=await paper_urls(request, seminar, paper_ids) if linked else {},
        language="zh" if i18n.get_locale().startswith("zh") else "en",
    )


async def _page_html(
    request: Request, template: str, seminar: Seminar, release: AgendaRelease, agenda: Agenda, linked: bool
) -> str:
    meta = await _meta(request, seminar, release, agenda, linked)
    i18n.set_time_zone(seminar.time_zone)
    return templates.env.get_template(template).render(
        seminar=seminar,
        release=release,
        agenda=agenda,
        days=days_of(agenda),
        topics=topics_of(agenda),
        paper_urls=meta.paper_urls,
        kind_label=kind_label,
        names=names,
        path=request.app.url_path_for,
        published=i18n.format_datetime(release.published_at),
    )


_FILES: dict[str, tuple[str, bool]] = {
    # kind → file name, shown inline (else downloaded)
    "ics": ("{slug}-agenda.ics", True),
    "xml": ("{slug}-schedule.xml", True),
    "json": ("{slug}-schedule.json", True),
    "xlsx": ("{slug}-议程表-v{number}.xlsx", False),
    "pdf": ("{slug}-议程-v{number}.pdf", True),
}


# What links papers to their public pages; the print and the spreadsheet never do.
LINKED_KINDS = {"page", "ics", "xml", "json", "person-ics"}


def _cache_kind(kind: str, proceedings_public: bool) -> str:
    """The cache key's kind: a file with paper links is a different file from the same one without."""
    return f"{kind}:papers" if proceedings_public and kind.split(":")[0] in LINKED_KINDS else kind


async def _make(request: Request, kind: str, release_id: int, linked: bool) -> bytes:
    seminar, release, agenda = await _release(release_id)
    if kind == "page":
        return (await _page_html(request, "agenda/public.html", seminar, release, agenda, linked)).encode()
    if kind == "ics":
        return agenda_ics(agenda, await _meta(request, seminar, release, agenda, linked))
    if kind == "xml":
        return frab_xml(agenda, await _meta(request, seminar, release, agenda, linked))
    if kind == "json":
        return frab_json(agenda, await _meta(request, seminar, release, agenda, linked))
    if kind == "xlsx":
        return agenda_xlsx(agenda, seminar.title, release.number)
    if kind == "pdf":
        return await agenda_pdf(await _page_html(request, "agenda/print.html", seminar, release, agenda, False))
    raise AssertionError(kind)


def _published(kind: str) -> Callable[[Request], Any]:
    async def endpoint(request: Request) -> Response:
        head = await latest_head(request.path_params["slug"], release_head)
        if head is None:
            return await _not_published(request)
        cache_kind = _cache_kind(kind, head.proceedings_public)
        linked = cache_kind != kind
        entry = await get_or_make(
            head.seminar_id, head.release_id, cache_kind, i18n.get_locale(),
            lambda: _make(request, kind, head.release_id, linked),
        )
        name, inline = _FILES.get(kind, ("", True))
        filename = name.format(slug=request.path_params["slug"], number=head.number)
        return _send(request, entry, filename=filename, inline=inline)

    endpoint.__name__ = f"published_{kind}"
    return endpoint


def person_token(secret: str, seminar_id: int, user_id: int) -> str:
    digest = hmac.new(secret.encode(), f"agenda-ics:{seminar_id}:{user_id}".encode(), hashlib.sha256).hexdigest()
    return f"{user_id}-{digest[:32]}"


async def _people_for(user: User, agenda: Agenda) -> list[Person]:
    """The names the agenda knows this account by: its account, the papers it is an author of, its name as chair."""
    paper_ids = set(
        await Author.filter(email__iexact=user.email).values_list("paper_id", flat=True)  # type: ignore[call-overload]
    ) if user.email else set()
    people: dict[tuple[str, int | str], Person] = {("id", user.id): Person(user.id, user.name)}
    for session, slot in agenda.slots():
        if slot.paper_id in paper_ids and slot.speaker is not None:
            people.setdefault(slot.speaker.identity, slot.speaker)
        for contribution in slot.contributions:
            if contribution.paper_id in paper_ids and contribution.speaker is not None:
                people.setdefault(contribution.speaker.identity, contribution.speaker)
        if session.chair is not None and session.chair.id is None and session.chair.name == user.name:
            people.setdefault(session.chair.identity, session.chair)
    return list(people.values())


async def person_ics(request: Request) -> Response:
    """A speaker's own calendar at a secret address a calendar app can subscribe to (no login)."""
    token = request.path_params["token"]
    user_part, _dash, _digest = token.partition("-")
    head = await latest_head(request.path_params["slug"], release_head)
    if head is None:
        return await _not_published(request)
    secret = request.app.state.settings.secret_key
    if not user_part.isdigit() or not hmac.compare_digest(token, person_token(secret, head.seminar_id, int(user_part))):
        raise HTTPException(status_code=404)
    user = await User.get_or_none(id=int(user_part), is_active=True)
    if user is None:
        raise HTTPException(status_code=404)

    cache_kind = _cache_kind(f"person-ics:{user.id}", head.proceedings_public)

    async def make() -> bytes:
        seminar, release, agenda = await _release(head.release_id)
        meta = await _meta(request, seminar, release, agenda, linked=head.proceedings_public)
        return people_ics(agenda, meta, user.name, await _people_for(user, agenda))

    entry = await get_or_make(head.seminar_id, head.release_id, cache_kind, i18n.get_locale(), make)
    return _send(request, entry, public=False, filename=f"{request.path_params['slug']}-my-agenda.ics")


async def my_agenda(request: Request) -> Response:
    seminar = await get_seminar_or_404(request.path_params["slug"])
    signed_in_user(request)
    user = actor(request).user
    assert user is not None
    latest = await latest_release(seminar)
    if latest is None:
        return render(request, "agenda/none.html", {"seminar": seminar}, status_code=404)
    i18n.set_time_zone(seminar.time_zone)
    agenda = agenda_from_data(latest.data)
    people = {p.identity for p in await _people_for(user, agenda)}
    mine = [(s, slot) for s, slot in agenda.slots() if any(p.identity in people for p in slot.people())]
    chaired = [s for s in agenda.sessions if s.chair is not None and s.chair.identity in people]
    token = person_token(request.app.state.settings.secret_key, seminar.id, user.id)
    url = _absolute(request, "agenda:person_ics", slug=seminar.slug, token=token)
    return render(
        request,
        "agenda/my.html",
        {
            "seminar": seminar, "release": latest, "mine": mine, "chaired": chaired, "ics_url": url,
            "webcal_url": "webcal://" + url.split("://", 1)[1], "kind_label": kind_label, "names": names,
        },
    )


async def release_page(request: Request) -> Response:
    """One past release as it was published, for organizers comparing versions."""
    seminar = await _editable_seminar(request)
    release = await get_release_or_404(seminar, request.path_params["number"])
    agenda = agenda_from_data(release.data)
    return render(
        request, "agenda/release.html",
        {"seminar": seminar, "release": release, "days": days_of(agenda), "kind_label": kind_label, "names": names},
    )


routes: list[BaseRoute] = [
    Route("/{slug}/manage/agenda", editor, name="agenda:editor"),
    Route("/{slug}/manage/agenda/settings", agenda_settings, methods=["GET", "POST"], name="agenda:settings"),
    Route("/{slug}/manage/agenda/rooms", room_add, methods=["POST"], name="agenda:room_add"),
    Route("/{slug}/manage/agenda/rooms/{room_id:int}", room_edit, methods=["POST"], name="agenda:room_edit"),
    Route("/{slug}/manage/agenda/rooms/{room_id:int}/delete", room_delete, methods=["POST"], name="agenda:room_delete"),
    Route("/{slug}/manage/agenda/draft", draft, methods=["POST"], name="agenda:draft"),
    Route("/{slug}/manage/agenda/arrange", arrange, methods=["POST"], name="agenda:arrange"),
    Route("/{slug}/manage/agenda/sessions/new", session_add, methods=["GET", "POST"], name="agenda:session_add"),
    Route("/{slug}/manage/agenda/sessions/{key}", session_edit, methods=["GET", "POST"], name="agenda:session"),
    Route("/{slug}/manage/agenda/sessions/{key}/slots", slot_add, methods=["POST"], name="agenda:slot_add"),
    Route("/{slug}/manage/agenda/sessions/{key}/delete", session_delete, methods=["POST"], name="agenda:session_delete"),
    Route("/{slug}/manage/agenda/slots/{key}", slot_edit, methods=["GET", "POST"], name="agenda:slot"),
    Route("/{slug}/manage/agenda/slots/{key}/move", slot_move, methods=["POST"], name="agenda:slot_move"),
    Route("/{slug}/manage/agenda/slots/{key}/delete", slot_delete, methods=["POST"], name="agenda:slot_delete"),
    Route("/{slug}/manage/agenda/publish", publish, methods=["POST"], name="agenda:publish"),
    Route("/{slug}/manage/agenda/releases", releases, name="agenda:releases"),
    Route("/{slug}/manage/agenda/releases/{number:int}", release_page, name="agenda:release"),
    Route("/{slug}/agenda", _published("page"), name="agenda:public"),
    Route("/{slug}/agenda.ics", _published("ics"), name="agenda:ics"),
    Route("/{slug}/agenda.xlsx", _published("xlsx"), name="agenda:xlsx"),
    Route("/{slug}/agenda.pdf", _published("pdf"), name="agenda:pdf"),
    Route("/{slug}/schedule.xml", _published("xml"), name="agenda:frab_xml"),
    Route("/{slug}/schedule.json", _published("json"), name="agenda:frab_json"),
    Route("/{slug}/agenda/my", my_agenda, name="agenda:my"),
    Route("/{slug}/agenda/person/{token}.ics", person_ics, name="agenda:person_ics"),
]
