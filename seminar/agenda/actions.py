"""Changing the agenda: rooms, settings, the draft (guarded by its version), publishing releases."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from tortoise.transactions import in_transaction

from seminar.accounts.models import Role, User
from seminar.agenda import draft as drafting
from seminar.agenda.changes import Change, diff_releases
from seminar.agenda import editing
from seminar.agenda.merge import merge_drafts, with_people_of
from seminar.agenda.model import Agenda, DecidedPaper, Slot
from seminar.agenda.models import AgendaDraft, AgendaLeftOut, AgendaRelease, AgendaSettings, Room
from seminar.agenda.queries import (
    decided_papers,
    draft_settings,
    fresh_draft,
    load_draft,
    rooms_of,
    settings_of,
    speakers_of,
)
from seminar.agenda.snapshot import agenda_from_data, agenda_to_data
from seminar.errors import UserError
from seminar.i18n import _, use_locale
from seminar.mail.batches import MailBatchKind
from seminar.mail.outbox import new_batch, queue_mail, wordings_for
from seminar.seminars.models import Seminar


class StaleDraft(UserError):
    """The draft was saved by someone else after the page was opened."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "The agenda was changed by someone else after you opened this page. Your change was not "
                "applied; the agenda below is the current one, please make your change again."
            ),
            field="version",
        )


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def new_key(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(4)}"


async def save_draft(seminar: Seminar, agenda: Agenda, opened_version: int, by: User | None) -> int:
    """Store `agenda` as the draft if nobody saved since `opened_version`; returns the new version."""
    data = agenda_to_data(agenda)
    by_id = by.id if by else None
    async with in_transaction():
        if opened_version == 0:
            if await AgendaDraft.exists(seminar_id=seminar.id):
                raise StaleDraft()
            await AgendaDraft.create(seminar_id=seminar.id, data=data, version=1, updated_by_id=by_id)
            return 1
        updated = await AgendaDraft.filter(seminar_id=seminar.id, version=opened_version).update(
            data=data, version=opened_version + 1, updated_by_id=by_id, updated_at=now()
        )
        if updated != 1:
            raise StaleDraft()
    return opened_version + 1


async def edit_draft(
    seminar: Seminar, opened_version: int, by: User | None, change: Callable[[Agenda], Agenda]
) -> int:
    """Apply one editor change to the current draft; stale pages and bad input change nothing."""
    current = await load_draft(seminar)
    if current.version != opened_version:
        raise StaleDraft()
    return await save_draft(seminar, change(current.agenda), opened_version, by)


async def save_settings(seminar: Seminar, values: dict[str, object]) -> AgendaSettings:
    settings = await AgendaSettings.get_or_none(seminar_id=seminar.id)
    if settings is None:
        settings = AgendaSettings(seminar_id=seminar.id)
    for name, value in values.items():
        setattr(settings, name, value)
    problems = drafting.settings_problems(draft_settings(settings, await rooms_of(seminar), seminar.time_zone))
    # Rooms are added on the same page: their absence is not a problem of the settings.
    problems = [p for p in problems if p != _("Add at least one room before drafting the agenda.")]
    if problems:
        raise UserError(problems[0])
    await settings.save()
    return settings


async def add_room(seminar: Seminar, name: str, capacity: int | None) -> Room:
    name = name.strip()
    if await Room.exists(seminar_id=seminar.id, name=name):
        raise UserError(_("The seminar already has a room called “%(name)s”.", name=name), field="name")
    last = await Room.filter(seminar_id=seminar.id).order_by("-position").first()
    return await Room.create(
        seminar_id=seminar.id, name=name, capacity=capacity, position=(last.position + 1) if last else 1
    )


async def update_room(room: Room, name: str, capacity: int | None) -> Room:
    name = name.strip()
    if await Room.filter(seminar_id=room.seminar_id, name=name).exclude(id=room.id).exists():
        raise UserError(_("The seminar already has a room called “%(name)s”.", name=name), field="name")
    room.name, room.capacity = name, capacity
    await room.save()
    return room


async def delete_room(seminar: Seminar, room: Room) -> None:
    current = await load_draft(seminar)
    if any(session.room.id == room.id for session in current.agenda.sessions):
        raise UserError(
            _("Sessions of the draft are in “%(name)s”: move them to another room first.", name=room.name)
        )
    await room.delete()


class DraftingMode(StrEnum):
    MERGE = "merge"  # add new papers, drop those no longer decided, keep the rest as edited
    REPLACE = "replace"  # the fresh draft instead of the edited one


