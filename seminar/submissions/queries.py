"""Loading papers for the person asking: what they may see, what each page shows, the counts organizers ask for."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from starlette.exceptions import HTTPException
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.queryset import QuerySet

from seminar import i18n
from seminar.accounts.models import Unit, UnitKind
from seminar.db import column
from seminar.permissions import Actor, can_change_paper, can_edit_paper, can_see_paper
from seminar.reviews.models import Decision
from seminar.reviews.overview import released_decision
from seminar.reviews.queries import is_decided
from seminar.seminars.models import Seminar, Topic
from seminar.seminars.rules import countdown
from seminar.submissions import rules
from seminar.submissions.archive import manuscript_name, unique_names
from seminar.overlap import queries as overlap_queries
from seminar.submissions.export import AuthorRow, PaperRow, sort_key
from seminar.text import whole_number
from seminar.submissions.intake import MAX_CHARACTERS
from seminar.submissions.models import (
    Author,
    Blob,
    DeadlineExtension,
    FinalVersion,
    FinalVersionStatus,
    Manuscript,
    Paper,
    PaperStatus,
)

FILTERS = ("topic", "city", "status")


async def city_deadline(seminar: Seminar, city_id: int) -> dt.datetime | None:
    extension = await DeadlineExtension.get_or_none(seminar_id=seminar.id, city_id=city_id)
    return rules.effective_deadline(seminar.submission_deadline, extension.until if extension else None)


@dataclass(frozen=True)
class Window:
    """A city's submission window as its pages show it."""

    deadline: dt.datetime | None
    is_open: bool
    closed_message: str
    countdown: str
    extended: bool


async def submission_window(seminar: Seminar, city_id: int) -> Window:
    """The city's deadline, whether it is still open, and how long is left."""
    deadline = await city_deadline(seminar, city_id)
    now = i18n.local_now()
    return Window(
        deadline=deadline,
        is_open=rules.is_open(now, seminar.submission_opens_at, deadline),
        closed_message=rules.closed_message(now, seminar.submission_opens_at),
        countdown=countdown(deadline, now) if deadline else "",
        extended=deadline != seminar.submission_deadline,
    )


async def paper_draft(paper: Paper, connection: BaseDBAsyncClient | None = None) -> rules.PaperDraft:
    """What `rules.missing_for_submission` looks at, read through `connection` inside a transaction."""
    authors = await Author.filter(paper_id=paper.id).using_db(connection).order_by("position")
    return rules.PaperDraft(
        title=paper.title,
        has_topic=paper.topic_id is not None,
        abstract=paper.abstract,
        keywords=paper.keywords,
        originality_confirmed=paper.originality_confirmed,
        authors=[rules.AuthorDraft(a.name, a.unit, a.is_contact) for a in authors],
        has_manuscript=await Manuscript.filter(paper_id=paper.id).using_db(connection).exists(),
    )


async def missing_for_submission(paper: Paper) -> list[str]:
    return rules.missing_for_submission(await paper_draft(paper))


async def city_of(actor: Actor) -> Unit:
    """The unit a submitter submits for."""
    assert actor.unit_id is not None, "a submitter submits for a unit"
    return await Unit.get(id=actor.unit_id)


async def cities() -> list[Unit]:
    """Every city and special zone, in official order."""
    return await Unit.filter(kind__in=[UnitKind.CITY, UnitKind.SPECIAL_ZONE]).order_by("sort_order", "id")


async def topic_choices(seminar: Seminar) -> list[tuple[int, str]]:
    return list(await Topic.filter(seminar_id=seminar.id).order_by("position", "id").values_list("id", "title"))


async def authors_of(paper: Paper) -> list[Author]:
    return await Author.filter(paper_id=paper.id).order_by("position")


