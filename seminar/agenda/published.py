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
import datetime as dt
import hashlib
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import cache
from itertools import groupby
from typing import Any

from tortoise.exceptions import IntegrityError

from seminar.agenda.labels import people_label
from seminar.agenda.model import Agenda, Person, Room, Session
from seminar.agenda.models import AgendaFile
from seminar.config import PROJECT_ROOT
from seminar.i18n import _, format_date
from seminar.spreadsheets import Column, new_workbook, to_bytes, write_table

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


# The header's account links in the cached page are a stranger's ("Log in"), between these markers;
# a signed-in person's request gets their own put in their place (agenda/public.html).
ACCOUNT_START, ACCOUNT_END = b"<!--account-->", b"<!--/account-->"


def with_account(page: CachedFile, account: str) -> CachedFile:
    """The cached page with `account` (rendered for the person asking) as its header's account links.

    The ETag names both, so a person's 304 holds until the release or their own links change.
    """
    start = page.content.index(ACCOUNT_START) + len(ACCOUNT_START)
    end = page.content.index(ACCOUNT_END, start)
    content = page.content[:start] + account.encode() + page.content[end:]
    return CachedFile(content, make_etag(page.etag.encode() + account.encode()), page.media_type)


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


def agenda_xlsx(agenda: Agenda, title: str, number: int) -> bytes:
    columns = [
        Column(_("Date"), 16),
        Column(_("Time"), 13, text=True),
        Column(_("Room"), 14, wrap=True),
        Column(_("Session"), 26, wrap=True),
        Column(_("Item"), 44, wrap=True),
        Column(_("Speakers"), 30, wrap=True),
        Column(_("Chair"), 12, wrap=True),
    ]
    zone = agenda.zone
    rows = []
    for session, slot in agenda.slots():
        start = slot.start.astimezone(zone)
        item = slot.title
        if slot.contributions:
            item += "\n" + "\n".join(f"{n}. {c.title}" for n, c in enumerate(slot.contributions, start=1))
        rows.append(
            [
                format_date(start.date(), "long"),
                f"{start:%H:%M}–{slot.end.astimezone(zone):%H:%M}",
                session.room.name,
                session.title,
                item,
                "\n".join(p.name for p in slot.people()),
                session.chair.name if session.chair else "",
            ]
        )
    workbook, sheet = new_workbook(_("Seminar agenda"))
    write_table(sheet, columns, rows, title=_("%(title)s — agenda, version %(number)s", title=title, number=number))
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
