"""The 会议手册 as plain data (`HandbookSpec`), and the one HTML document WeasyPrint typesets from it.

No ORM and no HTTP here (see `queries.handbook_spec` for where the data comes from). The booklet:
cover (title broken between words, the organizer's 全称, the dates in Chinese numerals), 会议须知,
日程安排 (the published agenda's printed rows, `templates/agenda/_program.html`, as the agenda PDF
and the book's appendix print them), the 专题 with their 主持人, 点评人 and speakers in speaking
order, the 座次图 when the seminar has a seat plan (on an A5 landscape page, drawn as the A4 座次表
draws it: `templates/seating/_drawing.html`), the 参会人员名单 by unit in official order (names and
职务, never phone numbers), and the 会务组's contacts. The faces follow the book's house style
(`house_style`: the 公文 style's 仿宋, 黑体, 楷体 and 小标宋 stand-in). Every text is escaped: the 须知 and contacts are plain text, one paragraph a line.

A5 (148 × 210 mm): the size of a programme booklet people carry in a jacket pocket and open on a
seminar desk beside the papers; a printer folds A4 sheets in two and staples them (骑马钉).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel import dates as babel_dates
from jinja2 import Environment

from seminar import i18n
from seminar.agenda.program import ProgramDay, ProgramPerson, ProgramSession
from seminar.config import PROJECT_ROOT
from seminar.i18n import _
from seminar.proceedings.book import Participant, is_chinese
from seminar.proceedings.numerals import chinese_number, chinese_year
from seminar.proceedings.styles import HouseStyle
from seminar.seating.plan import Drawing, drawing_sizes
from seminar.templating import build_environment
from seminar.titlelines import title_lines

TEMPLATE = "handbook/booklet.html"
STYLESHEET = PROJECT_ROOT / "static" / "handbook" / "booklet.css"
# Laid over booklet.css, after the style's faces (`styles.FACES`), when the book is in that house style.
STYLESHEETS: dict[HouseStyle, Path] = {HouseStyle.OFFICIAL: PROJECT_ROOT / "static" / "handbook" / "official.css"}
# Full-width characters on a line of the cover title: 118 mm of A5 text block at 20 pt, less a margin.
COVER_TITLE_WIDTH = 15
# A line of the 须知 that starts a numbered item (一、 （一） 1. 1、 (1)): printed with a hanging indent.
_NUMBERED = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.、．])")


@dataclass(frozen=True)
class HandbookSpec:
    title: str
    organizer: str  # the organizing unit's 全称, as the cover prints it
    starts_on: dt.date
    ends_on: dt.date
    venue: str = ""
    notice: str = ""  # 会议须知, plain text, one paragraph or numbered item a line
    contacts: str = ""  # the 会务组, one person a line
    agenda: Sequence[ProgramDay] | None = None  # the latest published agenda as printed; None: not yet
    participants: Sequence[Participant] | None = None  # approved registrations in official unit order; None: left out
    seat_plan: Drawing | None = None  # the 座次图, when the seminar has a seat plan with anyone seated
    locale: str = i18n.DEFAULT_LOCALE
    house_style: HouseStyle = HouseStyle.ACADEMIC  # the book's (论文集 settings): the booklet's faces follow it


@dataclass(frozen=True)
class Speaker:
    """A speech in a topic's session: the title and who gives it, with 单位."""

    title: str
    person: ProgramPerson | None


@dataclass(frozen=True)
class TopicList:
    """One 专题 as the booklet lists it: where and when, who chairs and comments, who speaks in what order."""

    number: int
    heading: str  # 专题一　完成政治任务
    when: str  # 2026年12月10日（星期四）10:30—11:20
    room: str
    chairs: tuple[ProgramPerson, ...]
    commentators: tuple[ProgramPerson, ...]
    keynotes: tuple[Speaker, ...]  # 重点发言, in speaking order
    discussion: tuple[Speaker, ...]  # 研讨交流, in speaking order


def _commentators(session: ProgramSession) -> list[ProgramPerson]:
    found = [person for row in session.rows if row.kind in ("commentary", "guidance") for person in row.people]
    found += [person for person in session.people if person != session.chair]
    return found


