"""The organizers' agenda editor under /{slug}/manage/agenda: settings, rooms, the draft, publishing.

Every change is a plain POST form (drag and drop posts the same change as JSON) that carries the
draft's version; a page older than the draft is told so (409) and nothing is lost.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from seminar import i18n
from seminar.agenda import actions, editing
from seminar.agenda.forms import (
    AgendaSettingsForm,
    NewSlotForm,
    PublishForm,
    RoomForm,
    SessionForm,
    SlotForm,
    VersionedForm,
    as_local,
    refresh_version,
    session_data,
    session_people,
    settings_data,
    show_error,
    slot_data,
    slot_speaker,
)
from seminar.agenda.labels import kind_label
from seminar.agenda.model import Agenda, SlotKind
from seminar.agenda.published import days_of, forget_head, names
from seminar.agenda.queries import (
    editor_view,
    get_release_or_404,
    get_room_or_404,
    load_draft,
    redraft,
    releases_with_changes,
    rooms_of,
    settings_of,
)
from seminar.agenda.snapshot import agenda_from_data
from seminar.errors import UserError
from seminar.forms import bind
from seminar.i18n import _
from seminar.mail.batches import MailBatchKind
from seminar.mail.queries import latest_batch
from seminar.permissions import can_edit_agenda
from seminar.web import absolute_url, actor, flash, form, redirect, render, seminar_page

if TYPE_CHECKING:
    from seminar.accounts.models import User
    from seminar.seminars.models import Seminar

T = TypeVar("T")
F = TypeVar("F", bound=VersionedForm)
Change = Callable[[Agenda], Agenda]
# The agenda's templates show kinds and people through these.
HELPERS = {"kind_label": kind_label, "names": names}

# ---------- helpers ----------


def _user(request: Request) -> User | None:
    return actor(request).user


async def _opened_version(request: Request) -> int:
    try:
        return int(str((await form(request)).get("version", "")))
    except ValueError:
        raise HTTPException(status_code=400) from None


# ---------- the editor ----------


async def _editor(request: Request, seminar: Seminar, status_code: int = 200) -> Response:
    view = await editor_view(seminar)
    publish_form = PublishForm(data={"version": view.draft.version})
    context = {"seminar": seminar, **vars(view), "publish_form": publish_form, **HELPERS}
    return render(request, "agenda/editor.html", context, status_code=status_code)


async def editor(request: Request) -> Response:
    return await _editor(request, await seminar_page(request, can_edit_agenda))


async def _attempt(request: Request, seminar: Seminar, action: Awaitable[T]) -> T | Response:
    """The action's result; a stale page (409) or a refused change (400) gets the editor with its message."""
    try:
        return await action
    except actions.StaleDraft as error:
        flash(request, error.message, "error")
        return await _editor(request, seminar, 409)
    except UserError as error:  # e.g. an overflow, or settings that cannot describe a day
        flash(request, error.message, "error")
        return await _editor(request, seminar, 400)


async def _finish(request: Request, seminar: Seminar, action: Awaitable[object], done: str) -> Response:
    """One button's change: back to the editor with `done`, or the editor again with why not."""
    result = await _attempt(request, seminar, action)
    if isinstance(result, Response):
        return result
    flash(request, done)
    return redirect(request, "agenda:editor", slug=seminar.slug)


async def _apply(request: Request, seminar: Seminar, change: Change, done: str) -> Response:
    edit = actions.edit_draft(seminar, await _opened_version(request), _user(request), change)
    return await _finish(request, seminar, edit, done)


async def _save_form(request: Request, seminar: Seminar, form_: VersionedForm, change: Change, done: str) -> Response | int:
    """A form's change to the draft: the redirect when saved, else the status to re-render with.

    On a stale page (409) what was typed stays and the form carries the current version, so
    saving again applies it; a refused change (400) shows its message on the form.
    """
    try:
        await actions.edit_draft(seminar, form_.data["version"], _user(request), change)
    except actions.StaleDraft as error:
        show_error(form_, error)
        refresh_version(form_, (await load_draft(seminar)).version)
        return 409
    except UserError as error:
        show_error(form_, error)
        return 400
    flash(request, done)
    return redirect(request, "agenda:editor", slug=seminar.slug)


