"""The editor's changes to an agenda, as pure functions: an agenda in, a new agenda out.

What is refused (a `UserError` with the reason): a slot lasting no minute, a session ending
before it starts, a room the seminar does not have, a slot or session that is not there.
What is allowed but flagged by the checks: a slot outside its session's times, overlaps,
a person in two places — the organizer may be halfway through a rearrangement.

Reordering (buttons or drag and drop) lays the slots of the sessions concerned out again one
after another from the session's start, keeping each slot's length.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence

from seminar.agenda import labels
from seminar.agenda.model import Agenda, Contribution, DecidedPaper, Decision, Person, Room, Session, Slot, SlotKind
from seminar.errors import UserError
from seminar.i18n import _

MAX_MINUTES = 24 * 60


class SlotNotFound(UserError):
    pass


def _sorted(agenda: Agenda, sessions: Sequence[Session]) -> Agenda:
    order = {room.id: index for index, room in enumerate(agenda.rooms)}
    ordered = sorted(sessions, key=lambda s: (s.start, order.get(s.room.id, len(order)), s.key))
    return dataclasses.replace(agenda, sessions=tuple(ordered))


def _replace(agenda: Agenda, *changed: Session) -> Agenda:
    by_key = {session.key: session for session in changed}
    return _sorted(agenda, [by_key.get(s.key, s) for s in agenda.sessions])


def _session(agenda: Agenda, key: str) -> Session:
    for session in agenda.sessions:
        if session.key == key:
            return session
    raise SlotNotFound(_("That session is no longer in the agenda."))


def _slot(agenda: Agenda, key: str) -> tuple[Session, Slot]:
    found = agenda.find_slot(key)
    if found is None:
        raise SlotNotFound(_("That slot is no longer in the agenda."))
    return found


def _check_minutes(minutes: int) -> None:
    if minutes <= 0:
        raise UserError(_("A slot must last at least one minute."), field="duration")
    if minutes > MAX_MINUTES:
        raise UserError(_("A slot cannot last longer than a day."), field="duration")


def _person(name: str, current: Person | None, unit: str | None = None, position: str | None = None) -> Person | None:
    """The person typed; `unit` and `position` None: keep what the current person has."""
    name = name.strip()
    if not name:
        return None
    person = current if current is not None and current.name == name else Person(None, name)
    # Unchanged name: keep the account it may be tied to.
    return dataclasses.replace(
        person,
        unit=person.unit if unit is None else unit.strip(),
        position=person.position if position is None else position.strip(),
    )


@dataclasses.dataclass(frozen=True)
class TypedPerson:
    """A person as a form gives them: name, 单位, 职务."""

    name: str = ""
    unit: str = ""
    position: str = ""


@dataclasses.dataclass(frozen=True)
class SessionPeople:
    """The 主持人 and the 点评人 (any number, in speaking order) as the session form gives them."""

    chair: TypedPerson = TypedPerson()
    commentators: tuple[TypedPerson, ...] = ()


def _people(typed: Sequence[TypedPerson], current: Sequence[Person]) -> tuple[Person, ...]:
    """The people typed, rows without a name left out, each name once; a name already there keeps its account."""
    known = {person.name: person for person in current}
    found: dict[str, Person] = {}
    for row in typed:
        person = _person(row.name, known.get(row.name.strip()), row.unit, row.position)
        if person is not None:
            found.setdefault(person.name, person)
    return tuple(found.values())


def retimed(session: Session) -> Session:
    """The session's slots one after another from its start, each as long as before."""
    cursor = session.start
    slots = []
    for slot in session.slots:
        slots.append(dataclasses.replace(slot, start=cursor))
        cursor += dt.timedelta(minutes=slot.duration)
    return dataclasses.replace(session, slots=tuple(slots))


def with_rooms(agenda: Agenda, rooms: Sequence[Room]) -> Agenda:
    """The agenda with the seminar's current rooms (renamed ones updated); a session in a room
    that is gone keeps its old room, and the checks report it."""
    by_id = {room.id: room for room in rooms}
    sessions = [
        dataclasses.replace(s, room=by_id[s.room.id]) if s.room.id in by_id else s for s in agenda.sessions
    ]
    return _sorted(dataclasses.replace(agenda, rooms=tuple(rooms)), sessions)


