"""The automatic first draft of an agenda, laid out from the decisions.

Order of the day (domain.md §4): the opening plenary (开班式) and an optional expert lecture
(专题辅导) in the first room, then one session per topic in topic order — keynotes by score,
the discussion slot with its contributions, the topic's commentary (点评) — and at the end the
closing plenary (综合点评, 总结讲话) in the first room. A block never crosses lunch or the end
of a day; it moves to the afternoon or the next day. With parallel rooms allowed, each topic
goes to the room where it can start first, so topics keep their order within every room.

Deterministic: the same input gives the same agenda, slot keys included, so a redraft keeps
the keys the release diff matches on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from seminar.agenda import labels
from seminar.agenda.model import (
    DEFAULT_TIME_ZONE,
    Agenda,
    Contribution,
    DecidedPaper,
    Decision,
    Person,
    Room,
    Session,
    Slot,
    SlotKind,
    TopicRef,
)
from seminar.errors import UserError
from seminar.i18n import _

# Far enough to hold any seminar's overflow when measuring how much is missing.
_OPEN_END = dt.timedelta(days=365)


@dataclass(frozen=True)
class DraftSettings:
    days: tuple[dt.date, ...]
    rooms: tuple[Room, ...]  # the first is the plenary hall
    time_zone: str = DEFAULT_TIME_ZONE
    keynote_minutes: int = 10
    discussion_minutes: int = 20
    per_speaker_minutes: int = 4
    commentary_minutes: int = 10
    break_minutes: int = 15
    day_start: dt.time = dt.time(9, 0)
    lunch_start: dt.time | None = dt.time(12, 0)
    lunch_end: dt.time | None = dt.time(14, 0)
    day_end: dt.time = dt.time(17, 30)
    opening_minutes: int = 20  # 0: no opening ceremony
    lecture_minutes: int | None = 60  # None or 0: no expert lecture
    lecture_title: str = ""  # empty: "Expert lecture" in the user's language
    lecturer: Person | None = None
    closing_commentary_minutes: int = 30  # 综合点评, 0: none
    closing_minutes: int = 30  # 总结讲话, 0: none
    parallel_rooms: bool = False


class DraftSettingsError(UserError):
    """The settings cannot describe a day; the message says which one is wrong."""


class AgendaOverflow(UserError):
    """The blocks do not fit into the days; says the first block that does not and the total shortfall."""

    def __init__(self, item: str, needed: int, available: int, day: dt.date, shortfall: int) -> None:
        message = _(
            "%(item)s needs %(needed)s minutes but only %(available)s minutes remain in one stretch "
            "on %(day)s. In all the agenda is %(shortfall)s minutes too long for the days and times set.",
            item=item,
            needed=needed,
            available=available,
            day=labels.day_label(day),
            shortfall=shortfall,
        )
        super().__init__(message)
        self.item = item
        self.needed = needed
        self.available = available
        self.day = day
        self.shortfall = shortfall


def settings_problems(settings: DraftSettings) -> list[str]:
    """Everything that keeps these settings from describing a seminar day, in the user's language."""
    problems: list[str] = []
    if not settings.days:
        problems.append(_("Choose at least one day for the agenda."))
    if not settings.rooms:
        problems.append(_("Add at least one room before drafting the agenda."))
    if settings.day_start >= settings.day_end:
        problems.append(_("The day must end after it starts."))
    if (settings.lunch_start is None) != (settings.lunch_end is None):
        problems.append(_("Give both the start and the end of the lunch break, or neither."))
    elif settings.lunch_start is not None and settings.lunch_end is not None:
        if not settings.day_start < settings.lunch_start < settings.lunch_end < settings.day_end:
            problems.append(_("The lunch break must lie within the day and end after it starts."))
    if min(settings.keynote_minutes, settings.discussion_minutes) <= 0:
        problems.append(_("Keynote and discussion slots need at least one minute each."))
    minutes = (
        settings.per_speaker_minutes,
        settings.commentary_minutes,
        settings.break_minutes,
        settings.opening_minutes,
        settings.lecture_minutes or 0,
        settings.closing_commentary_minutes,
        settings.closing_minutes,
    )
    if min(minutes) < 0:
        problems.append(_("Durations cannot be negative."))
    return problems


@dataclass(frozen=True)
class _Part:
    key: str
    kind: SlotKind
    minutes: int
    title: str
    paper_id: int | None = None
    speaker: Person | None = None
    contributions: tuple[Contribution, ...] = ()


