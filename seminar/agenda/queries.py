"""Reading the agenda's rows: rooms, settings, the draft as an `Agenda`, the decided papers, releases,
and what the editor and a speaker's own agenda show."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from starlette.exceptions import HTTPException

from seminar.accounts.models import User
from seminar.agenda import draft as drafting
from seminar.agenda.changes import Change, diff_releases
from seminar.agenda.checks import Problem, PublishedAgenda, find_problems
from seminar.agenda.editing import with_rooms
from seminar.agenda.merge import Merged, merge_drafts, with_people_of
from seminar.agenda.model import Agenda, DecidedPaper, Decision, PaperState, Person, Session, SignIn, Slot, TopicRef
from seminar.agenda.model import Room as RoomRef
from seminar.agenda.models import AgendaDraft, AgendaLeftOut, AgendaRelease, AgendaSettings, Room
from seminar.agenda.program import Affiliations, ProgramDay, program_of
from seminar.agenda.published import Day, days_of
from seminar.agenda.snapshot import agenda_from_data
from seminar.db import column
from seminar.errors import UserError
from seminar.i18n import _
from seminar.seminars.models import Seminar, Topic
from seminar.submissions.models import Author, Paper, PaperStatus

if TYPE_CHECKING:  # a command reading the agenda (the book's check for changes) loads no request machinery
    from starlette.requests import Request

# Decision outcomes that give a paper a place in the agenda.
AGENDA_OUTCOMES = {"keynote": Decision.KEYNOTE, "discussion": Decision.DISCUSSION}


async def rooms_of(seminar: Seminar) -> list[Room]:
    return await Room.filter(seminar_id=seminar.id).order_by("position", "id")


async def get_room_or_404(seminar: Seminar, room_id: int) -> Room:
    room = await Room.get_or_none(id=room_id, seminar_id=seminar.id)
    if room is None:
        raise HTTPException(status_code=404)
    return room


async def paper_id_or_404(seminar: Seminar, paper_id: int) -> int:
    """A paper of this seminar named in an address: another seminar's paper is not found here."""
    if not await Paper.exists(id=paper_id, seminar_id=seminar.id):
        raise HTTPException(status_code=404)
    return paper_id


def room_refs(rooms: list[Room]) -> tuple[RoomRef, ...]:
    return tuple(RoomRef(room.id, room.name, room.capacity) for room in rooms)


async def settings_of(seminar: Seminar) -> AgendaSettings:
    """The saved settings, or unsaved defaults with the seminar's days."""
    found = await AgendaSettings.get_or_none(seminar_id=seminar.id)
    if found is not None:
        return found
    days: list[str] = []
    day = seminar.starts_on
    while day <= seminar.ends_on and len(days) < 14:
        days.append(day.isoformat())
        day += dt.timedelta(days=1)
    return AgendaSettings(seminar_id=seminar.id, days=days)


def _time(text: str) -> dt.time | None:
    return dt.time.fromisoformat(text) if text else None


def draft_settings(settings: AgendaSettings, rooms: list[Room], time_zone: str) -> drafting.DraftSettings:
    return drafting.DraftSettings(
        days=tuple(sorted(dt.date.fromisoformat(day) for day in settings.days)),
        rooms=room_refs(rooms),
        time_zone=time_zone,
        keynote_minutes=settings.keynote_minutes,
        discussion_minutes=settings.discussion_minutes,
        per_speaker_minutes=settings.per_speaker_minutes,
        commentary_minutes=settings.commentary_minutes,
        break_minutes=settings.break_minutes,
        day_start=_time(settings.day_start) or dt.time(9),
        lunch_start=_time(settings.lunch_start),
        lunch_end=_time(settings.lunch_end),
        day_end=_time(settings.day_end) or dt.time(17, 30),
        opening_minutes=settings.opening_minutes,
        lecture_minutes=settings.lecture_minutes,
        lecture_title=settings.lecture_title,
        lecturer=(
            Person(None, settings.lecturer.strip(), settings.lecturer_unit, settings.lecturer_position)
            if settings.lecturer.strip() else None
        ),
        closing_commentary_minutes=settings.closing_commentary_minutes,
        closing_minutes=settings.closing_minutes,
        parallel_rooms=settings.parallel_rooms,
    )


@dataclass(frozen=True)
class Draft:
    agenda: Agenda
    version: int  # 0: nothing saved yet
    updated_at: dt.datetime | None
    # When the draft that the last drafting from the decisions replaced was saved; None: nothing to undo.
    previous_saved_at: dt.datetime | None = None