def visible_papers(actor: Actor, seminar: Seminar) -> QuerySet[Paper]:
    """Every paper for organizers, the city's own papers for its submitters, none for anyone else."""
    papers = Paper.filter(seminar_id=seminar.id)
    if actor.is_organizer(seminar.id):
        return papers
    if actor.submits_for(seminar.id, actor.unit_id):
        return papers.filter(city_id=actor.unit_id)
    return papers.filter(id__in=[])


async def get_paper_or_404(actor: Actor, seminar: Seminar, number: int) -> Paper:
    """The paper numbered `number`, or 404 as if it did not exist when the actor may not see it."""
    paper = await Paper.get_or_none(seminar_id=seminar.id, number=number).select_related("topic", "city")
    if paper is None or not can_see_paper(actor, paper):
        raise HTTPException(status_code=404)
    return paper


def filtered_papers(
    actor: Actor, seminar: Seminar, params: Mapping[str, str]
) -> tuple[QuerySet[Paper], dict[str, str]]:
    """The visible papers narrowed by the list's filters (topic, city, status); unknown values are ignored."""
    filters = {key: params.get(key, "") for key in FILTERS}
    papers = visible_papers(actor, seminar)
    if (topic_id := whole_number(filters["topic"])) is not None:
        papers = papers.filter(topic_id=topic_id)
    if (city_id := whole_number(filters["city"])) is not None:
        papers = papers.filter(city_id=city_id)
    if filters["status"] in {status.value for status in PaperStatus}:
        papers = papers.filter(status=filters["status"])
    return papers, filters


@dataclass(frozen=True)
class LatestManuscript:
    paper_id: int
    blob_id: str
    kind: str
    word_count: int | None
    uploaded_at: dt.datetime


async def latest_manuscripts(paper_ids: list[int]) -> dict[int, LatestManuscript]:
    """Each paper's newest manuscript, without its converted text or its bytes."""
    latest: dict[int, LatestManuscript] = {}
    rows = await Manuscript.filter(paper_id__in=paper_ids).order_by("version").values(
        "paper_id", "blob_id", "kind", "word_count", "uploaded_at"
    )
    for row in rows:
        latest[row["paper_id"]] = LatestManuscript(**row)
    return latest


async def paper_rows(papers: list[Paper], time_zone: str) -> list[PaperRow]:
    """Plain rows for the export: `papers` loaded with their topic and city."""
    ids = [paper.id for paper in papers]
    authors: dict[int, list[AuthorRow]] = {paper_id: [] for paper_id in ids}
    for author in await Author.filter(paper_id__in=ids).order_by("position", "id"):
        authors[author.paper_id].append(
            AuthorRow(author.name, author.unit, author.job_title, author.phone, author.email)
        )
    manuscripts = await latest_manuscripts(ids)
    zone = ZoneInfo(time_zone)
    return [
        PaperRow(
            number=paper.number,
            city=paper.city.name,
            city_order=paper.city.sort_order,
            topic=paper.topic.title if paper.topic else "",
            topic_position=paper.topic.position if paper.topic else None,
            title=paper.title,
            subtitle=paper.subtitle,
            authors=authors[paper.id],
            keywords=paper.keywords,
            word_count=manuscripts[paper.id].word_count if paper.id in manuscripts else None,
            status=paper.status.value,
            submitted_at=paper.submitted_at.astimezone(zone) if paper.submitted_at else None,
        )
        for paper in papers
    ]


@dataclass(frozen=True)
class CountTable:
    """Submitted papers per city × topic, cities in official order, with totals."""

    topics: list[Topic]
    rows: list[tuple[Unit, list[int], int]]
    column_totals: list[int]
    total: int


