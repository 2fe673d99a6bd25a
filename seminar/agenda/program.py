"""The agenda as it is printed: days → blocks of time → rooms → sessions → rows.

One layout for every printed form of a published agenda — the PDF, the book's 日程安排 appendix
and the public page all render these rows (templates/agenda/_program.html), so they read alike:

- each day headed with its year and weekday, 2027年1月21日（星期四）, opened by a 签到 row at the
  time set for the day (`Agenda.sign_in`; by default the half hour before its first session);
- sessions that overlap in time in several rooms form one parallel block, grouped by room; a
  session held the same way in every room at once (a shared break) is printed once;
- each session once, with its 专题N: a session that is a single item of the same name (开班式,
  专题辅导, 休息) is one row, not a heading and again a row ("专题辅导：题目" with its 辅导人);
- each row's label only where it says something the title does not ("重点发言：题目", never
  "点评：点评" or "开班：开班式");
- people with their 单位 (and 职务 where typed): each session's 主持人, its 点评人 (as many as
  it has) beside the 点评 row, speakers and the 研讨交流 contributors.

Pure: plain data in (the agenda, the topics' numbers, the units known for people), plain data out.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from seminar.agenda.labels import kind_label
from seminar.agenda.model import Agenda, Person, Session, Slot, SlotKind
from seminar.i18n import LOCALE_NAMES, _, format_date, get_locale, use_locale
from seminar.proceedings.numerals import chinese_number
from seminar.titlelines import title_lines

SIGN_IN_MINUTES = 30  # the 签到 row opens this long before a day's first session
DASH = "—"  # 09:00—09:20, as official programmes print a span


@dataclass(frozen=True)
class Affiliations:
    """The 单位 printed after people's names: an account's unit, or a paper's author's unit."""

    accounts: Mapping[int, str] = field(default_factory=dict)  # account id → unit name
    authors: Mapping[int, Mapping[str, str]] = field(default_factory=dict)  # paper id → author name → unit

    def unit_of(self, person: Person, paper_id: int | None = None) -> str:
        if person.unit:
            return person.unit  # typed for this session (主持人, 点评人)
        if person.id is not None and self.accounts.get(person.id):
            return self.accounts[person.id]
        if paper_id is not None:
            return self.authors.get(paper_id, {}).get(person.name.strip(), "")
        return ""


@dataclass(frozen=True)
class ProgramPerson:
    name: str
    unit: str = ""
    role: str = ""  # "主持人" before the name, where the row needs to say so
    position: str = ""  # 职务, where it is known


@dataclass(frozen=True)
class ProgramContribution:
    """One speech in a 研讨交流: its title and who gives it."""

    title: str
    person: ProgramPerson | None
    paper_id: int | None = None


@dataclass(frozen=True)
class ProgramRow:
    key: str
    kind: str  # the slot's kind ("keynote" …), "session" or "sign-in": for styling
    time: str  # "10:35—10:45"
    label: str  # "重点发言", or "" where the title says it already
    title: str
    people: tuple[ProgramPerson, ...] = ()
    contributions: tuple[ProgramContribution, ...] = ()
    paper_id: int | None = None


@dataclass(frozen=True)
class ProgramSession:
    key: str
    time: str
    heading: str  # "专题一　完成政治任务", or the session's title
    room: str  # where it is held, when the block does not say it already; "" for breaks
    people: tuple[ProgramPerson, ...]  # 主持人 …
    rows: tuple[ProgramRow, ...]  # empty: the session is one item, printed as its heading's row
    kind: str = "session"  # a one-item session takes its item's kind ("opening", "break" …)
    topic_id: int | None = None
    topic_number: int | None = None  # 1 for 专题一
    label: str = ""  # a one-item session's kind, where its title does not say it: "专题辅导"
    chair: ProgramPerson | None = None  # the 主持人, also first among `people`

    @property
    def single(self) -> bool:
        return not self.rows


@dataclass(frozen=True)
class ProgramRoom:
    name: str
    time: str
    sessions: tuple[ProgramSession, ...]


@dataclass(frozen=True)
class ProgramBlock:
    """A stretch of the day: one room's (or every room's) sessions, or several rooms in parallel."""

    time: str
    rooms: tuple[ProgramRoom, ...]

    @property
    def parallel(self) -> bool:
        return len(self.rooms) > 1


@dataclass(frozen=True)
class ProgramDay:
    date: dt.date
    label: str  # 2027年1月21日（星期四）
    sign_in: ProgramRow | None
    blocks: tuple[ProgramBlock, ...]

    def rows(self) -> Iterable[ProgramRow | ProgramSession]:
        """Every printed line of the day in order (for tests and plain-text uses)."""
        if self.sign_in is not None:
            yield self.sign_in
        for block in self.blocks:
            for room in block.rooms:
                for session in room.sessions:
                    yield session
                    yield from session.rows


@dataclass(frozen=True)
class TopicEntry:
    """A line of the page's index of topics: where and when each topic's session is."""

    day: ProgramDay
    room: str
    session: ProgramSession


def topic_index(days: Sequence[ProgramDay]) -> list[TopicEntry]:
    """Each topic's first session, 专题一 first."""
    seen: dict[int, TopicEntry] = {}
    for day in days:
        for block in day.blocks:
            for room in block.rooms:
                for session in room.sessions:
                    if session.topic_id is not None:
                        seen.setdefault(session.topic_id, TopicEntry(day, room.name, session))
    return sorted(seen.values(), key=lambda entry: (entry.session.topic_number or 1000, entry.day.date, entry.session.time))