def sign_in_times(settings: AgendaSettings | None) -> tuple[SignIn, ...]:
    """The 签到 times set for the agenda's days (`AgendaSettings.sign_in`)."""
    if settings is None:
        return ()
    return tuple(
        SignIn(dt.date.fromisoformat(day), _time(text))
        for day, text in sorted(settings.sign_in.items()) if day in settings.days
    )


async def load_draft(seminar: Seminar, rooms: list[Room] | None = None) -> Draft:
    """The draft with the seminar's current rooms and the 签到 times of its settings (which publishing freezes
    into the release)."""
    rooms = rooms if rooms is not None else await rooms_of(seminar)
    row = await AgendaDraft.get_or_none(seminar_id=seminar.id)
    sign_in = sign_in_times(await AgendaSettings.get_or_none(seminar_id=seminar.id))
    if row is None:
        return Draft(Agenda(room_refs(rooms), (), seminar.time_zone, sign_in), 0, None)
    previous = row.previous_saved_at if row.previous_data is not None else None
    agenda = dataclasses.replace(with_rooms(agenda_from_data(row.data), room_refs(rooms)), sign_in=sign_in)
    return Draft(agenda, row.version, row.updated_at, previous)


async def fresh_draft(seminar: Seminar) -> Agenda:
    """The agenda laid out afresh from the decisions (not saved); an overflow or missing settings raise a UserError."""
    settings = await AgendaSettings.get_or_none(seminar_id=seminar.id)
    if settings is None:
        raise UserError(_("Save the agenda settings (days and times) before drafting."))
    rooms = await rooms_of(seminar)
    left_out = set(await column(AgendaLeftOut.filter(seminar_id=seminar.id), "paper_id"))
    papers = [paper for paper in await decided_papers(seminar) if paper.paper_id not in left_out]
    return drafting.draft_agenda(await topic_refs(seminar), papers, draft_settings(settings, rooms, seminar.time_zone))


@dataclass(frozen=True)
class Redraft:
    """What drafting from the decisions would do to an edited draft: merged, or replaced (with its changes)."""

    current: Draft
    replacement: Agenda  # the fresh draft, with the people the current one names
    merged: Merged
    replaced: list[Change]


async def redraft(seminar: Seminar) -> Redraft:
    """The fresh draft, what merging it into the current draft changes, and what replacing the draft changes."""
    fresh = await fresh_draft(seminar)
    current = await load_draft(seminar)
    replaced = with_people_of(current.agenda, fresh)
    return Redraft(current, replaced, merge_drafts(current.agenda, fresh), diff_releases(current.agenda, replaced))


async def topic_refs(seminar: Seminar) -> list[TopicRef]:
    topics = await Topic.filter(seminar_id=seminar.id).order_by("position", "id")
    return [TopicRef(topic.id, topic.title) for topic in topics]


@dataclass(frozen=True)
class Speaker:
    """Who speaks for a paper (its presenter author) and whom to write to about it (its contact author)."""

    name: str
    email: str
    contact_name: str


async def speakers_of(paper_ids: list[int]) -> dict[int, Speaker]:
    authors = await Author.filter(paper_id__in=paper_ids).order_by("paper_id", "position", "id")
    by_paper: dict[int, list[Author]] = {}
    for author in authors:
        by_paper.setdefault(author.paper_id, []).append(author)
    found = {}
    for paper_id, own in by_paper.items():
        presenter = next((a for a in own if a.is_presenter), own[0])
        contact = next((a for a in own if a.is_contact and a.email), next((a for a in own if a.email), None))
        found[paper_id] = Speaker(
            presenter.name, contact.email if contact else "", contact.name if contact else ""
        )
    return found


async def decided_papers(seminar: Seminar) -> list[DecidedPaper]:
    """Papers decided as keynote or discussion, with the ranking's trimmed mean as their score
    and their presenter author as the speaker."""
    from seminar.reviews.overview import ranking

    rows = [row for topic in (await ranking(seminar, "trimmed")).topics for row in topic.rows]
    chosen = [
        row for row in rows
        if row.decision is not None and row.decision.outcome.value in AGENDA_OUTCOMES
        and row.paper.topic_id is not None
    ]
    speakers = await speakers_of([row.paper.id for row in chosen])
    papers = []
    for row in chosen:
        assert row.decision is not None and row.paper.topic_id is not None  # as chosen above
        score = row.ranked.trimmed if row.ranked.trimmed is not None else row.ranked.mean
        speaker = speakers.get(row.paper.id)
        papers.append(
            DecidedPaper(
                paper_id=row.paper.id,
                topic_id=row.paper.topic_id,
                decision=AGENDA_OUTCOMES[row.decision.outcome.value],
                score=float(score or 0.0),
                title=row.paper.title,
                speaker=Person(None, speaker.name) if speaker else None,
            )
        )
    return papers


