"""Merging a fresh draft from the decisions into a draft the organizers have edited.

The edited draft wins wherever it already places a paper: its session, order, times and
speaker stay as the organizers left them. Only the differences with the fresh draft are
applied, and each is reported so the organizer sees them before anything is saved:

- *added*: a paper the fresh draft places and the edited one does not (newly decided). A keynote
  goes after the last keynote of its topic's session, a contribution into its topic's discussion
  slot; that session's slots are then laid out one after another from its start. A topic with no
  session in the edited draft gets the fresh draft's session (without papers placed elsewhere).
- *dropped*: a paper the edited draft places and the fresh one does not (withdrawn, or no longer
  decided as a keynote or a discussion contribution). Its slot or contribution goes; nothing moves.
- *moved*: a paper now decided the other way (keynote ↔ discussion): dropped and added again.
- *kept*: a paper both place, but in another session or slot: the edited placement stays. (Times are
  not compared: a fresh draft's times shift whenever a paper is added before them.)

Pure: agendas in, an agenda and the list of changes out.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum

from seminar.agenda.editing import retimed
from seminar.agenda.labels import span_label
from seminar.agenda.model import Agenda, Contribution, Placement, Session, Slot, SlotKind
from seminar.i18n import _


class MergeKind(StrEnum):
    ADDED = "added"
    DROPPED = "dropped"
    MOVED = "moved"
    KEPT = "kept"


@dataclass(frozen=True)
class MergeChange:
    kind: MergeKind
    paper_id: int
    summary: str  # one line, in the user's language


@dataclass(frozen=True)
class Merged:
    agenda: Agenda
    changes: tuple[MergeChange, ...]


def placements(agenda: Agenda) -> dict[int, Placement]:
    """paper id → where the agenda places it (the first place, should a paper be placed twice)."""
    found: dict[int, Placement] = {}
    for place in agenda.placements():
        found.setdefault(place.paper_id, place)
    return found


def merge_drafts(edited: Agenda, fresh: Agenda) -> Merged:
    """The edited draft with the fresh draft's new papers added and its missing ones dropped (see the module)."""
    before, after = placements(edited), placements(fresh)
    changes: list[MergeChange] = []
    moved = {p for p in before.keys() & after.keys() if before[p].own_slot != after[p].own_slot}
    gone = [p for p in before if p not in after or p in moved]
    sessions = list(edited.sessions)
    for paper_id in gone:
        sessions = _without_paper(sessions, paper_id)
        if paper_id not in moved:
            changes.append(MergeChange(MergeKind.DROPPED, paper_id, _(
                "Dropped: “%(title)s” (%(time)s): it is no longer decided for the agenda (withdrawn, or decided otherwise).",
                title=before[paper_id].title, time=span_label(before[paper_id].slot.start, before[paper_id].slot.end),
            )))
    for paper_id, place in after.items():
        if paper_id in before and paper_id not in moved:
            mine = before[paper_id]
            if (mine.session.key, mine.slot.key) != (place.session.key, place.slot.key):
                changes.append(MergeChange(MergeKind.KEPT, paper_id, _(
                    "Kept where you placed it: “%(title)s”, %(time)s, %(room)s.",
                    title=mine.title, time=span_label(mine.slot.start, mine.slot.end), room=mine.session.room.name,
                )))
            continue
        sessions, where = _with_paper(sessions, fresh, paper_id, place)
        if paper_id in moved:
            summary = _("Moved: “%(title)s” is now a keynote speech, in “%(session)s”.", title=place.title, session=where) \
                if place.own_slot else \
                _("Moved: “%(title)s” is now a discussion contribution, in “%(session)s”.", title=place.title, session=where)
            changes.append(MergeChange(MergeKind.MOVED, paper_id, summary))
        else:
            summary = _("Added: “%(title)s” as a keynote speech, in “%(session)s”.", title=place.title, session=where) \
                if place.own_slot else \
                _("Added: “%(title)s” as a discussion contribution, in “%(session)s”.", title=place.title, session=where)
            changes.append(MergeChange(MergeKind.ADDED, paper_id, summary))
    order = {room.id: index for index, room in enumerate(edited.rooms)}
    sessions.sort(key=lambda s: (s.start, order.get(s.room.id, len(order)), s.key))
    order_of_kind = {MergeKind.ADDED: 0, MergeKind.MOVED: 1, MergeKind.DROPPED: 2, MergeKind.KEPT: 3}
    changes.sort(key=lambda change: order_of_kind[change.kind])
    return Merged(dataclasses.replace(edited, sessions=tuple(sessions)), tuple(changes))


def _without_paper(sessions: list[Session], paper_id: int) -> list[Session]:
    result = []
    for session in sessions:
        slots = []
        for slot in session.slots:
            if slot.paper_id == paper_id:
                continue
            if any(c.paper_id == paper_id for c in slot.contributions):
                slot = dataclasses.replace(slot, contributions=tuple(c for c in slot.contributions if c.paper_id != paper_id))
            slots.append(slot)
        result.append(dataclasses.replace(session, slots=tuple(slots)))
    return result


