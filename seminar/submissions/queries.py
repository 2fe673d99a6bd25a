"""Loading papers for the person asking: what they may see, and the counts organizers ask for."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from starlette.exceptions import HTTPException
from tortoise.queryset import QuerySet

from seminar.accounts.models import Unit, UnitKind
from seminar.db import column
from seminar.permissions import Actor, can_see_paper
from seminar.seminars.models import Seminar, Topic
from seminar.submissions.export import AuthorRow, PaperRow
from seminar.reviews.models import Decision
from seminar.submissions import rules
from seminar.submissions.models import Author, FinalVersion, FinalVersionStatus, Manuscript, Paper, PaperStatus

FILTERS = ("topic", "city", "status")


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
    if filters["topic"].isdigit():
        papers = papers.filter(topic_id=int(filters["topic"]))
    if filters["city"].isdigit():
        papers = papers.filter(city_id=int(filters["city"]))
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
    cities = await Unit.filter(kind__in=[UnitKind.CITY, UnitKind.SPECIAL_ZONE]).order_by("sort_order", "id")
    cities += [unit for unit in await Unit.filter(id__in=city_ids).order_by("sort_order", "id") if unit not in cities]
    rows = []
    for city in cities:
        cells = [counts[(city.id, topic.id)] for topic in topics]
        rows.append((city, cells, sum(count for (city_id, _topic), count in counts.items() if city_id == city.id)))
    column_totals = [sum(counts[(city.id, topic.id)] for city in cities) for topic in topics]
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