@dataclass(frozen=True)
class _Block:
    key: str
    label: str  # how an overflow message names it
    title: str
    topic_id: int | None
    parts: tuple[_Part, ...]

    @property
    def minutes(self) -> int:
        return sum(part.minutes for part in self.parts)

    def session(self, room: Room, start: dt.datetime) -> Session:
        slots: list[Slot] = []
        cursor = start
        for part in self.parts:
            slots.append(
                Slot(
                    key=part.key,
                    kind=part.kind,
                    start=cursor,
                    duration=part.minutes,
                    title=part.title,
                    paper_id=part.paper_id,
                    speaker=part.speaker,
                    contributions=part.contributions,
                )
            )
            cursor += dt.timedelta(minutes=part.minutes)
        return Session(self.key, self.topic_id, self.title, room, start, cursor, None, tuple(slots))


@dataclass(frozen=True)
class _Period:
    """A stretch of a day no block may cross: a morning or an afternoon."""

    start: dt.datetime
    end: dt.datetime


@dataclass(frozen=True)
class _Placement:
    start: dt.datetime
    break_start: dt.datetime | None


@dataclass(frozen=True)
class _Failure:
    block: _Block
    room: Room
    cursor: dt.datetime


def draft_agenda(
    topics: Sequence[TopicRef], papers: Iterable[DecidedPaper], settings: DraftSettings
) -> Agenda:
    """Lay out the agenda; raises DraftSettingsError or AgendaOverflow (both UserErrors).

    Topics without any decided paper get no session. Papers of topics not listed are left out
    (the checks report a keynote without a slot).
    """
    if problems := settings_problems(settings):
        raise DraftSettingsError(problems[0])
    plenaries, topic_blocks, closing = _blocks(topics, list(papers), settings)
    periods = _periods(settings)
    result = _layout(plenaries, topic_blocks, closing, settings, periods)
    if isinstance(result, _Failure):
        raise _overflow(result, plenaries, topic_blocks, closing, settings, periods)
    return Agenda(rooms=settings.rooms, sessions=tuple(result), time_zone=settings.time_zone)


def _blocks(
    topics: Sequence[TopicRef], papers: list[DecidedPaper], settings: DraftSettings
) -> tuple[list[_Block], list[_Block], _Block | None]:
    plenaries: list[_Block] = []
    if settings.opening_minutes > 0:
        title = labels.opening_title()
        part = _Part("opening", SlotKind.OPENING, settings.opening_minutes, title)
        plenaries.append(_Block("opening", title, title, None, (part,)))
    if settings.lecture_minutes:
        title = settings.lecture_title or labels.lecture_title()
        part = _Part("lecture", SlotKind.LECTURE, settings.lecture_minutes, title, speaker=settings.lecturer)
        plenaries.append(_Block("lecture", title, title, None, (part,)))

    topic_blocks: list[_Block] = []
    for number, topic in enumerate(topics, start=1):
        own = sorted((p for p in papers if p.topic_id == topic.id), key=lambda p: (-p.score, p.paper_id))
        if not own:
            continue
        keynotes = [p for p in own if p.decision == Decision.KEYNOTE]
        discussion = [p for p in own if p.decision == Decision.DISCUSSION]
        parts = [
            _Part(
                f"keynote-{p.paper_id}",
                SlotKind.KEYNOTE,
                settings.keynote_minutes,
                p.title,
                p.paper_id,
                p.speaker,
            )
            for p in keynotes
        ]
        contributions = tuple(Contribution(p.paper_id, p.title, p.speaker) for p in discussion)
        minutes = max(settings.discussion_minutes, settings.per_speaker_minutes * len(contributions))
        parts.append(
            _Part(
                f"topic-{topic.id}-discussion",
                SlotKind.DISCUSSION,
                minutes,
                labels.discussion_title(),
                contributions=contributions,
            )
        )
        if settings.commentary_minutes > 0:
            parts.append(
                _Part(
                    f"topic-{topic.id}-commentary",
                    SlotKind.COMMENTARY,
                    settings.commentary_minutes,
                    labels.commentary_title(),
                )
            )
        label = _("Topic %(number)s “%(title)s”", number=number, title=topic.title)
        topic_blocks.append(_Block(f"topic-{topic.id}", label, topic.title, topic.id, tuple(parts)))

    closing_parts: list[_Part] = []
    if settings.closing_commentary_minutes > 0:
        closing_parts.append(
            _Part(
                "closing-commentary",
                SlotKind.COMMENTARY,
                settings.closing_commentary_minutes,
                labels.closing_commentary_title(),
            )
        )
    if settings.closing_minutes > 0:
        closing_parts.append(
            _Part("closing-speech", SlotKind.CLOSING, settings.closing_minutes, labels.closing_speech_title())
        )
    closing = None
    if closing_parts:
        title = labels.closing_session_title()
        closing = _Block("closing", _("The closing session"), title, None, tuple(closing_parts))
    return plenaries, topic_blocks, closing


