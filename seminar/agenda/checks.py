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
from typing import TypeVar

from seminar.agenda.findings import Fix, FixAction, Problem, ProblemKind, PublishedAgenda
from seminar.agenda.labels import span_label
from seminar.agenda.model import (
    CLOSING_REMARK_KINDS,
    Agenda,
    DecidedPaper,
    PaperState,
    Person,
    Session,
    Slot,
)
from seminar.agenda.paper_checks import keynote_problems, paper_problems, published_problems
from seminar.i18n import _

# The findings' types live in `findings`; importers of the checks find them here too.
__all__ = ["Fix", "FixAction", "Problem", "ProblemKind", "PublishedAgenda", "find_problems", "overlapping_pairs"]


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
        *(paper_problems(agenda, decided, papers) if papers is not None else keynote_problems(agenda, decided)),
        *_topics_without_commentary(agenda),
        *_topic_sessions_without_commentators(agenda),
        *(published_problems(published, papers) if papers is not None and published is not None else ()),
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
        # The 主持人 is there the whole session; so are 点评人 when it has no commentary slot to place them in.
        whole = (session.chair, *(session.commentators if session.commentary_slot is None else ()))
        for person in dict.fromkeys(p for p in whole if p is not None):
            yield _Appearance(
                person, session.title, session.room.name, session.start, session.end, session.key, None
            )
        for slot in session.slots:
            for person in session.speakers(slot):
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




def _sessions_by_topic(agenda: Agenda) -> list[list[Session]]:
    """Each topic's sessions by start, topics in the order their first session starts."""
    found: dict[int, list[Session]] = defaultdict(list)
    for session in sorted(agenda.sessions, key=lambda s: (s.start, s.key)):
        if session.topic_id is not None:
            found[session.topic_id].append(session)
    return list(found.values())


def _topics_without_commentary(agenda: Agenda) -> Iterator[Problem]:
    for sessions in _sessions_by_topic(agenda):
        if not any(slot.kind in CLOSING_REMARK_KINDS for session in sessions for slot in session.slots):
            yield Problem(
                ProblemKind.TOPIC_WITHOUT_COMMENTARY,
                _("The topic “%(title)s” has no commentary slot.", title=sessions[0].title),
                session_keys=tuple(session.key for session in sessions),
            )


def _topic_sessions_without_commentators(agenda: Agenda) -> Iterator[Problem]:
    """A topic's session where its 点评 is held (or, with no 点评 slot yet, its first session) names no 点评人."""
    for sessions in _sessions_by_topic(agenda):
        commenting = [session for session in sessions if session.commentary_slot is not None] or sessions[:1]
        for session in commenting:
            if not session.commentators:
                yield Problem(
                    ProblemKind.TOPIC_WITHOUT_COMMENTATOR,
                    _(
                        "The session “%(title)s” (%(room)s, %(time)s) names no commentator.",
                        title=session.title,
                        room=session.room.name,
                        time=span_label(session.start, session.end),
                    ),
                    session_keys=(session.key,),
                )