async def _post(
    request: Request, seminar: Seminar, form_class: type[F], change: Callable[[Agenda, dict[str, Any]], Agenda], done: str
) -> Response | tuple[F, int]:
    """A posted form: the redirect when its change is saved, else the form to show again and its status."""
    form_ = await bind(form_class, request)
    if not form_.validate():
        return form_, 400
    values = form_.data
    saved = await _save_form(request, seminar, form_, lambda agenda: change(agenda, values), done)
    return saved if isinstance(saved, Response) else (form_, saved)


async def draft(request: Request) -> Response:
    """Draft from the decisions. Over a draft with sessions, a page first shows what merging and what replacing
    would change (409: nothing changed yet); its buttons post again with the chosen `mode`."""
    seminar = await seminar_page(request, can_edit_agenda)
    mode = str((await form(request)).get("mode", ""))
    drafting = actions.draft_from_decisions(seminar, await _opened_version(request), _user(request), mode)
    try:
        await drafting
    except actions.ChooseHowToDraft:
        plan = await redraft(seminar)
        context = {"seminar": seminar, "plan": plan, "merge": actions.DraftingMode.MERGE, "replace": actions.DraftingMode.REPLACE}
        return render(request, "agenda/redraft.html", context, status_code=409)
    except actions.StaleDraft as error:
        flash(request, error.message, "error")
        return await _editor(request, seminar, 409)
    except UserError as error:
        flash(request, error.message, "error")
        return await _editor(request, seminar, 400)
    if mode == actions.DraftingMode.MERGE:
        flash(request, _("The decisions are merged into the draft. Undo brings back the draft as it was."))
    elif mode == actions.DraftingMode.REPLACE:
        flash(request, _("The draft is replaced by a fresh one from the decisions. Undo brings back the draft as it was."))
    else:
        flash(request, _("The agenda was drafted from the decisions. Check it, adjust it, then publish it."))
    return redirect(request, "agenda:editor", slug=seminar.slug)


async def undo_draft(request: Request) -> Response:
    seminar = await seminar_page(request, can_edit_agenda)
    undo = actions.undo_drafting(seminar, await _opened_version(request), _user(request))
    done = _("The earlier draft is back. The one it replaced can be brought back the same way.")
    return await _finish(request, seminar, undo, done)


async def slot_move(request: Request) -> Response:
    seminar = await seminar_page(request, can_edit_agenda)
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
    seminar = await seminar_page(request, can_edit_agenda)
    key = request.path_params["key"]
    return await _apply(request, seminar, lambda a: editing.delete_slot(a, key), _("Slot deleted."))


async def session_delete(request: Request) -> Response:
    seminar = await seminar_page(request, can_edit_agenda)
    key = request.path_params["key"]
    return await _apply(request, seminar, lambda a: editing.delete_session(a, key), _("Session deleted."))


async def arrange(request: Request) -> Response:
    """Drag and drop: {"version": n, "sessions": {session key: [slot keys in order]}} → the new version."""
    seminar = await seminar_page(request, can_edit_agenda)
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
    seminar = await seminar_page(request, can_edit_agenda)
    key = request.path_params["key"]
    current = await load_draft(seminar)
    found = current.agenda.find_slot(key)
    if found is None:
        return await _not_in_draft(request, seminar, _("That slot is no longer in the agenda."))
    session, slot = found
    if request.method == "POST":
        posted = await _post(request, seminar, SlotForm, lambda a, v: editing.edit_slot(
            a, key, title=v["title"], start=as_local(v["start"], seminar.time_zone), duration=v["duration"],
            speaker=slot_speaker(v),
        ), _("Slot saved."))
        if isinstance(posted, Response):
            return posted
        slot_form, status = posted
    else:
        slot_form, status = SlotForm(data=slot_data(current.version, slot, seminar.time_zone)), 200
    slot_form.label_for(slot.kind)
    context = {
        "seminar": seminar, "session": session, "slot": slot, "form": slot_form, "version": current.version,
        "sessions": _session_choices(current.agenda), **HELPERS,
    }
    return render(request, "agenda/slot.html", context, status_code=status)


