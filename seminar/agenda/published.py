"""The published agenda as pages and files, each made once per release and served from a cache.

A release never changes, so the public page and every export are the same bytes for as long as
the release is the latest: they are rendered on the first request (per language) and kept in an
in-process LRU keyed by (seminar, release, kind, language), with a strong ETag (a hash of the
bytes). The one thing outside the release they show, links to the papers' public pages while the
proceedings are public, is part of the kind ("page:papers"). The PDF and the .xlsx, which cost real CPU, are also stored on the release
(`AgendaFile`), so each server process and each restart reuses the first rendering.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import hashlib
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, MutableMapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import groupby
from typing import Any

from tortoise.exceptions import IntegrityError

from seminar.agenda.labels import kind_label, people_label, person_label
from seminar.agenda.model import Agenda, Person, Room, Session, SlotKind
from seminar.agenda.models import AgendaFile
from seminar.agenda.program import ProgramDay, ProgramPerson, ProgramRow
from seminar.config import PROJECT_ROOT
from seminar.i18n import _, format_date, get_locale
from seminar.spreadsheets import CellValue, Column, new_workbook, to_bytes, write_table

PRINT_STYLESHEET = PROJECT_ROOT / "static" / "agenda" / "print.css"
CACHE_SIZE = 512


@dataclass(frozen=True)
class CachedFile:
    content: bytes
    etag: str  # quoted, strong
    media_type: str


def make_etag(content: bytes) -> str:
    return f'"{hashlib.sha256(content).hexdigest()[:32]}"'


CacheKey = tuple[int, int, str, str]
_cache: OrderedDict[CacheKey, CachedFile] = OrderedDict()
_locks: dict[CacheKey, asyncio.Lock] = {}


def cached(key: CacheKey) -> CachedFile | None:
    found = _cache.get(key)
    if found is not None:
        _cache.move_to_end(key)
    return found


def _remember(key: CacheKey, entry: CachedFile) -> CachedFile:
    _cache[key] = entry
    _cache.move_to_end(key)
    while len(_cache) > CACHE_SIZE:
        _cache.popitem(last=False)
    return entry


def forget_all() -> None:
    """Tests start from an empty cache (release ids are reused after the tables are emptied)."""
    _cache.clear()
    _locks.clear()
    _heads.clear()
    _ready.clear()
    _revalidating.clear()


# Which release is the latest, per seminar address: asked of the database at most once a second
# per process, so a request for a cached page costs no query at all. A new release shows at once
# in the process that published it and within HEAD_SECONDS in the others; so does a change of
# whether the proceedings are public (the head carries it).
HEAD_SECONDS = 1.0
_heads: dict[str, tuple[float, Any]] = {}


async def latest_head(slug: str, load: Callable[[str], Awaitable[Any]]) -> Any:
    now = time.monotonic()
    found = _heads.get(slug)
    if found is not None and found[0] > now:
        return found[1]
    head = await load(slug)
    if head is not None:  # before the first release every request asks: it is a rare 404 page
        _heads[slug] = (now + HEAD_SECONDS, head)
    return head


def forget_head(slug: str) -> None:
    _heads.pop(slug, None)
    _ready.clear()  # a new release is rare: every seminar's answers are made again, once


def head_expires(slug: str) -> float:
    """Until when (`time.monotonic()`) the latest release asked of the database stands; 0 if not asked."""
    found = _heads.get(slug)
    return found[0] if found is not None else 0.0


# ---------- Whole answers for strangers ----------

# A stranger's GET of a published file, answered by the full stack once, is kept here whole (its
# status line's headers and body) and answered again by `PublishedFilesMiddleware` without any
# other middleware, the router or the session, until the release it came from must be asked again
# (`head_expires`): what it costs is then a dictionary look-up. The key is all a stranger's answer
# depends on: the address, its query (`?lang=`), Accept-Language and the language a stranger's
# session chose with the language switcher ("" for none, or no session).
#
# When an answer's time is up, the next stranger's request asks the database for the latest
# release (one query, `latest_head`): the same as the answer's, and it is kept for another second
# and sent; another, and that request goes the whole way for the new one. The strangers who come
# while it asks, a few milliseconds, still get the kept answer rather than each asking too (under
# load that was a queue of full requests once a second per process, the slowest hundredth of all
# answers). Past STALE_SECONDS, or once the whole way found nothing to keep (the agenda withdrawn,
# an error), nobody gets the old answer.
ReadyKey = tuple[str, bytes, bytes, str]
READY_SIZE = 1024
STALE_SECONDS = 5.0


@dataclass(frozen=True)
class ReadyAnswer:
    headers: list[tuple[bytes, bytes]]  # the 200's, Content-Length included
    not_modified_headers: list[tuple[bytes, bytes]]  # the same without Content-Type and Content-Length
    body: bytes
    etag: str
    expires: float  # time.monotonic()
    source: Shareable  # what it stays the same for
    route: Any  # the Starlette route that made it, and its seminar: the request's log line and metrics name them
    seminar: str | None


_ready: dict[ReadyKey, ReadyAnswer] = {}
_revalidating: set[ReadyKey] = set()


def ready_answer(key: ReadyKey) -> tuple[ReadyAnswer | None, bool]:
    """The kept answer, and whether to send it: it is fresh, or another request is asking the
    database again for it.

    Not to send: this request is to go the whole way; when an answer was kept, this request is now
    the one revalidating it, and must call `revalidated(key, …)` when done, whatever happened."""
    found = _ready.get(key)
    if found is None:
        return None, False
    now = time.monotonic()
    if found.expires > now:
        return found, True
    if key in _revalidating:
        return found, now < found.expires + STALE_SECONDS
    _revalidating.add(key)
    return found, False


def revalidated(key: ReadyKey, answer: ReadyAnswer | None) -> None:
    """The full answer to `key` is done: keep `answer`, or with None forget the old one too."""
    _revalidating.discard(key)
    if answer is None:
        _ready.pop(key, None)
        return
    if len(_ready) >= READY_SIZE and key not in _ready:  # odd Accept-Language headers: start over rather than grow
        _ready.clear()
    _ready[key] = answer


# Where the middleware leaves a list in the scope for the route to say "this answer is the same for
# every stranger while this is the latest release" (a list, because the database guard hands the
# route a copy of the scope).
SHAREABLE = "seminar.shareable"


@dataclass(frozen=True)
class Shareable:
    slug: str
    head: Any  # the latest release as `load(slug)` gave it
    load: Callable[[str], Awaitable[Any]]
    expires: float  # until when `head` stands without asking (`head_expires`)


def mark_shareable(scope: MutableMapping[str, Any], slug: str, head: Any, load: Callable[[str], Awaitable[Any]]) -> None:
    if (holder := scope.get(SHAREABLE)) is not None:
        holder.append(Shareable(slug, head, load, head_expires(slug)))


async def renewed(answer: ReadyAnswer) -> ReadyAnswer | None:
    """The kept answer for another second if its release is still the latest (one query at most), else None."""
    source = answer.source
    if await latest_head(source.slug, source.load) != source.head:
        return None
    return dataclasses.replace(answer, expires=head_expires(source.slug))


async def get_or_make(
    seminar_id: int,
    release_id: int,
    kind: str,
    locale: str,
    make: Callable[[], Awaitable[bytes]],
    *,
    media_type: str,
    persisted: bool = False,
) -> CachedFile:
    """The cached bytes, else the stored ones (`persisted`: PDF, .xlsx), else `make()` once however many ask at once."""
    key = (seminar_id, release_id, kind, locale)
    if (found := cached(key)) is not None:
        return found
    lock = _locks.setdefault(key, asyncio.Lock())
    async with lock:
        if (found := cached(key)) is not None:
            return found
        if persisted:
            stored = await AgendaFile.get_or_none(release_id=release_id, kind=kind, locale=locale)
            if stored is not None:
                return _remember(key, CachedFile(bytes(stored.content), stored.etag, media_type))
        content = await make()
        entry = CachedFile(content, make_etag(content), media_type)
        if persisted:
            try:
                await AgendaFile.create(
                    release_id=release_id, kind=kind, locale=locale, content=content, etag=entry.etag
                )
            except IntegrityError:
                pass  # another process stored it first; the bytes are the same release's
        _locks.pop(key, None)
        return _remember(key, entry)


# The parts of the cached page that are a stranger's, between markers (agenda/public.html): the
# header's account links ("Log in") and the flash messages (none). A request with a session gets
# its own put in their place: a signed-in person's links, a visitor's message (e.g. "logged out").
ACCOUNT = (b"<!--account-->", b"<!--/account-->")
FLASHES = (b"<!--flashes-->", b"<!--/flashes-->")


def with_parts(page: CachedFile, parts: dict[tuple[bytes, bytes], str]) -> CachedFile:
    """The cached page with each marked part replaced by the text rendered for the person asking.

    The ETag names the page and those parts, so a person's 304 holds until the release or their own
    parts change."""
    content = page.content
    for (start_marker, end_marker), text in parts.items():
        start = content.index(start_marker) + len(start_marker)
        end = content.index(end_marker, start)
        content = content[:start] + text.encode() + content[end:]
    named = b"\0".join([page.etag.encode(), *(text.encode() for text in parts.values())])
    return CachedFile(content, make_etag(named), page.media_type)


# ---------- What the page and the print show ----------


@dataclass
class RoomColumn:
    room: Room
    sessions: list[Session] = field(default_factory=list)


@dataclass
class Day:
    date: dt.date
    label: str
    columns: list[RoomColumn]
    sessions: list[Session]  # all rooms, by start


def days_of(agenda: Agenda) -> list[Day]:
    """Each day with one column per room that has a session that day, in room order."""
    zone = agenda.zone
    rooms = {room.id: room for room in agenda.rooms}
    order = {room.id: index for index, room in enumerate(agenda.rooms)}
    ordered = sorted(
        agenda.sessions, key=lambda s: (s.start.astimezone(zone).date(), s.start, order.get(s.room.id, 99), s.key)
    )
    days = []
    for date, group in groupby(ordered, key=lambda s: s.start.astimezone(zone).date()):
        sessions = list(group)
        columns: dict[int, RoomColumn] = {}
        for session in sorted(sessions, key=lambda s: (order.get(s.room.id, 99), s.start, s.key)):
            columns.setdefault(session.room.id, RoomColumn(rooms.get(session.room.id, session.room))).sessions.append(
                session
            )
        days.append(Day(date, format_date(date, "full"), list(columns.values()), sessions))
    return days


def topics_of(agenda: Agenda) -> list[Session]:
    """The first session of each topic, in agenda order: the page's index of topics."""
    seen: dict[int, Session] = {}
    for session in sorted(agenda.sessions, key=lambda s: (s.start, s.key)):
        if session.topic_id is not None:
            seen.setdefault(session.topic_id, session)
    return list(seen.values())


