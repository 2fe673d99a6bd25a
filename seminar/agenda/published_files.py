"""The published agenda's page and files: one registry entry per format.

Adding an export format takes its writer in `exports.py` (agenda and `SeminarMeta` in, bytes out)
and one `PublishedFile` in `FILES`; its route is made from the entry. Each file is made once per
release and language and cached by `published.get_or_make`. A format that links papers to their
public pages (`linked`) is a different file while the proceedings are public, so that is part of
its cache kind; whether they are comes from the same `ReleaseHead` as the cache key, never from a
seminar row read later.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.requests import Request

from seminar import i18n
from seminar.agenda.exports import SeminarMeta, agenda_ics, frab_json, frab_xml, people_ics
from seminar.agenda.labels import kind_label
from seminar.agenda.model import Agenda
from seminar.agenda.published import (
    CachedFile,
    agenda_pdf,
    agenda_xlsx,
    days_of,
    get_or_make,
    names,
    topics_of,
)
from seminar.agenda.program import ProgramDay, agenda_title_lines, program_of, topic_index
from seminar.agenda.queries import (
    ReleaseHead,
    active_user,
    affiliations_of,
    paper_urls,
    people_for,
    release_with_seminar,
    topic_numbers,
)
from seminar.agenda.snapshot import agenda_from_data
from seminar.permissions import ANONYMOUS
from seminar.text import whole_number
from seminar.web import templates

if TYPE_CHECKING:
    from seminar.accounts.models import User
    from seminar.agenda.models import AgendaRelease
    from seminar.seminars.models import Seminar


@dataclass(frozen=True)
class Release:
    """One release as the writers get it."""

    seminar: Seminar
    release: AgendaRelease
    agenda: Agenda


# A writer: the request (for the site's address and paths), the release, whether to link papers.
Writer = Callable[[Request, Release, bool], Awaitable[bytes]]


@dataclass(frozen=True)
class PublishedFile:
    path: str  # under /{slug}/
    route: str
    media_type: str
    make: Writer
    filename: str = ""  # "{slug}", "{number}" filled in; none: a page, not a download
    inline: bool = True  # else downloaded
    linked: bool = False  # links papers to their public pages while the proceedings are public
    persisted: bool = False  # costly to make: also stored on the release, for every process and restart


async def _meta(request: Request, published: Release, linked: bool) -> SeminarMeta:
    agenda, seminar = published.agenda, published.seminar
    paper_ids = {slot.paper_id for _s, slot in agenda.slots() if slot.paper_id is not None}
    paper_ids |= {c.paper_id for _s, slot in agenda.slots() for c in slot.contributions}
    return SeminarMeta(
        slug=seminar.slug,
        title=seminar.title,
        base_url=request.app.state.settings.base_url,
        release=published.release.number,
        published_at=published.release.published_at,
        venue=seminar.venue,
        paper_urls=await paper_urls(request, seminar, paper_ids) if linked else {},
        language="zh" if i18n.get_locale().startswith("zh") else "en",
        affiliations=await affiliations_of(agenda),
    )


async def _html(request: Request, template: str, published: Release, linked: bool) -> str:
    meta = await _meta(request, published, linked)
    i18n.set_time_zone(published.seminar.time_zone)
    path = request.app.url_path_for
    return templates.env.get_template(template).render(
        # The same page for everyone: no request, no one signed in, paths rather than the asker's host.
        actor=ANONYMOUS,
        flashes=[],
        url_for=lambda name, /, **params: path(name, **params),
        seminar=published.seminar,
        release=published.release,
        agenda=published.agenda,
        days=days_of(published.agenda),
        program=await _program(published, meta),
        title_lines=agenda_title_lines(published.seminar.title),
        topic_index=topic_index,
        topics=topics_of(published.agenda),
        paper_urls=meta.paper_urls,
        kind_label=kind_label,
        names=names,
        published=i18n.format_datetime(published.release.published_at),
    )


async def _program(published: Release, meta: SeminarMeta) -> list[ProgramDay]:
    return program_of(published.agenda, await topic_numbers(published.seminar.id), meta.affiliations)


async def _page(request: Request, published: Release, linked: bool) -> bytes:
    return (await _html(request, "agenda/public.html", published, linked)).encode()


async def _pdf(request: Request, published: Release, linked: bool) -> bytes:
    return await agenda_pdf(await _html(request, "agenda/print.html", published, False))


async def _xlsx(request: Request, published: Release, linked: bool) -> bytes:
    days = await _program(published, await _meta(request, published, False))
    return agenda_xlsx(days, published.seminar.title)


def _export(write: Callable[[Agenda, SeminarMeta], bytes]) -> Writer:
    """A writer from exports.py, given the release's `SeminarMeta`."""

    async def make(request: Request, published: Release, linked: bool) -> bytes:
        return write(published.agenda, await _meta(request, published, linked))

    return make