class ChooseHowToDraft(UserError):
    """The draft has sessions: drafting from the decisions must be told to merge or to replace."""

    def __init__(self) -> None:
        super().__init__(_("The agenda already has a draft: choose whether to merge the decisions into it or to replace it."))


async def draft_from_decisions(seminar: Seminar, opened_version: int, by: User | None, mode: str = "") -> int:
    """Lay the agenda out from the decisions; an overflow raises and changes nothing.

    A first draft (none saved, or one without sessions) is saved as laid out. Over a draft with
    sessions, `mode` says how (`DraftingMode`; none: `ChooseHowToDraft` is raised), and the draft it
    replaces is kept for one `undo_drafting`.
    """
    fresh = await fresh_draft(seminar)
    current = await load_draft(seminar)
    if current.version != opened_version:
        raise StaleDraft()
    if not current.agenda.sessions:
        return await save_draft(seminar, fresh, opened_version, by)
    if mode == DraftingMode.MERGE:
        agenda = merge_drafts(current.agenda, fresh).agenda
    elif mode == DraftingMode.REPLACE:
        agenda = with_people_of(current.agenda, fresh)
    else:
        raise ChooseHowToDraft()
    async with in_transaction():
        row = await AgendaDraft.filter(seminar_id=seminar.id).select_for_update().first()
        if row is None or row.version != opened_version:
            raise StaleDraft()
        await AgendaDraft.filter(id=row.id).update(
            data=agenda_to_data(agenda), version=opened_version + 1, updated_by_id=by.id if by else None,
            updated_at=now(), previous_data=row.data, previous_saved_at=row.updated_at,
        )
    return opened_version + 1


async def undo_drafting(seminar: Seminar, opened_version: int, by: User | None) -> int:
    """Bring back the draft the last drafting from the decisions replaced; the current one takes its place,
    so undoing again brings it back (nothing is lost either way)."""
    async with in_transaction():
        row = await AgendaDraft.filter(seminar_id=seminar.id).select_for_update().first()
        if row is None or row.version != opened_version:
            raise StaleDraft()
        if row.previous_data is None:
            raise UserError(_("There is no earlier draft to bring back."))
        await AgendaDraft.filter(id=row.id).update(
            data=row.previous_data, version=opened_version + 1, updated_by_id=by.id if by else None,
            updated_at=now(), previous_data=row.data, previous_saved_at=row.updated_at,
        )
    return opened_version + 1


async def _decided(seminar: Seminar, paper_id: int) -> DecidedPaper:
    found = next((p for p in await decided_papers(seminar) if p.paper_id == paper_id), None)
    if found is None:
        raise UserError(_("That paper is not decided as a keynote or a discussion contribution (or was withdrawn)."))
    return found


async def place_paper(seminar: Seminar, paper_id: int, opened_version: int, by: User | None) -> int:
    """Put a decided paper where its decision says, in its topic's session (see `editing.place_paper`)."""
    paper = await _decided(seminar, paper_id)
    settings = await settings_of(seminar)
    return await edit_draft(seminar, opened_version, by, lambda agenda: editing.place_paper(
        agenda, paper, key=new_key("slot"), keynote_minutes=settings.keynote_minutes,
        discussion_minutes=settings.discussion_minutes, per_speaker_minutes=settings.per_speaker_minutes,
    ))


async def remove_paper(seminar: Seminar, paper_id: int, opened_version: int, by: User | None) -> int:
    """Take a paper out of the draft (a withdrawn one, or one no longer decided for the agenda)."""
    return await edit_draft(seminar, opened_version, by, lambda agenda: editing.remove_paper(agenda, paper_id))


async def leave_out_paper(seminar: Seminar, paper_id: int, reason: str, by: User | None) -> None:
    """Mark a decided paper as left out of the agenda on purpose: the checks stop asking, drafting passes it over."""
    if not reason.strip():
        raise UserError(_("Say why the paper is left out of the agenda."), field="reason")
    await _decided(seminar, paper_id)
    async with in_transaction():
        await AgendaLeftOut.update_or_create(
            paper_id=paper_id, defaults={"seminar_id": seminar.id, "reason": reason.strip()[:300],
                                         "left_out_by_id": by.id if by else None},
        )


async def put_back_paper(seminar: Seminar, paper_id: int) -> None:
    """Take back a "left out": the checks ask again where the paper goes."""
    if not await AgendaLeftOut.filter(seminar_id=seminar.id, paper_id=paper_id).delete():
        raise UserError(_("That paper is not left out of the agenda."))


