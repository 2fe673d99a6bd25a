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
from seminar.permissions import Actor, can_see_paper
from seminar.seminars.models import Seminar, Topic
from seminar.submissions.export import AuthorRow, PaperRow
from seminar.submissions.models import Author, Manuscript, Paper, PaperStatus

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
