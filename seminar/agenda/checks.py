"""What is wrong with an agenda, for the editor to show while it is being changed.

Overlaps are found by sorting and sweeping, so three slots on top of one another give all
three pairs, not only neighbours; the cost grows with the number of overlaps, not its square.

Papers are checked against their current state (`PaperState`): a withdrawn paper anywhere in
the draft or the latest published version, a placed paper whose decision no longer puts it on
the agenda or puts it elsewhere, and a decided paper with no place unless the organizers left
it out. Every finding names what it is about (paper, slot) and says how to fix it (`Problem.fix`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from seminar.agenda.labels import span_label
from seminar.agenda.model import (
    CLOSING_REMARK_KINDS,
    Agenda,
    DecidedPaper,
    Decision,
    PaperState,
    Person,
    Session,
    Slot,
    SlotKind,
)
from seminar.i18n import _


class ProblemKind(StrEnum):
    BAD_TIMES = "bad_times"  # a slot or session that ends before (or when) it starts
    UNKNOWN_ROOM = "unknown_room"
    ROOM_OVERLAP = "room_overlap"
    PERSON_CLASH = "person_clash"
    SESSION_OVERRUN = "session_overrun"
    SLOT_OUTSIDE_SESSION = "slot_outside_session"
    PAPER_WITHDRAWN = "paper_withdrawn"  # the draft holds a paper its city withdrew
    PAPER_NOT_ON_AGENDA = "paper_not_on_agenda"  # placed, but decided proceedings only, declined or undecided
    KEYNOTE_NOT_DECIDED = "keynote_not_decided"
    PAPER_IN_WRONG_PLACE = "paper_in_wrong_place"  # a keynote among the discussion's contributions
    PAPER_IN_OTHER_TOPIC = "paper_in_other_topic"
    KEYNOTE_WITHOUT_SLOT = "keynote_without_slot"
    DISCUSSION_WITHOUT_PLACE = "discussion_without_place"
    TOPIC_WITHOUT_COMMENTARY = "topic_without_commentary"
    PUBLISHED_WITHDRAWN = "published_withdrawn"  # the public agenda still lists a withdrawn paper


class FixAction(StrEnum):
    """Where the editor sends the organizer to fix a finding (a link or a button beside it)."""

    EDIT_SLOT = "edit_slot"  # the first slot the finding names
    EDIT_SESSION = "edit_session"  # the first session it names (add a slot there, change its times)
    REMOVE_PAPER = "remove_paper"  # take the paper out of the draft
    PLACE_PAPER = "place_paper"  # put the paper where its decision says, in its topic's session
    LEAVE_OUT = "leave_out"  # leave the decided paper out of the agenda, with a reason
    DECIDE = "decide"  # the ranking, to change the paper's decision
    PUBLISH = "publish"  # publish the corrected draft as a new version


@dataclass(frozen=True)
class Fix:
    text: str
    actions: tuple[FixAction, ...]


@dataclass(frozen=True)
class Problem:
    kind: ProblemKind
    message: str
    slot_keys: tuple[str, ...] = ()
    session_keys: tuple[str, ...] = ()
    paper_id: int | None = None  # the paper the finding is about, if any

    @property
    def fix(self) -> Fix:
        """How to fix it, in the reader's language, and where."""
        return _fix(self)


@dataclass(frozen=True)
class PublishedAgenda:
    """The latest published version, checked for papers that have since been withdrawn."""

    number: int
    agenda: Agenda


def find_problems(
    agenda: Agenda,
    decisions: Iterable[DecidedPaper],
    papers: Mapping[int, PaperState] | None = None,
    published: PublishedAgenda | None = None,
) -> list[Problem]:
    """Every problem, grouped by kind in the order of `ProblemKind`, each group in agenda order.

    `papers` (paper id → state) holds every paper the agenda holds or that is decided for it;
    without it only keynote slots are checked against `decisions`.
    """
    decided = list(decisions)
    found = [
        *_bad_times(agenda),
        *_unknown_rooms(agenda),
        *_room_overlaps(agenda),
        *_person_clashes(agenda),
        *_slots_against_sessions(agenda),
        *(_papers(agenda, decided, papers) if papers is not None else _keynotes(agenda, decided)),
        *_topics_without_commentary(agenda),
        *(_published(published, papers) if papers is not None and published is not None else ()),
    ]
    order = {kind: index for index, kind in enumerate(ProblemKind)}
    return sorted(found, key=lambda problem: order[problem.kind])  # stable: agenda order within a kind