async def city_topic_counts(seminar: Seminar) -> CountTable:
    topics = await Topic.filter(seminar_id=seminar.id).order_by("position", "id")
    pairs = await Paper.filter(seminar_id=seminar.id, status=PaperStatus.SUBMITTED).values_list("city_id", "topic_id")
    counts = Counter((city_id, topic_id) for city_id, topic_id in pairs)
    city_ids = {city_id for city_id, _topic in pairs}
    # Every city appears, even with no paper yet: the empty rows are the ones to chase.
    listed = await cities()
    listed += [unit for unit in await Unit.filter(id__in=city_ids).order_by("sort_order", "id") if unit not in listed]
    rows = []
    for city in listed:
        cells = [counts[(city.id, topic.id)] for topic in topics]
        rows.append((city, cells, sum(count for (city_id, _topic), count in counts.items() if city_id == city.id)))
    column_totals = [sum(counts[(city.id, topic.id)] for city in listed) for topic in topics]
    return CountTable(topics, rows, column_totals, len(pairs))


async def book_versions(paper_ids: list[int]) -> dict[int, int]:
    """Paper id → the manuscript version the book prints (`rules.book_version`); papers without a manuscript left out."""
    facts: dict[int, list[rules.VersionFacts]] = {paper_id: [] for paper_id in paper_ids}
    finals = dict(await FinalVersion.filter(paper_id__in=paper_ids).values_list("manuscript_id", "status"))
    for manuscript_id, paper_id, version in await Manuscript.filter(paper_id__in=paper_ids).values_list(
        "id", "paper_id", "version"
    ):
        status = finals.get(manuscript_id)
        facts[int(paper_id)].append(rules.VersionFacts(int(version), str(status) if status is not None else None))
    reviewed = dict(await Decision.filter(paper_id__in=paper_ids).values_list("paper_id", "reviewed_version"))
    chosen = {paper_id: rules.book_version(versions, reviewed.get(paper_id)) for paper_id, versions in facts.items()}
    return {paper_id: version for paper_id, version in chosen.items() if version is not None}


async def book_manuscripts(paper_ids: list[int], pinned: Mapping[int, int] | None = None) -> dict[int, Manuscript]:
    """Paper id → the manuscript the book prints, converted text included; `pinned` (paper id → version)
    overrides the choice, e.g. with the versions a published build printed."""
    versions = {**await book_versions(paper_ids), **(pinned or {})}
    wanted = [(paper_id, version) for paper_id, version in versions.items()]
    if not wanted:
        return {}
    manuscripts = await Manuscript.filter(paper_id__in=[paper_id for paper_id, _version in wanted])
    return {m.paper_id: m for m in manuscripts if versions.get(m.paper_id) == m.version}


async def final_version_problem(paper: Paper, seminar: Seminar) -> str | None:
    """Why the city cannot send a final version of `paper` now (see `rules.final_version_problem`), or None."""
    decision = await Decision.get_or_none(paper_id=paper.id)
    released = decision.notified_outcome.value if decision and decision.notified_at and decision.notified_outcome else None
    if paper.status is not PaperStatus.SUBMITTED:
        released = None
    return rules.final_version_problem(released, seminar.final_version_deadline, dt.datetime.now(dt.UTC))


@dataclass(frozen=True)
class FinalVersionState:
    """What a paper's page shows about its final version (定稿)."""

    decided: bool
    book_version: int | None  # the version the book prints now
    finals: dict[int, FinalVersion]  # manuscript id → its record, for versions sent as final versions
    problem: str | None  # why the city cannot send a final version now; None: it can
    accepted_positive: bool  # the city has been told the paper is accepted


async def final_version_state(paper: Paper, seminar: Seminar) -> FinalVersionState:
    decision = await Decision.get_or_none(paper_id=paper.id)
    problem = await final_version_problem(paper, seminar)
    return FinalVersionState(
        decided=decision is not None,
        book_version=(await book_versions([paper.id])).get(paper.id),
        finals={final.manuscript_id: final for final in await FinalVersion.filter(paper_id=paper.id)},
        problem=problem,
        accepted_positive=bool(
            decision and decision.notified_at and decision.notified_outcome
            and decision.notified_outcome.value in rules.POSITIVE_OUTCOMES
        ),
    )


