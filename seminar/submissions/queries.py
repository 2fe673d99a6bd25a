"""Loading papers for the person asking: what they may see, and the counts organizers ask for."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from starlette.exceptions import HTTPException
from tortoise.queryset import QuerySet

from seminar.accounts.models import Unit, UnitKind
from seminar.permissions import Actor, can_see_paper
from seminar.seminars.models import Seminar, Topic
from seminar.submissions.models import Paper, PaperStatus


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