async def session_edit(request: Request) -> Response:
    seminar = await seminar_page(request, can_edit_agenda)
    key = request.path_params["key"]
    rooms = await rooms_of(seminar)
    current = await load_draft(seminar, rooms)
    session = next((s for s in current.agenda.sessions if s.key == key), None)
    if session is None:
        return await _not_in_draft(request, seminar, _("That session is no longer in the agenda."))
    if request.method == "POST":
        posted = await _post(request, seminar, SessionForm, lambda a, v: editing.edit_session(
            a, key, title=v["title"], room_id=v["room"], start=as_local(v["start"], seminar.time_zone),
            end=as_local(v["end"], seminar.time_zone), people=session_people(v),
        ), _("Session saved."))
        if isinstance(posted, Response):
            return posted
        session_form, status = posted
    else:
        session_form, status = SessionForm(data=session_data(current.version, session, seminar.time_zone)), 200
    session_form.room.choices = [(room.id, room.name) for room in rooms]
    new_slot = NewSlotForm(data={"version": current.version})
    context = {"seminar": seminar, "session": session, "form": session_form, "slot_form": new_slot, **HELPERS}
    return render(request, "agenda/session.html", context, status_code=status)


async def slot_add(request: Request) -> Response:
    seminar = await seminar_page(request, can_edit_agenda)
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
    seminar = await seminar_page(request, can_edit_agenda)
    rooms = await rooms_of(seminar)
    current = await load_draft(seminar, rooms)
    if request.method == "POST":
        posted = await _post(request, seminar, SessionForm, lambda a, v: editing.add_session(
            a, key=actions.new_key("session"), title=v["title"], room_id=v["room"],
            start=as_local(v["start"], seminar.time_zone), end=as_local(v["end"], seminar.time_zone),
        ), _("Session added."))
        if isinstance(posted, Response):
            return posted
        session_form, status = posted
    else:
        start = dt.datetime.combine(seminar.starts_on, dt.time(9))
        initial = {"version": current.version, "start": start, "end": start + dt.timedelta(hours=1)}
        session_form, status = SessionForm(data=initial), 200
    session_form.room.choices = [(room.id, room.name) for room in rooms]
    return render(request, "agenda/session_new.html", {"seminar": seminar, "form": session_form}, status_code=status)


# ---------- settings and rooms ----------


async def agenda_settings(request: Request) -> Response:
    seminar = await seminar_page(request, can_edit_agenda)
    saved = await settings_of(seminar)
    if request.method == "POST":
        settings_form = await bind(AgendaSettingsForm, request)
        if settings_form.validate():
            try:
                await actions.save_settings(seminar, settings_form.values())
            except UserError as error:
                show_error(settings_form, error)
            else:
                flash(request, _("Agenda settings saved."))
                return redirect(request, "agenda:settings", slug=seminar.slug)
        status = 400
    else:
        settings_form, status = AgendaSettingsForm(data=settings_data(saved)), 200
    context = {"seminar": seminar, "form": settings_form, "rooms": await rooms_of(seminar), "room_form": RoomForm()}
    return render(request, "agenda/settings.html", context, status_code=status)


