"""Loading seminars for routes."""

from __future__ import annotations

from starlette.exceptions import HTTPException

from seminar.seminars.models import Seminar, Topic


async def get_seminar_or_404(slug: str) -> Seminar:
    seminar = await Seminar.get_or_none(slug=slug).select_related("organizer_unit")
    if seminar is None:
        raise HTTPException(status_code=404)
    return seminar


async def topics_of(seminar: Seminar) -> list[Topic]:
    return await Topic.filter(seminar_id=seminar.id).order_by("position", "id")