@dataclass(frozen=True)
class AwaitingFinal:
    """A final version waiting for the organizers, with what the list shows of it."""

    final: FinalVersion
    paper: Paper
    manuscript: Manuscript
    book_version: int | None  # what the book prints meanwhile


@dataclass(frozen=True)
class FinalVersionsPage:
    awaiting: list[AwaitingFinal]
    # Papers told of a positive decision that have no final version accepted or waiting.
    without_final: list[Paper]


async def final_versions_page(seminar: Seminar) -> FinalVersionsPage:
    """The organizers' list of final versions: those waiting (oldest first), and accepted papers still without one."""
    waiting = await FinalVersion.filter(
        paper__seminar_id=seminar.id, status=FinalVersionStatus.PENDING
    ).select_related("paper__city", "manuscript").order_by("id")
    versions = await book_versions([final.paper_id for final in waiting])
    awaiting = [AwaitingFinal(final, final.paper, final.manuscript, versions.get(final.paper_id)) for final in waiting]
    told = await column(Decision.filter(
        seminar_id=seminar.id, notified_at__isnull=False, notified_outcome__in=sorted(rules.POSITIVE_OUTCOMES),
        paper__status=PaperStatus.SUBMITTED,
    ), "paper_id")
    covered = await column(FinalVersion.filter(
        paper_id__in=told, status__in=[FinalVersionStatus.PENDING, FinalVersionStatus.ACCEPTED]
    ), "paper_id")
    missing = set(told) - set(covered)
    without = await Paper.filter(id__in=sorted(missing)).select_related("city").order_by("number")
    return FinalVersionsPage(awaiting, without)


async def get_final_or_404(seminar: Seminar, number: int, version: int) -> FinalVersion:
    """The final version `version` of paper `number` of this seminar, or 404."""
    final = await FinalVersion.get_or_none(
        paper__seminar_id=seminar.id, paper__number=number, manuscript__version=version
    ).select_related("paper")
    if final is None:
        raise HTTPException(status_code=404)
    return final


# --- what each page shows ------------------------------------------------------------------


async def my_papers_page(actor: Actor, seminar: Seminar) -> dict[str, Any]:
    """A city's own papers, the city, and its submission window."""
    papers = await visible_papers(actor, seminar).select_related("topic").order_by("number")
    city = await city_of(actor)
    return {
        "seminar": seminar,
        "papers": papers,
        "city": city,
        "submitted_count": sum(1 for p in papers if p.status is PaperStatus.SUBMITTED),
        **dataclasses.asdict(await submission_window(seminar, city.id)),
    }


async def paper_page(
    actor: Actor, seminar: Seminar, paper: Paper, *, upload_max_bytes: int, decision: bool
) -> dict[str, Any]:
    """A paper's page: authors, manuscript versions, what is missing, its window; its released decision if `decision`."""
    # Only the metadata: the blob content stays in the database until someone downloads it.
    manuscripts = await Manuscript.filter(paper_id=paper.id).order_by("-version").select_related("uploaded_by")
    sizes = dict(await Blob.filter(sha256__in=[m.blob_id for m in manuscripts]).values_list("sha256", "size"))
    context = {
        "seminar": seminar,
        "paper": paper,
        "authors": await authors_of(paper),
        "manuscripts": manuscripts,
        "sizes": sizes,
        "latest": manuscripts[0] if manuscripts else None,
        "missing": await missing_for_submission(paper),
        "may_edit": can_edit_paper(actor, paper),
        "may_change": can_change_paper(actor, paper, await is_decided(paper)),
        "final": await final_version_state(paper, seminar),
        "final_deadline": seminar.final_version_deadline,
        "changed_since_submitted": paper.status is PaperStatus.SUBMITTED and paper.submitted_version != paper.version,
        "upload_max_bytes": upload_max_bytes,
        "max_characters": MAX_CHARACTERS,
        **dataclasses.asdict(await submission_window(seminar, paper.city_id)),
    }
    if decision:
        context["released"], context["comments_allowed"] = await released_decision(paper)
    return context