T = TypeVar("T")


@dataclass(frozen=True)
class _Interval:
    start: dt.datetime
    end: dt.datetime
    key: str  # ties are broken by key so the output does not depend on input order


def overlapping_pairs(items: Sequence[tuple[_Interval, T]]) -> Iterator[tuple[T, T]]:
    """Every pair whose half-open intervals [start, end) intersect; empty intervals never do."""
    ordered = sorted((i for i in items if i[0].end > i[0].start), key=lambda i: (i[0].start, i[0].key))
    active: list[tuple[_Interval, T]] = []
    for interval, item in ordered:
        active = [a for a in active if a[0].end > interval.start]
        for _other, other_item in active:
            yield other_item, item
        active.append((interval, item))


def _bad_times(agenda: Agenda) -> Iterator[Problem]:
    for session in agenda.sessions:
        if session.end <= session.start:
            yield Problem(
                ProblemKind.BAD_TIMES,
                _("The session “%(title)s” ends before it starts.", title=session.title),
                session_keys=(session.key,),
            )
        for slot in session.slots:
            if slot.duration <= 0:
                yield Problem(
                    ProblemKind.BAD_TIMES,
                    _(
                        "“%(title)s” lasts %(minutes)s minutes; a slot must last at least one minute.",
                        title=slot.title,
                        minutes=slot.duration,
                    ),
                    (slot.key,),
                    (session.key,),
                )


def _unknown_rooms(agenda: Agenda) -> Iterator[Problem]:
    known = {room.id for room in agenda.rooms}
    for session in agenda.sessions:
        if session.room.id not in known:
            yield Problem(
                ProblemKind.UNKNOWN_ROOM,
                _(
                    "The session “%(title)s” is in the room “%(room)s”, which is not a room of this seminar.",
                    title=session.title,
                    room=session.room.name,
                ),
                session_keys=(session.key,),
            )


def _room_overlaps(agenda: Agenda) -> Iterator[Problem]:
    by_room: dict[int, list[tuple[_Interval, tuple[Session, Slot]]]] = defaultdict(list)
    for session, slot in agenda.slots():
        by_room[session.room.id].append((_Interval(slot.start, slot.end, slot.key), (session, slot)))
    for entries in by_room.values():
        for (first_session, first), (second_session, second) in overlapping_pairs(entries):
            yield Problem(
                ProblemKind.ROOM_OVERLAP,
                _(
                    "In %(room)s, “%(first)s” (%(first_time)s) overlaps “%(second)s” (%(second_time)s).",
                    room=first_session.room.name,
                    first=first.title,
                    first_time=span_label(first.start, first.end),
                    second=second.title,
                    second_time=span_label(second.start, second.end),
                ),
                (first.key, second.key),
                tuple(dict.fromkeys((first_session.key, second_session.key))),
            )


@dataclass(frozen=True)
class _Appearance:
    person: Person
    title: str
    room: str
    start: dt.datetime
    end: dt.datetime
    session_key: str
    slot_key: str | None  # None: chairing the whole session


def _appearances(agenda: Agenda) -> Iterator[_Appearance]:
    for session in agenda.sessions:
        if session.chair is not None:
            yield _Appearance(
                session.chair, session.title, session.room.name, session.start, session.end, session.key, None
            )
        for slot in session.slots:
            for person in slot.people():
                yield _Appearance(
                    person, slot.title, session.room.name, slot.start, slot.end, session.key, slot.key
                )


