"""Hand-made agendas and decisions for the agenda tests: short to write, easy to read."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from seminar.agenda.model import (
    Agenda,
    Contribution,
    DecidedPaper,
    Decision,
    Person,
    Room,
    Session,
    Slot,
    SlotKind,
)

ZONE = ZoneInfo("Asia/Shanghai")
DAY = dt.date(2026, 12, 10)
HALL = Room(1, "第一会议室", 200)
SIDE = Room(2, "第二会议室", 60)


def at(hhmm: str, day: dt.date = DAY) -> dt.datetime:
    hours, minutes = hhmm.split(":")
    return dt.datetime.combine(day, dt.time(int(hours), int(minutes)), tzinfo=ZONE)


def person(number: int, name: str | None = None) -> Person:
    return Person(number, name or f"发言人{number}")


def slot(
    key: str,
    start: str,
    minutes: int,
    kind: SlotKind = SlotKind.KEYNOTE,
    title: str | None = None,
    paper_id: int | None = None,
    speaker: Person | None = None,
    contributions: tuple[Contribution, ...] = (),
    day: dt.date = DAY,
) -> Slot:
    return Slot(key, kind, at(start, day), minutes, title or key, paper_id, speaker, contributions)


def session(
    key: str,
    room: Room,
    start: str,
    end: str,
    *slots: Slot,
    topic_id: int | None = None,
    chair: Person | None = None,
    title: str | None = None,
    day: dt.date = DAY,
    commentators: tuple[Person, ...] | None = None,
) -> Session:
    """A topic's session names a 点评人 of its own unless `commentators` says otherwise (() for none),
    so only the tests about 点评人 meet the finding that one is missing."""
    if commentators is None:
        commentators = (Person(None, f"{key}的点评人"),) if topic_id is not None else ()
    return Session(key, topic_id, title or key, room, at(start, day), at(end, day), chair, slots, commentators)


def agenda(*sessions: Session, rooms: tuple[Room, ...] = (HALL, SIDE)) -> Agenda:
    return Agenda(rooms, sessions)


def keynote(paper_id: int, topic_id: int, score: float = 80.0) -> DecidedPaper:
    return DecidedPaper(paper_id, topic_id, Decision.KEYNOTE, score, f"论文{paper_id}", person(paper_id))


def discussion(paper_id: int, topic_id: int, score: float = 60.0) -> DecidedPaper:
    return DecidedPaper(paper_id, topic_id, Decision.DISCUSSION, score, f"论文{paper_id}", person(paper_id))


def topic_papers(topic_id: int, keynotes: int = 2, discussions: int = 3) -> list[DecidedPaper]:
    """Papers numbered topic×100 + n, keynotes first, scores falling with n."""
    base = topic_id * 100
    return [keynote(base + n, topic_id, 90 - n) for n in range(1, keynotes + 1)] + [
        discussion(base + 50 + n, topic_id, 70 - n) for n in range(1, discussions + 1)
    ]