async def paper_states(seminar: Seminar) -> dict[int, PaperState]:
    """Paper id → what the checks need of it (number, title, topic, withdrawn, decision, left out), for every
    paper sent in; three queries."""
    from seminar.reviews.models import Decision as DecisionRow

    outcomes = dict(await DecisionRow.filter(seminar_id=seminar.id).values_list("paper_id", "outcome"))
    left_out = dict(await AgendaLeftOut.filter(seminar_id=seminar.id).values_list("paper_id", "reason"))
    rows = await Paper.filter(seminar_id=seminar.id).exclude(status=PaperStatus.DRAFT).values_list(
        "id", "number", "title", "topic_id", "status"
    )
    return {
        int(paper_id): PaperState(
            int(paper_id), int(number), str(title), topic_id, status == PaperStatus.WITHDRAWN,
            str(outcomes[paper_id]) if paper_id in outcomes else None, left_out.get(paper_id),
        )
        for paper_id, number, title, topic_id, status in rows
    }


async def releases_of(seminar: Seminar) -> list[AgendaRelease]:
    return await AgendaRelease.filter(seminar_id=seminar.id).select_related("published_by").order_by("-number")


@dataclass(frozen=True)
class ReleaseEntry:
    release: AgendaRelease
    changes: list[Change]  # since the release before it, in the reader's language


async def releases_with_changes(seminar: Seminar) -> list[ReleaseEntry]:
    """Every release, newest first, with its changelog worded for whoever reads the page: taken
    again from the two snapshots rather than from the text stored in the publisher's language."""
    releases = await releases_of(seminar)
    agendas = [agenda_from_data(release.data) for release in releases]
    entries = []
    for index, release in enumerate(releases):
        after = agendas[index]
        before = agendas[index + 1] if index + 1 < len(agendas) else Agenda(after.rooms, (), after.time_zone)
        entries.append(ReleaseEntry(release, diff_releases(before, after)))
    return entries


async def latest_release(seminar: Seminar) -> AgendaRelease | None:
    return await AgendaRelease.filter(seminar_id=seminar.id).order_by("-number").first()


@dataclass(frozen=True)
class ReleaseHead:
    """Just enough to find a cached page or file: one query for every public request."""

    seminar_id: int
    release_id: int
    number: int
    proceedings_public: bool  # whether the page and files link papers to their public pages


async def release_head(slug: str) -> ReleaseHead | None:
    row: Any = (
        await AgendaRelease.filter(seminar__slug=slug)
        .order_by("-number")
        .first()
        .values("seminar_id", "id", "number", proceedings_public="seminar__proceedings_public")
    )
    if row is None:
        return None
    return ReleaseHead(row["seminar_id"], row["id"], row["number"], bool(row["proceedings_public"]))


async def release_with_seminar(release_id: int) -> AgendaRelease:
    return await AgendaRelease.get(id=release_id).select_related("seminar")


async def get_release_or_404(seminar: Seminar, number: int) -> AgendaRelease:
    release = await AgendaRelease.get_or_none(seminar_id=seminar.id, number=number)
    if release is None:
        raise HTTPException(status_code=404)
    return release


async def paper_urls(request: Request, seminar: Seminar, paper_ids: set[int]) -> dict[int, str]:
    """Absolute links to the public pages of those of these papers that are in the proceedings.

    Whether to link at all (the proceedings are public) is the caller's question: it is part of
    the cache key of what the links end up in.
    """
    from seminar.proceedings.queries import public_paper_numbers

    numbers = await public_paper_numbers(seminar)
    base = request.app.state.settings.base_url.rstrip("/")
    return {
        paper_id: base + request.app.url_path_for("proceedings:paper", slug=seminar.slug, number=numbers[paper_id])
        for paper_id in sorted(paper_ids)
        if paper_id in numbers
    }


@dataclass(frozen=True)
class EditorView:
    """What the organizers' editor shows besides its forms: the draft, its problems, rooms, settings."""

    draft: Draft
    days: list[Day]
    problems: list[Problem]
    left_out: list[tuple[PaperState, str]]  # decided papers left out on purpose, with the reason
    flagged: set[str]  # slot keys a problem names
    flagged_sessions: set[str]
    rooms: list[Room]
    settings: AgendaSettings
    latest: AgendaRelease | None