def _person_clashes(agenda: Agenda) -> Iterator[Problem]:
    by_person: dict[tuple[str, int | str], list[tuple[_Interval, _Appearance]]] = defaultdict(list)
    for appearance in _appearances(agenda):
        key = f"{appearance.session_key}/{appearance.slot_key or ''}"
        by_person[appearance.person.identity].append(
            (_Interval(appearance.start, appearance.end, key), appearance)
        )
    for entries in by_person.values():
        for first, second in overlapping_pairs(entries):
            # Chairing a session while speaking in it is one place, not two.
            if first.session_key == second.session_key and None in (first.slot_key, second.slot_key):
                continue
            yield Problem(
                ProblemKind.PERSON_CLASH,
                _(
                    "%(person)s is in two places at once: “%(first)s” in %(first_room)s (%(first_time)s) "
                    "and “%(second)s” in %(second_room)s (%(second_time)s).",
                    person=first.person.name,
                    first=first.title,
                    first_room=first.room,
                    first_time=span_label(first.start, first.end),
                    second=second.title,
                    second_room=second.room,
                    second_time=span_label(second.start, second.end),
                ),
                tuple(key for key in (first.slot_key, second.slot_key) if key is not None),
                tuple(dict.fromkeys((first.session_key, second.session_key))),
            )