def names(people: tuple[Person, ...]) -> str:
    return people_label(people)


# ---------- .xlsx 议程表 ----------


def _who(person: ProgramPerson) -> str:
    named = person_label(person.name, person.unit, person.position)
    return f"{person.role}{_colon()}{named}" if person.role else named


def _colon() -> str:
    return "：" if get_locale().startswith("zh") else ": "


def _kind(kind: str) -> str:
    return kind_label(SlotKind(kind)) if kind in SlotKind.__members__.values() else ""


def _item(row: ProgramRow) -> str:
    """The row's title, with the 研讨交流's speeches numbered under it."""
    return "\n".join([row.title, *(f"{n}. {c.title}" for n, c in enumerate(row.contributions, start=1))])


def _speakers(people: Iterable[ProgramPerson], row: ProgramRow | None = None) -> str:
    """One person a line with their 单位; a 研讨交流's speakers numbered as its speeches are."""
    lines = [_who(p) for p in people]
    if row is not None:
        lines += [f"{n}. {_who(c.person) if c.person else '—'}" for n, c in enumerate(row.contributions, start=1)]
    return "\n".join(lines)


def agenda_xlsx(days: Sequence[ProgramDay], title: str) -> bytes:
    """The printed agenda's rows as a table: 序号, day, time, room, session (专题N), kind, item, speakers with
    their 单位, 主持人; 重点发言 rows marked. Built from the same `program` as the PDF, so they agree."""
    columns = [
        Column(_("Serial number"), 6),
        Column(_("Date"), 15, wrap=True),
        Column(_("Time"), 13, text=True),
        Column(_("Room"), 12, wrap=True),
        Column(_("Session"), 24, wrap=True),
        Column(_("Kind"), 10, wrap=True),
        Column(_("Item"), 42, wrap=True),
        Column(_("Speakers and their units"), 34, wrap=True),
        Column(_("Chair"), 24, wrap=True),
    ]
    rows: list[list[CellValue]] = []
    marked: list[int] = []

    def add(day: ProgramDay, time: str, room: str, session: str, kind: str, item: str, speakers: str = "",
            chair: ProgramPerson | None = None) -> None:
        if kind == SlotKind.KEYNOTE.value:
            marked.append(len(rows))
        rows.append([len(rows) + 1, day.label, time, room, session, _kind(kind), item, speakers,
                     _who(chair) if chair else ""])

    for day in days:
        if day.sign_in is not None:
            add(day, day.sign_in.time, "", "", "", day.sign_in.title)
        for block in day.blocks:
            for room in block.rooms:
                for session in room.sessions:
                    where = "" if session.kind == SlotKind.BREAK.value else room.name
                    others = [p for p in session.people if p is not session.chair]
                    if session.single:
                        item = f"{session.label}{_colon()}{session.heading}" if session.label else session.heading
                        add(day, session.time, where, "", session.kind, item, _speakers(others), session.chair)
                        continue
                    for row in session.rows:
                        add(day, row.time, where, session.heading, row.kind, _item(row),
                            _speakers([*others, *row.people], row), session.chair)
    workbook, sheet = new_workbook(_("Seminar agenda"))
    write_table(sheet, columns, rows, title=_("%(title)s: agenda", title=title), marked=marked,
                footer=_("Page &P of &N"))
    return to_bytes(workbook)


# ---------- PDF ----------


@cache
def _weasyprint() -> tuple[Any, Any]:
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    return fonts, CSS(filename=str(PRINT_STYLESHEET), font_config=fonts)


def _pdf(html: str) -> bytes:
    from weasyprint import HTML, URLFetcher

    fonts, stylesheet = _weasyprint()
    document = HTML(string=html, base_url=str(PROJECT_ROOT), url_fetcher=URLFetcher(allowed_protocols={"file"}))
    return bytes(document.write_pdf(stylesheets=[stylesheet], font_config=fonts))


_pdf_lock = asyncio.Lock()


async def agenda_pdf(html: str) -> bytes:
    """WeasyPrint is CPU-bound: one rendering at a time per process, off the event loop."""
    async with _pdf_lock:
        return await asyncio.to_thread(_pdf, html)