def edit_slot(
    agenda: Agenda, key: str, *, title: str, start: dt.datetime, duration: int, speaker: TypedPerson
) -> Agenda:
    """A session that is this one slot under the same title (专题辅导, 开班式) takes the new title too."""
    session, slot = _slot(agenda, key)
    title = title.strip()
    if not title:
        raise UserError(_("Give the slot a title."), field="title")
    _check_minutes(duration)
    changed = dataclasses.replace(
        slot, title=title, start=start.astimezone(agenda.zone), duration=duration,
        speaker=_person(speaker.name, slot.speaker, speaker.unit, speaker.position),
    )
    slots = tuple(changed if s.key == key else s for s in session.slots)
    same_title = len(session.slots) == 1 and session.title == slot.title
    return _replace(agenda, dataclasses.replace(session, slots=slots, title=title if same_title else session.title))


def move_slot(agenda: Agenda, key: str, offset: int) -> Agenda:
    """Up (-1) or down (+1) within its session; at either end nothing changes."""
    session, _slot_found = _slot(agenda, key)
    slots = list(session.slots)
    index = next(i for i, s in enumerate(slots) if s.key == key)
    target = index + offset
    if not 0 <= target < len(slots):
        return agenda
    slots[index], slots[target] = slots[target], slots[index]
    return _replace(agenda, retimed(dataclasses.replace(session, slots=tuple(slots))))


def move_slot_to(agenda: Agenda, key: str, session_key: str, position: int | None = None) -> Agenda:
    """Into another session (at `position`, or last); both sessions are laid out again."""
    source, slot = _slot(agenda, key)
    target = _session(agenda, session_key)
    if target.key == source.key:
        remaining = [s for s in source.slots if s.key != key]
        index = len(remaining) if position is None else max(0, min(position, len(remaining)))
        remaining.insert(index, slot)
        return _replace(agenda, retimed(dataclasses.replace(source, slots=tuple(remaining))))
    left = dataclasses.replace(source, slots=tuple(s for s in source.slots if s.key != key))
    into = list(target.slots)
    index = len(into) if position is None else max(0, min(position, len(into)))
    into.insert(index, slot)
    return _replace(agenda, retimed(left), retimed(dataclasses.replace(target, slots=tuple(into))))


def arrange(agenda: Agenda, order: Mapping[str, Sequence[str]]) -> Agenda:
    """A new arrangement from drag and drop: session key → its slot keys in order.

    The sessions named must hold, between them, exactly the slots they held before (a page
    showing an older agenda cannot drop or duplicate a slot); each is laid out again.
    """
    sessions = [_session(agenda, key) for key in order]
    before = sorted(slot.key for session in sessions for slot in session.slots)
    after = sorted(key for keys in order.values() for key in keys)
    if before != after:
        raise UserError(_("The arrangement does not match the agenda; reload the page and try again."))
    slots = {slot.key: slot for session in sessions for slot in session.slots}
    changed = [
        retimed(dataclasses.replace(session, slots=tuple(slots[key] for key in order[session.key])))
        for session in sessions
        if [s.key for s in session.slots] != list(order[session.key])
    ]
    return _replace(agenda, *changed)


def add_slot(
    agenda: Agenda, session_key: str, *, key: str, kind: SlotKind, title: str, duration: int, speaker: str = ""
) -> Agenda:
    """A new slot at the end of a session, starting when its last slot ends."""
    session = _session(agenda, session_key)
    title = title.strip()
    if not title:
        raise UserError(_("Give the slot a title."), field="title")
    _check_minutes(duration)
    start = session.slots[-1].end if session.slots else session.start
    slot = Slot(key, kind, start, duration, title, speaker=_person(speaker, None))
    return _replace(agenda, dataclasses.replace(session, slots=(*session.slots, slot)))


def delete_slot(agenda: Agenda, key: str) -> Agenda:
    session, _found = _slot(agenda, key)
    return _replace(agenda, dataclasses.replace(session, slots=tuple(s for s in session.slots if s.key != key)))


def _room(agenda: Agenda, room_id: int) -> Room:
    for room in agenda.rooms:
        if room.id == room_id:
            return room
    raise UserError(_("That room is not one of the seminar's rooms."), field="room")


def _check_span(start: dt.datetime, end: dt.datetime) -> None:
    if end <= start:
        raise UserError(_("The session must end after it starts."), field="end")