def topic_lists(days: Sequence[ProgramDay]) -> list[TopicList]:
    """Each topic of the printed agenda once, 专题一 first, its sessions' people merged in speaking order."""
    topics: dict[int, TopicList] = {}
    for day in days:
        for block in day.blocks:
            for room in block.rooms:
                for session in room.sessions:
                    if session.topic_number is None:
                        continue
                    keynotes = tuple(
                        Speaker(row.title, row.people[0] if row.people else None)
                        for row in session.rows if row.kind == "keynote"
                    )
                    discussion = tuple(
                        Speaker(c.title, c.person) for row in session.rows if row.kind == "discussion"
                        for c in row.contributions
                    )
                    chairs = (session.chair,) if session.chair else ()
                    commentators = tuple(_commentators(session))
                    earlier = topics.get(session.topic_number)
                    if earlier is None:
                        topics[session.topic_number] = TopicList(
                            session.topic_number, session.heading, f"{day.label}　{session.time}",
                            session.room or room.name, chairs, commentators, keynotes, discussion,
                        )
                    else:  # the topic goes on in a later session: its people follow
                        topics[session.topic_number] = TopicList(
                            earlier.number, earlier.heading, earlier.when, earlier.room,
                            _unique(earlier.chairs + chairs), _unique(earlier.commentators + commentators),
                            earlier.keynotes + keynotes, earlier.discussion + discussion,
                        )
    return [topics[number] for number in sorted(topics)]


def _unique(people: tuple[ProgramPerson, ...]) -> tuple[ProgramPerson, ...]:
    return tuple(dict.fromkeys(people))


def lines(text: str) -> list[str]:
    """The non-empty lines of a plain text, each a paragraph of the booklet."""
    return [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]


def is_numbered(line: str) -> bool:
    return bool(_NUMBERED.match(line))


def _chinese_day(date: dt.date) -> str:
    return f"{chinese_number(date.day)}日"


def cover_dates(starts_on: dt.date, ends_on: dt.date, locale: str) -> str:
    """二〇二六年十二月十日, 二〇二六年十二月十日至十一日, 二〇二六年十二月三十日至二〇二七年一月二日."""
    if not is_chinese(locale):
        first = babel_dates.format_date(starts_on, "long", locale="en")
        return first if starts_on == ends_on else f"{first} – {babel_dates.format_date(ends_on, 'long', locale='en')}"
    start = f"{chinese_year(starts_on.year)}年{chinese_number(starts_on.month)}月{_chinese_day(starts_on)}"
    if ends_on <= starts_on:
        return start
    if ends_on.year != starts_on.year:
        end = f"{chinese_year(ends_on.year)}年{chinese_number(ends_on.month)}月{_chinese_day(ends_on)}"
    elif ends_on.month != starts_on.month:
        end = f"{chinese_number(ends_on.month)}月{_chinese_day(ends_on)}"
    else:
        end = _chinese_day(ends_on)
    return f"{start}至{end}"


def participant_groups(participants: Sequence[Participant]) -> list[tuple[str, list[Participant]]]:
    """The participants under their units, in the order given (official unit order)."""
    groups: dict[str, list[Participant]] = {}
    for person in participants:
        groups.setdefault(person.unit, []).append(person)
    return list(groups.items())


@cache
def environment() -> Environment:
    env = build_environment()
    env.globals.update(lines=lines, is_numbered=is_numbered, numeral=chinese_number)
    return env


def handbook_html(spec: HandbookSpec, created: dt.datetime | None = None) -> str:
    """The whole booklet as one HTML document (styled by `STYLESHEET` over the agenda's print stylesheet)."""
    with i18n.use_locale(spec.locale):
        sections = ["notice"] if lines(spec.notice) else []
        if spec.agenda:
            sections += ["agenda", "topics"] if topic_lists(spec.agenda) else ["agenda"]
        if spec.seat_plan:
            sections.append("seats")
        if spec.participants:
            sections.append("participants")
        if lines(spec.contacts):
            sections.append("contacts")
        return environment().get_template(TEMPLATE).render(
            spec=spec,
            lang=i18n.HTML_LANG.get(spec.locale, "zh-Hans"),
            chinese=is_chinese(spec.locale),
            cover_lines=title_lines(spec.title, COVER_TITLE_WIDTH) if is_chinese(spec.locale) else [spec.title],
            cover_dates=cover_dates(spec.starts_on, spec.ends_on, spec.locale),
            document_title=_("%(title)s: programme booklet", title=spec.title),
            sections=sections,
            program=spec.agenda or [],
            topics=topic_lists(spec.agenda or []),
            groups=participant_groups(spec.participants or []),
            # A5 landscape (the 座次图's own page): 168 mm across for the seats, 65 mm down for the hall's rows
            # (a hall of ten rows fits the page with its 主席台; a longer one goes on over the next page).
            seat_sizes=drawing_sizes(spec.seat_plan.layout, width_mm=168.0, height_mm=65.0) if spec.seat_plan else {},
            created=(created or dt.datetime.now(dt.UTC)).replace(microsecond=0).isoformat(),
        )