def day_label(day: dt.date) -> str:
    """2027年1月21日（星期四） in Chinese, "Thursday, January 21, 2027" in English."""
    if get_locale().startswith("zh"):
        return f"{format_date(day, 'long')}（{format_date(day, 'EEEE')}）"
    return format_date(day, "full")


def span(start: dt.datetime, end: dt.datetime) -> str:
    return f"{start:%H:%M}{DASH}{end:%H:%M}"


def topic_label(number: int) -> str:
    """专题一 in Chinese, Topic 1 in English."""
    shown = chinese_number(number) if get_locale().startswith("zh") else str(number)
    return _("Topic %(number)s", number=shown)


def _squeeze(text: str) -> str:
    return re.sub(r"[\s：:·、，,（）()“”\"']", "", text)


def row_label(kind: SlotKind, title: str) -> str:
    """The kind's label, unless the title already says it (点评/点评, 开班/开班式, 点评/综合点评) in any
    of the site's languages: a title typed in Chinese is not labelled again when read in English."""
    said = _squeeze(title).casefold()
    for locale in LOCALE_NAMES:
        with use_locale(locale):
            own = _squeeze(kind_label(kind)).casefold()
        if not own or own in said or (said and said in own):
            return ""
    return kind_label(kind)


# Kinds a session may be nothing but (开班式, 专题辅导, 休息, 总结讲话): printed as one row.
_PLENARY_KINDS = frozenset({SlotKind.BREAK, SlotKind.OPENING, SlotKind.CLOSING, SlotKind.LECTURE})


def _same_item(session: Session, slot: Slot) -> bool:
    """Whether a session of one slot is that slot: the same title, or a title that only names the
    slot's kind (a session "专题辅导" holding the lecture "法治建设的几个问题")."""
    return _squeeze(session.title) == _squeeze(slot.title) or (
        row_label(slot.kind, session.title) == "" and slot.kind in _PLENARY_KINDS and not slot.contributions
    )


def _person(person: Person | None, affiliations: Affiliations, paper_id: int | None = None,
            role: str = "") -> ProgramPerson | None:
    if person is None or not person.name.strip():
        return None
    return ProgramPerson(person.name.strip(), affiliations.unit_of(person, paper_id), role, person.position)


def _row(slot: Slot, zone: dt.tzinfo, affiliations: Affiliations,
         commentators: tuple[ProgramPerson, ...] = ()) -> ProgramRow:
    """`commentators`: the session's 点评人, printed beside its commentary row."""
    role = {SlotKind.LECTURE: _("Lecturer"), SlotKind.OPENING: _("Speech"), SlotKind.CLOSING: _("Speech")}.get(
        slot.kind, "")
    speaker = _person(slot.speaker, affiliations, slot.paper_id, role)
    return ProgramRow(
        key=slot.key,
        kind=slot.kind.value,
        time=span(slot.start.astimezone(zone), slot.end.astimezone(zone)),
        label=row_label(slot.kind, slot.title),
        title=slot.title,
        people=(*((speaker,) if speaker else ()), *commentators),
        contributions=tuple(
            ProgramContribution(c.title, _person(c.speaker, affiliations, c.paper_id), c.paper_id)
            for c in slot.contributions
        ),
        paper_id=slot.paper_id,
    )


def _session(session: Session, zone: dt.tzinfo, room: str, topic_numbers: Mapping[int, int],
             affiliations: Affiliations) -> ProgramSession:
    heading, label = session.title, ""
    if session.topic_id is not None and session.topic_id in topic_numbers:
        heading = f"{topic_label(topic_numbers[session.topic_id])}　{session.title}"
    chair = _person(session.chair, affiliations, role=_("Chair"))
    people: tuple[ProgramPerson, ...] = (chair,) if chair else ()
    commentators = tuple(p for p in (_person(c, affiliations) for c in session.commentators) if p is not None)
    commentary = session.commentary_slot
    rows = tuple(
        _row(slot, zone, affiliations, commentators if commentary is not None and slot.key == commentary.key else ())
        for slot in session.slots
    )
    if commentary is None:
        # No commentary row to stand beside: the 点评人 are named under the session's heading.
        people += tuple(dataclasses.replace(c, role=_("Commentator")) for c in commentators)
    kind = "session"
    if len(session.slots) == 1 and _same_item(session, session.slots[0]):
        only = rows[0]
        people = people + only.people
        kind, rows = only.kind, ()
        heading, label = only.title, only.label
    if kind == SlotKind.BREAK.value:
        room = ""
    return ProgramSession(session.key, span(session.start.astimezone(zone), session.end.astimezone(zone)),
                          heading, room, people, rows, kind, session.topic_id,
                          topic_numbers.get(session.topic_id) if session.topic_id is not None else None, label,
                          chair)