def edit_session(
    agenda: Agenda, key: str, *, title: str, room_id: int, start: dt.datetime, end: dt.datetime,
    people: SessionPeople,
) -> Agenda:
    """Moving a session's start moves its slots with it, so they keep their places inside."""
    session = _session(agenda, key)
    title = title.strip()
    if not title:
        raise UserError(_("Give the session a title."), field="title")
    _check_span(start, end)
    start, end = start.astimezone(agenda.zone), end.astimezone(agenda.zone)
    shift = start - session.start
    slots = tuple(dataclasses.replace(slot, start=slot.start + shift) for slot in session.slots)
    changed = dataclasses.replace(
        session, title=title, room=_room(agenda, room_id), start=start, end=end,
        chair=_person(people.chair.name, session.chair, people.chair.unit, people.chair.position),
        commentators=_people(people.commentators, session.commentators),
        slots=slots,
    )
    return _replace(agenda, changed)


def add_session(
    agenda: Agenda, *, key: str, title: str, room_id: int, start: dt.datetime, end: dt.datetime,
    topic_id: int | None = None,
) -> Agenda:
    title = title.strip()
    if not title:
        raise UserError(_("Give the session a title."), field="title")
    _check_span(start, end)
    session = Session(
        key, topic_id, title, _room(agenda, room_id), start.astimezone(agenda.zone), end.astimezone(agenda.zone)
    )
    return _sorted(agenda, [*agenda.sessions, session])


def delete_session(agenda: Agenda, key: str) -> Agenda:
    session = _session(agenda, key)
    if session.slots:
        raise UserError(_("Move or delete the session's slots first."))
    return _sorted(agenda, [s for s in agenda.sessions if s.key != key])


def _laid_out(session: Session) -> Session:
    """The session's slots one after another from its start, its end moved later if they need it."""
    session = retimed(session)
    last = session.slots[-1].end if session.slots else session.start
    return dataclasses.replace(session, end=max(session.end, last))


def _without_paper(session: Session, paper_id: int) -> Session:
    slots = []
    for slot in session.slots:
        if slot.paper_id == paper_id and slot.kind == SlotKind.KEYNOTE:
            continue
        kept = tuple(c for c in slot.contributions if c.paper_id != paper_id)
        slots.append(slot if kept == slot.contributions else dataclasses.replace(slot, contributions=kept))
    return dataclasses.replace(session, slots=tuple(slots))


def remove_paper(agenda: Agenda, paper_id: int) -> Agenda:
    """Take a paper out: its keynote slot goes, or it leaves the discussion; the sessions close up."""
    changed = [
        retimed(trimmed) for session in agenda.sessions
        if (trimmed := _without_paper(session, paper_id)) != session
    ]
    if not changed:
        raise UserError(_("That paper is not in the agenda."))
    return _replace(agenda, *changed)


def place_paper(
    agenda: Agenda, paper: DecidedPaper, *, key: str, keynote_minutes: int, discussion_minutes: int,
    per_speaker_minutes: int,
) -> Agenda:
    """Put a decided paper where its decision says, in the first session of its topic (taking it out of
    wherever it was): a keynote slot after the topic's keynotes, or a contribution to its discussion
    (a discussion slot is added after the keynotes if there is none). The session's slots close up
    and its end moves later if they need it; overlaps that follow are the checks' to report."""
    cleared = _sorted(agenda, [_without_paper(s, paper.paper_id) for s in agenda.sessions])
    session = next((s for s in cleared.sessions if s.topic_id == paper.topic_id), None)
    if session is None:
        raise UserError(_("The paper's topic has no session in the agenda: add a session for it, then place the paper."))
    slots = list(session.slots)
    after_keynotes = max((i + 1 for i, s in enumerate(slots) if s.kind == SlotKind.KEYNOTE), default=0)
    if paper.decision == Decision.KEYNOTE:
        _check_minutes(keynote_minutes)
        slots.insert(after_keynotes, Slot(key, SlotKind.KEYNOTE, session.start, keynote_minutes, paper.title,
                                          paper.paper_id, paper.speaker))
    else:
        contribution = Contribution(paper.paper_id, paper.title, paper.speaker)
        index = next((i for i, s in enumerate(slots) if s.kind == SlotKind.DISCUSSION), None)
        if index is None:
            slots.insert(after_keynotes, Slot(key, SlotKind.DISCUSSION, session.start, max(discussion_minutes, per_speaker_minutes),
                                              labels.discussion_title(), contributions=(contribution,)))
        else:
            found = slots[index]
            contributions = (*found.contributions, contribution)
            minutes = max(found.duration, per_speaker_minutes * len(contributions))
            slots[index] = dataclasses.replace(found, contributions=contributions, duration=minutes)
    placed = _laid_out(dataclasses.replace(session, slots=tuple(slots)))
    changed = [placed, *(retimed(s) for s in cleared.sessions if s.key != placed.key and s not in agenda.sessions)]
    return _replace(cleared, *changed)