def _slots_against_sessions(agenda: Agenda) -> Iterator[Problem]:
    overruns: list[Problem] = []
    outside: list[Problem] = []
    for session in agenda.sessions:
        late = []
        for slot in session.slots:
            if slot.start < session.start or slot.start >= session.end:
                outside.append(
                    Problem(
                        ProblemKind.SLOT_OUTSIDE_SESSION,
                        _(
                            "“%(title)s” (%(time)s) lies outside its session “%(session)s” (%(session_time)s).",
                            title=slot.title,
                            time=span_label(slot.start, slot.end),
                            session=session.title,
                            session_time=span_label(session.start, session.end),
                        ),
                        (slot.key,),
                        (session.key,),
                    )
                )
            elif slot.end > session.end:
                late.append(slot)
        if late:
            over = max(slot.end for slot in late) - session.end
            overruns.append(
                Problem(
                    ProblemKind.SESSION_OVERRUN,
                    _(
                        "The session “%(title)s” runs %(minutes)s minutes over its end at %(end)s.",
                        title=session.title,
                        minutes=int(over.total_seconds() // 60),
                        end=f"{session.end:%H:%M}",
                    ),
                    tuple(slot.key for slot in late),
                    (session.key,),
                )
            )
    yield from overruns
    yield from outside


def _keynotes(agenda: Agenda, decided: list[DecidedPaper]) -> Iterator[Problem]:
    """Keynote slots against the decisions alone (no paper states known)."""
    keynote_papers = {p.paper_id: p for p in decided if p.decision == Decision.KEYNOTE}
    placed: set[int] = set()
    for session, slot in agenda.slots():
        if slot.kind != SlotKind.KEYNOTE:
            continue
        if slot.paper_id is not None and slot.paper_id in keynote_papers:
            placed.add(slot.paper_id)
            continue
        yield _keynote_not_decided(session, slot)
    for paper in sorted(keynote_papers.values(), key=lambda p: (p.topic_id, -p.score, p.paper_id)):
        if paper.paper_id not in placed:
            yield Problem(
                ProblemKind.KEYNOTE_WITHOUT_SLOT,
                _("The keynote %(paper)s has no slot in the agenda.", paper=f"“{paper.title}”"),
                paper_id=paper.paper_id,
            )


@dataclass(frozen=True)
class _Placement:
    session: Session
    slot: Slot
    paper_id: int
    as_keynote: bool  # in a keynote slot; otherwise a contribution to a discussion (or another slot's paper)


def _slot_placements(session: Session, slot: Slot) -> Iterator[_Placement]:
    if slot.paper_id is not None:
        yield _Placement(session, slot, slot.paper_id, slot.kind == SlotKind.KEYNOTE)
    for contribution in slot.contributions:
        yield _Placement(session, slot, contribution.paper_id, False)


def _placements(agenda: Agenda) -> Iterator[_Placement]:
    for session, slot in agenda.slots():
        yield from _slot_placements(session, slot)


def _where(slot: Slot) -> dict[str, str]:
    return {"slot": slot.title, "time": span_label(slot.start, slot.end)}


def _outcome_label(outcome: str | None) -> str:
    return {
        "proceedings": _("proceedings only"),
        "decline": _("not accepted"),
        "keynote": _("keynote"),
        "discussion": _("discussion contribution"),
    }.get(outcome or "", _("undecided"))


def _papers(agenda: Agenda, decided: list[DecidedPaper], papers: Mapping[int, PaperState]) -> Iterator[Problem]:
    """Each placed paper against its state, empty keynote slots, then decided papers without a place."""
    keynote_ids = {p.paper_id for p in decided if p.decision == Decision.KEYNOTE}
    placed: set[int] = set()  # placed as decided (a keynote in a keynote slot, a discussion paper among contributions)
    for at in _each_slot_and_placement(agenda):
        if isinstance(at, Problem):  # an empty keynote slot
            yield at
            continue
        keys, sessions = (at.slot.key,), (at.session.key,)
        state = papers.get(at.paper_id)
        if state is None:  # not a paper of this seminar's records: only the old keynote rule applies
            if at.as_keynote and at.paper_id not in keynote_ids:
                yield _keynote_not_decided(at.session, at.slot)
            elif at.as_keynote:
                placed.add(at.paper_id)
            continue
        if state.withdrawn:
            yield Problem(ProblemKind.PAPER_WITHDRAWN, _(
                "Paper %(paper)s was withdrawn by its city but is still in “%(slot)s” (%(time)s).",
                paper=state.label, **_where(at.slot)), keys, sessions, at.paper_id)
            continue
        if state.outcome not in (Decision.KEYNOTE.value, Decision.DISCUSSION.value):
            yield Problem(ProblemKind.PAPER_NOT_ON_AGENDA, _(
                "Paper %(paper)s is in “%(slot)s” (%(time)s) but its decision is: %(outcome)s.",
                paper=state.label, outcome=_outcome_label(state.outcome), **_where(at.slot)), keys, sessions, at.paper_id)
            continue
        if at.as_keynote and state.outcome != Decision.KEYNOTE.value:
            yield _keynote_not_decided(at.session, at.slot)
            continue
        if not at.as_keynote and state.outcome == Decision.KEYNOTE.value:
            yield Problem(ProblemKind.PAPER_IN_WRONG_PLACE, _(
                "Paper %(paper)s was decided as a keynote but is a contribution to “%(slot)s” (%(time)s).",
                paper=state.label, **_where(at.slot)), keys, sessions, at.paper_id)
            continue
        placed.add(at.paper_id)
        if at.session.topic_id is not None and state.topic_id != at.session.topic_id:
            yield Problem(ProblemKind.PAPER_IN_OTHER_TOPIC, _(
                "Paper %(paper)s is in “%(slot)s” (%(time)s) of the session “%(session)s”, which is not its topic's.",
                paper=state.label, session=at.session.title, **_where(at.slot)), keys, sessions, at.paper_id)
    anywhere = {at.paper_id for at in _placements(agenda)}
    for paper in sorted(decided, key=lambda p: (p.decision != Decision.KEYNOTE, p.topic_id, -p.score, p.paper_id)):
        state = papers.get(paper.paper_id)
        if paper.paper_id in placed or (state is not None and (state.left_out is not None or state.withdrawn)):
            continue
        if paper.paper_id in anywhere:
            continue  # placed, but not as decided: reported above
        label = state.label if state is not None else f"“{paper.title}”"
        if paper.decision == Decision.KEYNOTE:
            yield Problem(ProblemKind.KEYNOTE_WITHOUT_SLOT,
                          _("The keynote %(paper)s has no slot in the agenda.", paper=label), paper_id=paper.paper_id)
        else:
            yield Problem(ProblemKind.DISCUSSION_WITHOUT_PLACE,
                          _("The discussion paper %(paper)s has no place in the agenda.", paper=label),
                          paper_id=paper.paper_id)


def _each_slot_and_placement(agenda: Agenda) -> Iterator[_Placement | Problem]:
    """In agenda order: each slot's papers, or the finding of a keynote slot without one."""
    for session, slot in agenda.slots():
        if slot.kind == SlotKind.KEYNOTE and slot.paper_id is None:
            yield _keynote_not_decided(session, slot)
        yield from _slot_placements(session, slot)


def _keynote_not_decided(session: Session, slot: Slot) -> Problem:
    message = (
        _("The keynote slot “%(title)s” (%(time)s) holds a paper that was not decided as a keynote.",
          title=slot.title, time=span_label(slot.start, slot.end))
        if slot.paper_id is not None
        else _("The keynote slot “%(title)s” (%(time)s) holds no paper.", title=slot.title,
               time=span_label(slot.start, slot.end))
    )
    return Problem(ProblemKind.KEYNOTE_NOT_DECIDED, message, (slot.key,), (session.key,), slot.paper_id)


def _published(published: PublishedAgenda, papers: Mapping[int, PaperState]) -> Iterator[Problem]:
    for at in _placements(published.agenda):
        state = papers.get(at.paper_id)
        if state is not None and state.withdrawn:
            yield Problem(ProblemKind.PUBLISHED_WITHDRAWN, _(
                "The published version %(number)s still lists paper %(paper)s in “%(slot)s” (%(time)s), "
                "but its city withdrew it.", number=published.number, paper=state.label, **_where(at.slot)),
                paper_id=at.paper_id)


def _fix(problem: Problem) -> Fix:
    kind, A = problem.kind, FixAction
    if kind is ProblemKind.BAD_TIMES:
        return Fix(_("Give the slot at least one minute, or the session an end after its start."),
                   (A.EDIT_SLOT,) if problem.slot_keys else (A.EDIT_SESSION,))
    if kind is ProblemKind.UNKNOWN_ROOM:
        return Fix(_("Choose one of the seminar's rooms for the session."), (A.EDIT_SESSION,))
    if kind in (ProblemKind.ROOM_OVERLAP, ProblemKind.PERSON_CLASH):
        return Fix(_("Move one of the two slots to another time, room or speaker."), (A.EDIT_SLOT,))
    if kind is ProblemKind.SESSION_OVERRUN:
        return Fix(_("Let the session end later, or shorten or move its last slots."), (A.EDIT_SESSION,))
    if kind is ProblemKind.SLOT_OUTSIDE_SESSION:
        return Fix(_("Change the slot's start, or move it to the session of its time."), (A.EDIT_SLOT,))
    if kind is ProblemKind.PAPER_WITHDRAWN:
        return Fix(_("Take the paper out of the agenda."), (A.REMOVE_PAPER,))
    if kind is ProblemKind.PAPER_NOT_ON_AGENDA:
        return Fix(_("Take the paper out of the agenda, or change its decision."), (A.REMOVE_PAPER, A.DECIDE))
    if kind is ProblemKind.KEYNOTE_NOT_DECIDED and problem.paper_id is None:
        return Fix(_("Delete the empty slot, or draft again from the decisions."), (A.EDIT_SLOT,))
    if kind in (ProblemKind.KEYNOTE_NOT_DECIDED, ProblemKind.PAPER_IN_WRONG_PLACE):
        return Fix(_("Place the paper as it was decided, or change its decision."), (A.PLACE_PAPER, A.DECIDE))
    if kind is ProblemKind.PAPER_IN_OTHER_TOPIC:
        return Fix(_("Place the paper in its topic's session."), (A.PLACE_PAPER,))
    if kind in (ProblemKind.KEYNOTE_WITHOUT_SLOT, ProblemKind.DISCUSSION_WITHOUT_PLACE):
        return Fix(_("Place it in its topic's session, or leave it out of the agenda with a reason."),
                   (A.PLACE_PAPER, A.LEAVE_OUT))
    if kind is ProblemKind.TOPIC_WITHOUT_COMMENTARY:
        return Fix(_("Add a commentary slot to the topic's session."), (A.EDIT_SESSION,))
    assert kind is ProblemKind.PUBLISHED_WITHDRAWN, f"no fix written for {kind}: add one to _fix"
    return Fix(_("Take the paper out of the draft, then publish a new version."), (A.PUBLISH,))


def _topics_without_commentary(agenda: Agenda) -> Iterator[Problem]:
    sessions_by_topic: dict[int, list[Session]] = defaultdict(list)
    for session in sorted(agenda.sessions, key=lambda s: (s.start, s.key)):
        if session.topic_id is not None:
            sessions_by_topic[session.topic_id].append(session)
    for sessions in sessions_by_topic.values():
        if not any(slot.kind in CLOSING_REMARK_KINDS for session in sessions for slot in session.slots):
            yield Problem(
                ProblemKind.TOPIC_WITHOUT_COMMENTARY,
                _("The topic “%(title)s” has no commentary slot.", title=sessions[0].title),
                session_keys=tuple(session.key for session in sessions),
            )
