"""The demo seminar's agenda: two rooms, its days, drafted from the demo decisions and published as v1.

Idempotent: rooms and settings are created when missing; once a version is published nothing
is drafted or published again (an organizer's edits to the demo are left alone).
"""

from __future__ import annotations

from seminar.agenda import actions
from seminar.agenda.models import AgendaRelease, AgendaSettings, Room
from seminar.agenda.queries import decided_papers, load_draft, settings_of
from seminar.seminars.models import Seminar

DEMO_ROOMS = (("第一会议室", 200), ("第二会议室", 80))


async def build_demo_agenda(seminar: Seminar) -> int | None:
    """The number of the published version, or None when there are no decisions to lay out yet."""
    for position, (name, capacity) in enumerate(DEMO_ROOMS, start=1):
        await Room.get_or_create(seminar_id=seminar.id, name=name, defaults={"capacity": capacity, "position": position})
    if not await AgendaSettings.exists(seminar_id=seminar.id):
        defaults = await settings_of(seminar)
        await AgendaSettings.create(seminar_id=seminar.id, days=defaults.days, parallel_rooms=True)
    latest = await AgendaRelease.filter(seminar_id=seminar.id).order_by("-number").first()
    if latest is not None:
        return latest.number
    if not await decided_papers(seminar):
        return None
    current = await load_draft(seminar)
    version = await actions.draft_from_decisions(seminar, current.version, None, actions.DraftingMode.REPLACE)
    published = await actions.publish(seminar, version, None)
    return published.release.number
