"""Loading seminars and what their pages show."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from tortoise.functions import Count

from seminar.accounts.models import Role, Unit
from seminar.seminars.models import Seminar, Topic


async def get_seminar_or_404(slug: str) -> Seminar:
    seminar = await Seminar.get_or_none(slug=slug).select_related("organizer_unit")
    if seminar is None:
        raise HTTPException(status_code=404)
    return seminar


async def get_topic_or_404(seminar: Seminar, topic_id: int) -> Topic:
    """Only a topic of this seminar: another seminar's topic id is simply not found here."""
    topic = await Topic.get_or_none(id=topic_id, seminar_id=seminar.id)
    if topic is None:
        raise HTTPException(status_code=404)
    return topic


async def topics_of(seminar: Seminar) -> list[Topic]:
    return await Topic.filter(seminar_id=seminar.id).order_by("position", "id")


async def role_counts(seminar: Seminar) -> dict[str, int]:
    """People holding each role in the seminar (one person with two roles counts in both)."""
    rows = (
        await Role.filter(seminar_id=seminar.id)
        .annotate(count=Count("id"))
        .group_by("name")
        .values_list("name", "count")
    )
    return {str(name): int(count) for name, count in rows}


async def unit_choices() -> list[tuple[int, str]]:
    """Units an organizing unit can be chosen from, in the official order."""
    return list(await Unit.all().order_by("sort_order", "id").values_list("id", "name"))