async def editor_view(seminar: Seminar) -> EditorView:
    rooms = await rooms_of(seminar)
    current = await load_draft(seminar, rooms)
    latest = await latest_release(seminar)
    states = await paper_states(seminar)
    published = PublishedAgenda(latest.number, agenda_from_data(latest.data)) if latest is not None else None
    decided = await decided_papers(seminar)
    # Checked also before any draft exists: a paper decided for the agenda is a finding until placed or left out.
    problems = (
        find_problems(current.agenda, decided, states, published)
        if current.agenda.sessions or decided or published is not None else []
    )
    return EditorView(
        draft=current,
        days=days_of(current.agenda),
        problems=problems,
        left_out=sorted(((s, s.left_out) for s in states.values() if s.left_out is not None), key=lambda r: r[0].number),
        flagged={key for problem in problems for key in problem.slot_keys},
        flagged_sessions={key for problem in problems for key in problem.session_keys},
        rooms=rooms,
        settings=await settings_of(seminar),
        latest=latest,
    )


async def active_user(user_id: int) -> User | None:
    return await User.get_or_none(id=user_id, is_active=True)


async def people_for(user: User, agenda: Agenda) -> list[Person]:
    """The names the agenda knows this account by: its account, the papers it is an author of, its name as
    主持人 or 点评人."""
    paper_ids: set[int] = (
        set(await column(Author.filter(email__iexact=user.email), "paper_id")) if user.email else set()
    )
    people: dict[tuple[str, int | str], Person] = {("id", user.id): Person(user.id, user.name)}
    for _session, slot in agenda.slots():
        if slot.paper_id in paper_ids and slot.speaker is not None:
            people.setdefault(slot.speaker.identity, slot.speaker)
        for contribution in slot.contributions:
            if contribution.paper_id in paper_ids and contribution.speaker is not None:
                people.setdefault(contribution.speaker.identity, contribution.speaker)
    for session in agenda.sessions:
        for person in (session.chair, *session.commentators):
            if person is not None and person.id is None and person.name == user.name:
                people.setdefault(person.identity, person)
    return list(people.values())


@dataclass(frozen=True)
class MyAgenda:
    """A signed-in person's part of the latest release: the slots they speak in, the sessions they chair."""

    release: AgendaRelease
    mine: list[tuple[Session, Slot]]
    chaired: list[Session]


async def my_agenda_of(seminar: Seminar, user: User) -> MyAgenda | None:
    latest = await latest_release(seminar)
    if latest is None:
        return None
    agenda = agenda_from_data(latest.data)
    people = {p.identity for p in await people_for(user, agenda)}
    return MyAgenda(
        release=latest,
        mine=[(s, slot) for s, slot in agenda.slots() if any(p.identity in people for p in s.speakers(slot))],
        chaired=[s for s in agenda.sessions if s.chair is not None and s.chair.identity in people],
    )


async def program(seminar_id: int, agenda: Agenda) -> list[ProgramDay]:
    """The agenda as printed (`program.program_of`), with its topics' numbers and people's 单位."""
    return program_of(agenda, await topic_numbers(seminar_id), await affiliations_of(agenda))


async def topic_numbers(seminar_id: int) -> dict[int, int]:
    """Topic id → its number (1 for 专题一)."""
    topics = await Topic.filter(seminar_id=seminar_id).values_list("id", "position")
    return {int(topic_id): int(position) for topic_id, position in topics}


async def affiliations_of(agenda: Agenda) -> Affiliations:
    """The 单位 of the agenda's people where none was typed: an account's unit, else the unit the paper's
    author gave (else the paper's city)."""
    people = [person for _session, slot in agenda.slots() for person in slot.people()]
    people += [person for session in agenda.sessions for person in (session.chair, *session.commentators) if person]
    account_ids = {person.id for person in people if person.id is not None}
    accounts: dict[int, str] = {}
    if account_ids:
        for user_id, unit in await User.filter(id__in=account_ids).values_list("id", "unit__name"):
            if unit:
                accounts[int(user_id)] = str(unit)
    paper_ids = {place.paper_id for place in agenda.placements()}
    authors: dict[int, dict[str, str]] = {}
    if paper_ids:
        rows = await Author.filter(paper_id__in=paper_ids).order_by("paper_id", "position", "id").values_list(
            "paper_id", "name", "unit", "paper__city__name"
        )
        for paper_id, name, unit, city in rows:
            authors.setdefault(int(paper_id), {}).setdefault(str(name).strip(), str(unit or city or ""))
    return Affiliations(accounts, authors)