def _keys(sessions: list[Session]) -> set[str]:
    return {s.key for s in sessions} | {slot.key for s in sessions for slot in s.slots}


def _with_paper(sessions: list[Session], fresh: Agenda, paper_id: int, place: Placement) -> tuple[list[Session], str]:
    """The sessions with the paper placed as the fresh draft has it, and the title of the session it went to."""
    topic_id = place.session.topic_id
    home = next((s for s in sessions if topic_id is not None and s.topic_id == topic_id), None)
    if place.own_slot and home is not None:
        keynote = place.slot
        if keynote.key in _keys(sessions):  # the key is taken (a slot kept from an earlier paper): a new one
            keynote = dataclasses.replace(keynote, key=f"{keynote.key}-{len(_keys(sessions))}")
        last = max((i for i, s in enumerate(home.slots) if s.kind is SlotKind.KEYNOTE), default=-1)
        slots = (*home.slots[:last + 1], keynote, *home.slots[last + 1:])
        return _replaced(sessions, _laid_out(dataclasses.replace(home, slots=slots))), home.title
    if not place.own_slot:
        contribution = next(c for c in place.slot.contributions if c.paper_id == paper_id)
        target = _discussion_slot(sessions, place.slot.key, topic_id)
        if target is not None:
            session, slot = target
            grown = dataclasses.replace(slot, contributions=(*slot.contributions, contribution))
            changed = dataclasses.replace(session, slots=tuple(grown if s.key == slot.key else s for s in session.slots))
            return _replaced(sessions, changed), session.title
    return _with_fresh_session(sessions, fresh, place.session, paper_id), place.session.title


def _discussion_slot(sessions: list[Session], key: str, topic_id: int | None) -> tuple[Session, Slot] | None:
    """The edited draft's discussion slot of the topic: the one with the fresh slot's key, else the topic session's."""
    for session in sessions:
        for slot in session.slots:
            if slot.key == key:
                return session, slot
    for session in sessions:
        if topic_id is not None and session.topic_id == topic_id:
            for slot in session.slots:
                if slot.kind is SlotKind.DISCUSSION:
                    return session, slot
    return None


def _with_fresh_session(sessions: list[Session], fresh: Agenda, session: Session, paper_id: int) -> list[Session]:
    """The fresh draft's session of the topic, holding only this paper and the slots without papers the edited
    draft does not have yet; more new papers of the topic then join it as above."""
    taken = _keys(sessions)
    slots: list[Slot] = []
    for slot in session.slots:
        if slot.paper_id is not None:
            if slot.paper_id == paper_id:
                slots.append(slot)
            continue
        if slot.key in taken:
            continue
        contributions: tuple[Contribution, ...] = tuple(c for c in slot.contributions if c.paper_id == paper_id)
        slots.append(dataclasses.replace(slot, contributions=contributions))
    key = session.key if session.key not in taken else f"{session.key}-{len(taken)}"
    added = _laid_out(dataclasses.replace(session, key=key, slots=tuple(slots)))
    room = next((r for r in fresh.rooms if r.id == added.room.id), added.room)
    return [*sessions, dataclasses.replace(added, room=room)]


def _laid_out(session: Session) -> Session:
    """Slots one after another from the session's start; the session ends no earlier than its last slot."""
    again = retimed(session)
    end = max(again.end, again.slots[-1].end) if again.slots else again.end
    return dataclasses.replace(again, end=end)


def _replaced(sessions: list[Session], changed: Session) -> list[Session]:
    return [changed if s.key == changed.key else s for s in sessions]


def with_people_of(edited: Agenda, fresh: Agenda) -> Agenda:
    """The fresh draft with the people the organizers named in the edited one: each session's 主持人
    and 点评人, and who speaks in (and under which title) its slots that hold no paper — 开班式,
    专题辅导, 总结讲话 — matched by kind in order. A topic's session is matched by its topic, any
    other by its key. Replacing a draft re-lays the papers; it does not forget who chairs."""
    by_topic = {s.topic_id: s for s in edited.sessions if s.topic_id is not None}
    by_key = {s.key: s for s in edited.sessions}
    sessions = []
    for session in fresh.sessions:
        before = by_topic.get(session.topic_id) if session.topic_id is not None else by_key.get(session.key)
        sessions.append(session if before is None else _people_carried(before, session))
    return dataclasses.replace(fresh, sessions=tuple(sessions))


def _people_carried(before: Session, session: Session) -> Session:
    named: dict[SlotKind, list[Slot]] = {}
    for slot in before.slots:
        if slot.paper_id is None and not slot.contributions and slot.speaker is not None:
            named.setdefault(slot.kind, []).append(slot)
    slots = []
    for slot in session.slots:
        earlier = named.get(slot.kind)
        if slot.paper_id is None and not slot.contributions and earlier:
            source = earlier.pop(0)
            slot = dataclasses.replace(slot, speaker=source.speaker, title=source.title)
        slots.append(slot)
    return dataclasses.replace(
        session,
        chair=session.chair or before.chair,
        commentators=session.commentators or before.commentators,
        slots=tuple(slots),
    )