async def room_add(request: Request) -> Response:
    seminar = await seminar_page(request, can_edit_agenda)
    room_form = await bind(RoomForm, request)
    if room_form.validate():
        try:
            room = await actions.add_room(seminar, room_form.name.data, room_form.capacity.data)
        except UserError as error:
            flash(request, error.message, "error")
        else:
            flash(request, _("Room “%(name)s” added.", name=room.name))
    else:
        flash(request, room_form.first_error or "", "error")
    return redirect(request, "agenda:settings", slug=seminar.slug)


async def room_edit(request: Request) -> Response:
    seminar = await seminar_page(request, can_edit_agenda)
    room = await get_room_or_404(seminar, request.path_params["room_id"])
    room_form = await bind(RoomForm, request)
    if room_form.validate():
        try:
            await actions.update_room(room, room_form.name.data, room_form.capacity.data)
        except UserError as error:
            flash(request, error.message, "error")
        else:
            flash(request, _("Room saved."))
    else:
        flash(request, room_form.first_error or "", "error")
    return redirect(request, "agenda:settings", slug=seminar.slug)


async def room_delete(request: Request) -> Response:
    seminar = await seminar_page(request, can_edit_agenda)
    room = await get_room_or_404(seminar, request.path_params["room_id"])
    try:
        await actions.delete_room(seminar, room)
    except UserError as error:
        flash(request, error.message, "error")
    else:
        flash(request, _("Room “%(name)s” deleted.", name=room.name))
    return redirect(request, "agenda:settings", slug=seminar.slug)


# ---------- releases ----------


async def publish(request: Request) -> Response:
    seminar = await seminar_page(request, can_edit_agenda)
    publish_form = await bind(PublishForm, request)
    if not publish_form.validate():
        raise HTTPException(status_code=400)
    values = publish_form.data
    published = await _attempt(request, seminar, actions.publish(
        seminar, values["version"], _user(request),
        notify_speakers=values["notify_speakers"], notify_participants=values["notify_participants"],
        base_url=request.app.state.settings.base_url,
        agenda_url=absolute_url(request, "agenda:public", slug=seminar.slug),
    ))
    if isinstance(published, Response):
        return published
    forget_head(seminar.slug)
    message = _("Version %(number)s of the agenda is published.", number=published.release.number)
    if published.mailed:
        message += " " + _("%(count)s mails are in the outbox.", count=published.mailed)
    flash(request, message)
    return redirect(request, "agenda:releases", slug=seminar.slug)


async def releases(request: Request) -> Response:
    seminar = await seminar_page(request, can_edit_agenda)
    return render(request, "agenda/releases.html", {
        "seminar": seminar, "releases": await releases_with_changes(seminar),
        "mail_batch": await latest_batch(seminar, MailBatchKind.AGENDA_RELEASE, request.app.state.settings.smtp_configured),
    })


async def release_page(request: Request) -> Response:
    """One past release as it was published, for organizers comparing versions."""
    seminar = await seminar_page(request, can_edit_agenda)
    release = await get_release_or_404(seminar, request.path_params["number"])
    days = days_of(agenda_from_data(release.data))
    context = {"seminar": seminar, "release": release, "days": days, **HELPERS}
    return render(request, "agenda/release.html", context)


routes: list[BaseRoute] = [
    Route("/{slug}/manage/agenda", editor, name="agenda:editor"),
    Route("/{slug}/manage/agenda/settings", agenda_settings, methods=["GET", "POST"], name="agenda:settings"),
    Route("/{slug}/manage/agenda/rooms", room_add, methods=["POST"], name="agenda:room_add"),
    Route("/{slug}/manage/agenda/rooms/{room_id:int}", room_edit, methods=["POST"], name="agenda:room_edit"),
    Route("/{slug}/manage/agenda/rooms/{room_id:int}/delete", room_delete, methods=["POST"], name="agenda:room_delete"),
    Route("/{slug}/manage/agenda/draft", draft, methods=["POST"], name="agenda:draft"),
    Route("/{slug}/manage/agenda/draft/undo", undo_draft, methods=["POST"], name="agenda:undo_draft"),
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
]