CALENDAR = "text/calendar; charset=utf-8"

FILES: dict[str, PublishedFile] = {
    "page": PublishedFile("agenda", "agenda:public", "text/html; charset=utf-8", _page, linked=True),
    "ics": PublishedFile("agenda.ics", "agenda:ics", CALENDAR, _export(agenda_ics), "{slug}-agenda.ics", linked=True),
    "xlsx": PublishedFile(
        "agenda.xlsx", "agenda:xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _xlsx,
        "{slug}-议程表-v{number}.xlsx", inline=False, persisted=True,
    ),
    "pdf": PublishedFile("agenda.pdf", "agenda:pdf", "application/pdf", _pdf, "{slug}-议程-v{number}.pdf", persisted=True),
    "xml": PublishedFile(
        "schedule.xml", "agenda:frab_xml", "application/xml; charset=utf-8", _export(frab_xml),
        "{slug}-schedule.xml", linked=True,
    ),
    "json": PublishedFile(
        "schedule.json", "agenda:frab_json", "application/json; charset=utf-8", _export(frab_json),
        "{slug}-schedule.json", linked=True,
    ),
}


def _cache_kind(kind: str, linked: bool) -> str:
    """A file with paper links is a different file from the same one without."""
    return f"{kind}:papers" if linked else kind


async def _release(release_id: int) -> Release:
    release = await release_with_seminar(release_id)
    return Release(release.seminar, release, agenda_from_data(release.data))


async def published_file(request: Request, kind: str, head: ReleaseHead) -> CachedFile:
    """The latest release's page or file of this kind, in the request's language."""
    entry = FILES[kind]
    linked = entry.linked and head.proceedings_public

    async def make() -> bytes:
        return await entry.make(request, await _release(head.release_id), linked)

    return await get_or_make(
        head.seminar_id, head.release_id, _cache_kind(kind, linked), i18n.get_locale(), make,
        media_type=entry.media_type, persisted=entry.persisted,
    )


def file_name(kind: str, slug: str, number: int) -> str:
    return FILES[kind].filename.format(slug=slug, number=number)



# ---------- a person's own calendar ----------


def person_token(secret: str, seminar_id: int, user_id: int) -> str:
    digest = hmac.new(secret.encode(), f"agenda-ics:{seminar_id}:{user_id}".encode(), hashlib.sha256).hexdigest()
    return f"{user_id}-{digest[:32]}"


async def token_owner(secret: str, seminar_id: int, token: str) -> User | None:
    """The active account a calendar address was made for, or None for an address nobody was given."""
    user_part, _dash, _digest = token.partition("-")
    user_id = whole_number(user_part)
    if user_id is None or not hmac.compare_digest(token, person_token(secret, seminar_id, user_id)):
        return None
    return await active_user(user_id)


async def person_calendar(request: Request, head: ReleaseHead, user: User) -> CachedFile:
    """The slots and sessions of the latest release this account speaks in or chairs, as a calendar."""

    async def make() -> bytes:
        published = await _release(head.release_id)
        meta = await _meta(request, published, linked=head.proceedings_public)
        return people_ics(published.agenda, meta, user.name, await people_for(user, published.agenda))

    kind = _cache_kind(f"person-ics:{user.id}", head.proceedings_public)
    return await get_or_make(head.seminar_id, head.release_id, kind, i18n.get_locale(), make, media_type=CALENDAR)
