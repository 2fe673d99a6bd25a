"""The agenda as plain data: rooms, sessions and their slots, and the decided papers they come from.

Frozen dataclasses, no ORM: the draft builder, the checks, the release diff and the exports all
take and return these, and the database layer fills them from its rows (or from a release's
snapshot, see `snapshot.py`). Every time is an aware datetime in the seminar's zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

DEFAULT_TIME_ZONE = "Asia/Shanghai"


class SlotKind(StrEnum):
    OPENING = "opening"  # 开班式
    LECTURE = "lecture"  # 专题辅导
    KEYNOTE = "keynote"  # 重点发言
    DISCUSSION = "discussion"  # 研讨交流
    COMMENTARY = "commentary"  # 点评
    GUIDANCE = "guidance"  # 辅导
    BREAK = "break"
    CLOSING = "closing"  # 总结讲话


# Either kind closes a topic as the domain expects ("点评 / 辅导").
CLOSING_REMARK_KINDS = frozenset({SlotKind.COMMENTARY, SlotKind.GUIDANCE})


class Decision(StrEnum):
    """How a paper was decided for the agenda; the values match the review recommendations."""

    KEYNOTE = "keynote"
    DISCUSSION = "discussion"


@dataclass(frozen=True)
class Person:
    """Whoever speaks or chairs: an account (`id`) or a guest known by name only,
    e.g. a city's 政法委 secretary who speaks for a paper written by someone else."""

    id: int | None
    name: str
    unit: str = ""  # 单位, as typed for a session's 主持人 or 点评人; empty: the account's or the paper's
    position: str = ""  # 职务

    @property
    def identity(self) -> tuple[str, int | str]:
        return ("id", self.id) if self.id is not None else ("name", self.name.strip())


@dataclass(frozen=True)
class Room:
    id: int
    name: str
    capacity: int | None = None


@dataclass(frozen=True)
class TopicRef:
    id: int
    title: str


@dataclass(frozen=True)
class DecidedPaper:
    paper_id: int
    topic_id: int
    decision: Decision
    score: float
    title: str
    speaker: Person | None = None


@dataclass(frozen=True)
class PaperState:
    """What the checks know of a paper the agenda holds or should hold, whatever its state."""

    paper_id: int
    number: int
    title: str
    topic_id: int | None
    withdrawn: bool = False
    outcome: str | None = None  # the decision: keynote, discussion, proceedings, decline; None: undecided
    left_out: str | None = None  # why the organizers leave it out of the agenda, if they do

    @property
    def label(self) -> str:
        """How findings name the paper: its number and title."""
        return f"#{self.number}“{self.title}”"


@dataclass(frozen=True)
class Contribution:
    """One short speech inside a discussion slot (研讨交流)."""

    paper_id: int
    title: str
    speaker: Person | None = None


@dataclass(frozen=True)
class Slot:
    """`key` is stable across drafts and releases: the release diff matches slots by it."""

    key: str
    kind: SlotKind
    start: dt.datetime
    duration: int  # minutes
    title: str
    paper_id: int | None = None
    speaker: Person | None = None
    contributions: tuple[Contribution, ...] = ()

    def __post_init__(self) -> None:
        assert self.start.tzinfo is not None, f"slot {self.key}: start must be aware, in the seminar's zone"

    @property
    def end(self) -> dt.datetime:
        return self.start + dt.timedelta(minutes=self.duration)

    def people(self) -> tuple[Person, ...]:
        """Everyone who speaks in this slot, in speaking order, each once."""
        found: dict[tuple[str, int | str], Person] = {}
        for person in (self.speaker, *(c.speaker for c in self.contributions)):
            if person is not None:
                found.setdefault(person.identity, person)
        return tuple(found.values())


@dataclass(frozen=True)
class Session:
    """A block in one room: a topic's session (`topic_id` set) or a plenary / break (None)."""

    key: str
    topic_id: int | None
    title: str
    room: Room
    start: dt.datetime
    end: dt.datetime
    chair: Person | None = None  # 主持人
    slots: tuple[Slot, ...] = ()
    commentators: tuple[Person, ...] = ()  # 点评人, in the order they speak

    @property
    def commentary_slot(self) -> Slot | None:
        """The slot the 点评人 speak in: the session's first 点评 (or 辅导) slot, if it has one."""
        return next((slot for slot in self.slots if slot.kind in CLOSING_REMARK_KINDS), None)

    def speakers(self, slot: Slot) -> tuple[Person, ...]:
        """Everyone who speaks in one of this session's slots: its own speakers, and the session's
        点评人 in its commentary slot; each once."""
        if slot.key != getattr(self.commentary_slot, "key", None):
            return slot.people()
        found = {person.identity: person for person in slot.people()}
        for person in self.commentators:
            found.setdefault(person.identity, person)
        return tuple(found.values())

    def __post_init__(self) -> None:
        assert self.start.tzinfo is not None and self.end.tzinfo is not None, (
            f"session {self.key}: times must be aware, in the seminar's zone"
        )

    @property
    def day(self) -> dt.date:
        return self.start.date()


@dataclass(frozen=True)
class Placement:
    """Where an agenda puts a paper: as the paper of a slot of its own, or as a contribution inside a slot."""

    session: Session
    slot: Slot
    paper_id: int
    title: str
    own_slot: bool

    @property
    def as_keynote(self) -> bool:
        return self.own_slot and self.slot.kind == SlotKind.KEYNOTE


def slot_placements(session: Session, slot: Slot) -> Iterator[Placement]:
    """The slot's own paper, then its contributions."""
    if slot.paper_id is not None:
        yield Placement(session, slot, slot.paper_id, slot.title, True)
    for contribution in slot.contributions:
        yield Placement(session, slot, contribution.paper_id, contribution.title, False)


@dataclass(frozen=True)
class SignIn:
    """When a day's 签到 opens; `time` None: that day has no 签到."""

    day: dt.date
    time: dt.time | None


@dataclass(frozen=True)
class Agenda:
    rooms: tuple[Room, ...]
    sessions: tuple[Session, ...]
    time_zone: str = DEFAULT_TIME_ZONE
    # The 签到 times set for days (from the settings, frozen into each release); a day not listed
    # opens its 签到 `program.SIGN_IN_MINUTES` before its first session.
    sign_in: tuple[SignIn, ...] = ()

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def days(self) -> tuple[dt.date, ...]:
        return tuple(sorted({s.start.astimezone(self.zone).date() for s in self.sessions}))

    def slots(self) -> Iterator[tuple[Session, Slot]]:
        """Every slot with its session, by start time, then by room order, then by key."""
        order = {room.id: index for index, room in enumerate(self.rooms)}
        pairs = [(session, slot) for session in self.sessions for slot in session.slots]
        pairs.sort(key=lambda pair: (pair[1].start, order.get(pair[0].room.id, len(order)), pair[1].key))
        return iter(pairs)

    def placements(self) -> Iterator[Placement]:
        """Every paper the agenda places, in the order of `slots`."""
        for session, slot in self.slots():
            yield from slot_placements(session, slot)

    def find_slot(self, key: str) -> tuple[Session, Slot] | None:
        for session in self.sessions:
            for slot in session.slots:
                if slot.key == key:
                    return session, slot
        return None