async def all_papers_page(actor: Actor, seminar: Seminar, params: Mapping[str, str], query: str) -> dict[str, Any]:
    """The organizers' list as filtered in `params`, with each paper's contact and the city × topic table."""
    papers, filters = filtered_papers(actor, seminar, params)
    found = await papers.select_related("topic", "city").order_by("city__sort_order", "number")
    contacts = {a.paper_id: a for a in await Author.filter(paper_id__in=[p.id for p in found], is_contact=True)}
    checks = await overlap_queries.checks_of([p.id for p in found])
    if params.get("sort") == "overlap":
        # Highest 去除引用复制比 first; papers not (yet) checked after them.
        found.sort(key=lambda p: -(checks[p.id].copied_without_quotation or 0) if p.id in checks else 1)
    return {
        "checks": checks,
        "overlap_threshold": (await overlap_queries.settings_of(seminar.id)).threshold,
        "sorted_by_overlap": params.get("sort") == "overlap",
        "seminar": seminar,
        "papers": found,
        "contacts": contacts,
        "filters": filters,
        "query": query,
        "topics": await topic_choices(seminar),
        "cities": await cities(),
        "statuses": list(PaperStatus),
        "table": await city_topic_counts(seminar),
    }


async def listed_papers(
    actor: Actor, seminar: Seminar, params: Mapping[str, str], *, submitted_only: bool = False
) -> list[Paper]:
    """The organizers' list as filtered in `params`, with topic and city, for the export and the zip."""
    papers, _filters = filtered_papers(actor, seminar, params)
    if submitted_only:
        papers = papers.filter(status=PaperStatus.SUBMITTED)
    return await papers.select_related("topic", "city")


async def manuscript_file(paper: Paper, version: int) -> tuple[Manuscript, bytes] | None:
    """One manuscript version of `paper` with its bytes, or None if it has no such version."""
    manuscript = await Manuscript.get_or_none(paper_id=paper.id, version=version)
    if manuscript is None:
        return None
    blob = await Blob.get(sha256=manuscript.blob_id)
    return manuscript, bytes(blob.content)


@dataclass(frozen=True)
class ArchiveEntry:
    name: str
    uploaded_at: dt.datetime
    blob_id: str


async def archive_entries(papers: list[Paper], time_zone: str) -> list[ArchiveEntry]:
    """The latest manuscript of each of `papers` that has one, named for the zip, in the export's order."""
    latest = await latest_manuscripts([paper.id for paper in papers])
    by_number = {paper.number: paper for paper in papers}
    rows: list[PaperRow] = sorted(
        (row for row in await paper_rows(papers, time_zone) if by_number[row.number].id in latest), key=sort_key
    )
    chosen = [latest[by_number[row.number].id] for row in rows]
    names = unique_names(
        manuscript_name(row.city, row.topic, row.title, [a.name for a in row.authors], f".{manuscript.kind}")
        for row, manuscript in zip(rows, chosen, strict=True)
    )
    zone = ZoneInfo(time_zone)
    return [
        ArchiveEntry(name, manuscript.uploaded_at.astimezone(zone), manuscript.blob_id)
        for name, manuscript in zip(names, chosen, strict=True)
    ]


async def archive_files(entries: list[ArchiveEntry]) -> AsyncIterator[tuple[str, dt.datetime, bytes]]:
    """Each entry's name, local time and content for `archive.stream_zip`."""
    for entry in entries:
        # One blob at a time: the zip never holds more than one manuscript in memory.
        blob = await Blob.get(sha256=entry.blob_id)
        yield entry.name, entry.uploaded_at, bytes(blob.content)


async def extensions_of(seminar: Seminar) -> list[DeadlineExtension]:
    return await DeadlineExtension.filter(seminar_id=seminar.id).select_related("city").order_by("city__sort_order")