def _changelog(changes: list[Change]) -> list[dict[str, str]]:
    return [{"kind": change.kind.value, "slot": change.slot_key, "summary": change.summary} for change in changes]


def affected_paper_ids(changes: list[Change]) -> set[int]:
    """Papers whose speakers stand in a changed slot, before or after the change."""
    found: set[int] = set()
    for change in changes:
        for slot in (change.before, change.after):
            if slot is not None:
                found.update(_paper_ids(slot))
    return found


def _paper_ids(slot: Slot) -> set[int]:
    ids = {c.paper_id for c in slot.contributions}
    if slot.paper_id is not None:
        ids.add(slot.paper_id)
    return ids


@dataclass(frozen=True)
class Published:
    release: AgendaRelease
    changes: int
    mailed: int


async def publish(
    seminar: Seminar,
    opened_version: int,
    by: User | None,
    *,
    notify_speakers: bool = False,
    notify_participants: bool = False,
    base_url: str = "",
    agenda_url: str = "",
) -> Published:
    """Release the draft exactly as the publisher saw it (`opened_version`) as the next version."""
    async with in_transaction():
        current = await load_draft(seminar)
        if current.version == 0 or not current.agenda.sessions:
            raise UserError(_("The draft is empty: draft the agenda before publishing it."))
        if current.version != opened_version:
            raise StaleDraft()
        previous = await AgendaRelease.filter(seminar_id=seminar.id).order_by("-number").first()
        before = (
            agenda_from_data(previous.data) if previous else Agenda(current.agenda.rooms, (), seminar.time_zone)
        )
        changes = diff_releases(before, current.agenda)
        if previous is not None and not changes and agenda_to_data(before) == agenda_to_data(current.agenda):
            raise UserError(_("The draft is the same as the published version %(number)s.", number=previous.number))
        release = await AgendaRelease.create(
            seminar_id=seminar.id,
            number=(previous.number + 1) if previous else 1,
            data=agenda_to_data(current.agenda),
            changelog=_changelog(changes),
            published_at=now(),
            published_by_id=by.id if by else None,
        )
        mailed = 0
        if notify_speakers or notify_participants:
            mailed = await _notify(
                seminar, release, before, current.agenda, changes, notify_speakers, notify_participants,
                base_url, agenda_url,
            )
    return Published(release, len(changes), mailed)


async def _notify(
    seminar: Seminar,
    release: AgendaRelease,
    before: Agenda,
    after: Agenda,
    changes: list[Change],
    speakers: bool,
    participants: bool,
    base_url: str,
    agenda_url: str,
) -> int:
    """One mail per address: speakers of changed slots get their own slots listed, everyone the changes."""
    recipients: dict[str, tuple[str, str, set[int]]] = {}  # address → name, locale, own paper ids
    if speakers:
        papers = affected_paper_ids(changes)
        users = {u.email.lower(): u for u in await User.filter(is_active=True)}
        for paper_id, speaker in (await speakers_of(sorted(papers))).items():
            if not speaker.email:
                continue
            address = speaker.email.lower()
            user = users.get(address)
            name, locale, own = recipients.get(
                address, (user.name if user else speaker.contact_name, user.locale if user else "", set())
            )
            own.add(paper_id)
            recipients[address] = (name, locale, own)
    if participants:
        roles = await Role.filter(seminar_id=seminar.id, user__is_active=True).select_related("user")
        for role in roles:
            user = role.user
            recipients.setdefault(user.email.lower(), (user.name, user.locale, set()))
    batch_id = await new_batch(seminar.id, MailBatchKind.AGENDA_RELEASE) if recipients else None
    wordings = await wordings_for(seminar.id, "agenda/published")
    for address, (name, locale, own) in sorted(recipients.items()):
        with use_locale(locale or "zh_Hans"):
            # The changelog in the reader's language, from the same two agendas.
            lines = [change.summary for change in diff_releases(before, after)]
            own_slots = [
                {"time": f"{slot.start:%Y-%m-%d %H:%M}–{slot.end:%H:%M}", "title": slot.title, "room": session.room.name}
                for session, slot in after.slots()
                if own & _paper_ids(slot)
            ]
        await queue_mail(
            template="agenda/published",
            to_address=address,
            to_name=name,
            locale=locale,
            context={
                "seminar_title": seminar.title,
                "number": release.number,
                "changes": lines,
                "own_slots": own_slots,
                "speaker": bool(own),
                "agenda_url": agenda_url,
                "base_url": base_url,
            },
            seminar_id=seminar.id,
            batch_id=batch_id,
            wordings=wordings,
        )
    return len(recipients)