def _shape(session: Session) -> tuple[object, ...]:
    """What a session prints, without its room: sessions alike in every room at once print once."""
    return (session.start, session.end, session.title, session.topic_id, session.chair, session.commentators,
            tuple((s.kind, s.start, s.duration, s.title, s.speaker, s.contributions) for s in session.slots))


def _blocks_of(sessions: Sequence[Session]) -> list[list[Session]]:
    """Sessions (sorted by start) grouped into stretches of overlapping time."""
    blocks: list[list[Session]] = []
    end: dt.datetime | None = None
    for session in sessions:
        if blocks and end is not None and session.start < end:
            blocks[-1].append(session)
            end = max(end, session.end)
        else:
            blocks.append([session])
            end = session.end
    return blocks


def program_of(agenda: Agenda, topic_numbers: Mapping[int, int] | None = None,
               affiliations: Affiliations | None = None, *, sign_in: bool = True) -> list[ProgramDay]:
    """The agenda as printed: see the module's docstring. `topic_numbers`: topic id → 1 for 专题一."""
    numbers = topic_numbers or {}
    known = affiliations or Affiliations()
    zone = agenda.zone
    order = {room.id: index for index, room in enumerate(agenda.rooms)}
    one_room = len({session.room.id for session in agenda.sessions}) <= 1
    set_times = {entry.day: entry.time for entry in agenda.sign_in}
    days: list[ProgramDay] = []
    by_day: dict[dt.date, list[Session]] = {}
    for session in sorted(agenda.sessions, key=lambda s: (s.start, order.get(s.room.id, len(order)), s.key)):
        by_day.setdefault(session.start.astimezone(zone).date(), []).append(session)
    for day, sessions in by_day.items():
        blocks = []
        for group in _blocks_of(sessions):
            alike = {_shape(session) for session in group}
            start = min(s.start for s in group).astimezone(zone)
            end = max(s.end for s in group).astimezone(zone)
            rooms: dict[int, list[Session]] = {}
            for session in group:
                rooms.setdefault(session.room.id, []).append(session)
            if len(rooms) > 1 and len(alike) < len(group):
                # The same session in every room at once: printed once, as the whole venue's.
                shapes: dict[tuple[object, ...], Session] = {}
                for session in group:
                    shapes.setdefault(_shape(session), session)
                unique = list(shapes.values())
                rooms = {unique[0].room.id: unique} if len(unique) == 1 else rooms
            parallel = len(rooms) > 1
            columns = []
            for _room_id, own in sorted(rooms.items(), key=lambda item: order.get(item[0], len(order))):
                name = own[0].room.name
                shown = "" if parallel or one_room or len(alike) < len(group) else name
                columns.append(
                    ProgramRoom(
                        name,
                        span(own[0].start.astimezone(zone), max(s.end for s in own).astimezone(zone)),
                        tuple(_session(s, zone, shown, numbers, known) for s in own),
                    )
                )
            blocks.append(ProgramBlock(span(start, end), tuple(columns)))
        opening = _sign_in_row(day, sessions[0].start.astimezone(zone), set_times) if sign_in else None
        days.append(ProgramDay(day, day_label(day), opening, tuple(blocks)))
    return days


def sign_in_opens(day: dt.date, first: dt.datetime, set_times: Mapping[dt.date, dt.time | None]) -> dt.datetime | None:
    """When the day's 签到 opens: the time set for it, by default the half hour before its first
    session (`first`, in the seminar's zone); None where the day is set to have none."""
    if day not in set_times:
        return first - dt.timedelta(minutes=SIGN_IN_MINUTES)
    time = set_times[day]
    return None if time is None else dt.datetime.combine(day, time, tzinfo=first.tzinfo)


def _sign_in_row(day: dt.date, first: dt.datetime, set_times: Mapping[dt.date, dt.time | None]) -> ProgramRow | None:
    """The day's 签到: from when it opens until the first session (just the time, if that is not
    earlier); None where the day is set to have none."""
    opens = sign_in_opens(day, first, set_times)
    if opens is None:
        return None
    shown = span(opens, first) if opens < first else f"{opens:%H:%M}"
    return ProgramRow(f"sign-in-{day.isoformat()}", "sign-in", shown, "", _("Sign-in"))


# ---------- the title over two lines ----------

def agenda_title_lines(title: str, width: int = 24) -> list[str]:
    """The agenda's title as printed lines of at most `width` full-width characters, broken between words
    as the book's cover breaks it (`seminar.titlelines`)."""
    title = title.strip()
    return title_lines(title, width) if title else []