def _periods(settings: DraftSettings) -> list[_Period]:
    zone = ZoneInfo(settings.time_zone)
    periods: list[_Period] = []
    for day in sorted(settings.days):

        def at(time: dt.time, day: dt.date = day) -> dt.datetime:
            return dt.datetime.combine(day, time, tzinfo=zone)

        if settings.lunch_start is not None and settings.lunch_end is not None:
            periods.append(_Period(at(settings.day_start), at(settings.lunch_start)))
            periods.append(_Period(at(settings.lunch_end), at(settings.day_end)))
        else:
            periods.append(_Period(at(settings.day_start), at(settings.day_end)))
    return periods


def _place(
    cursor: dt.datetime, minutes: int, periods: Sequence[_Period], break_minutes: int
) -> _Placement | None:
    """The earliest start at or after `cursor` inside one period, after a break unless the period starts there."""
    length = dt.timedelta(minutes=minutes)
    pause = dt.timedelta(minutes=break_minutes)
    for period in periods:
        if period.end <= cursor:
            continue
        start = max(cursor, period.start)
        break_start = None
        if start > period.start and break_minutes > 0:
            break_start, start = start, start + pause
        if start + length <= period.end:
            return _Placement(start, break_start)
    return None


def _break_session(before: _Block, room: Room, start: dt.datetime, minutes: int) -> Session:
    key = f"break-before-{before.key}"
    title = labels.break_title()
    slot = Slot(key, SlotKind.BREAK, start, minutes, title)
    return Session(key, None, title, room, start, slot.end, None, (slot,))


def _layout(
    plenaries: list[_Block],
    topic_blocks: list[_Block],
    closing: _Block | None,
    settings: DraftSettings,
    periods: list[_Period],
) -> list[Session] | _Failure:
    hall = settings.rooms[0]
    rooms = settings.rooms if settings.parallel_rooms else settings.rooms[:1]
    cursors = {room.id: periods[0].start for room in settings.rooms}
    sessions: list[Session] = []

    def put(block: _Block, room: Room, placement: _Placement) -> None:
        if placement.break_start is not None:
            sessions.append(_break_session(block, room, placement.break_start, settings.break_minutes))
        session = block.session(room, placement.start)
        sessions.append(session)
        cursors[room.id] = session.end

    # The opening and the lecture follow each other without a break, as in domain.md §4.
    for index, block in enumerate(plenaries):
        placement = _place(
            cursors[hall.id], block.minutes, periods, settings.break_minutes if index == 0 else 0
        )
        if placement is None:
            return _Failure(block, hall, cursors[hall.id])
        put(block, hall, placement)
    for room in settings.rooms:
        cursors[room.id] = cursors[hall.id]

    for block in topic_blocks:
        options = []
        for index, room in enumerate(rooms):
            placement = _place(cursors[room.id], block.minutes, periods, settings.break_minutes)
            if placement is not None:
                options.append((placement.start, index, room, placement))
        if not options:
            earliest = min(rooms, key=lambda room: (cursors[room.id], rooms.index(room)))
            return _Failure(block, earliest, cursors[earliest.id])
        _start, _index, room, placement = min(options, key=lambda option: (option[0], option[1]))
        put(block, room, placement)

    if closing is not None:
        last = max(cursors.values())
        placement = _place(last, closing.minutes, periods, settings.break_minutes)
        if placement is None:
            return _Failure(closing, hall, last)
        put(closing, hall, placement)
    order = {room.id: index for index, room in enumerate(settings.rooms)}
    return sorted(sessions, key=lambda s: (s.start, order[s.room.id], s.key))


def _overflow(
    failure: _Failure,
    plenaries: list[_Block],
    topic_blocks: list[_Block],
    closing: _Block | None,
    settings: DraftSettings,
    periods: list[_Period],
) -> AgendaOverflow:
    last_day = periods[-1].start.date()
    available = 0
    for period in periods:
        if period.start.date() != last_day or period.end <= failure.cursor:
            continue
        start = max(failure.cursor, period.start)
        if start > period.start:
            start += dt.timedelta(minutes=settings.break_minutes)
        available = max(available, int((period.end - start).total_seconds() // 60))
    # How much longer the last day would have to be: lay out again with an open-ended last afternoon.
    open_ended = [*periods[:-1], _Period(periods[-1].start, periods[-1].end + _OPEN_END)]
    stretched = _layout(plenaries, topic_blocks, closing, settings, open_ended)
    assert not isinstance(stretched, _Failure), f"{stretched.block.key} is longer than any part of a day"
    end = max(session.end for session in stretched)
    shortfall = int((end - periods[-1].end).total_seconds() // 60)
    return AgendaOverflow(failure.block.label, failure.block.minutes, available, last_day, shortfall)
