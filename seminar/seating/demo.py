"""The finished demo seminar's 座次表: the leaders on the 主席台 and everyone else seated by precedence, once."""

from __future__ import annotations

from collections.abc import Iterable

from seminar.db import column
from seminar.registration.models import Registration
from seminar.seating import actions
from seminar.seating.models import SeatPlan
from seminar.seminars.models import Seminar


async def build_demo_seats(seminar: Seminar, dais_emails: Iterable[str]) -> bool:
    """Choose the 主席台 (the registrations of `dais_emails`) and generate the plan in the default hall,
    unless the seminar has a plan already (the organizer's own is left alone); whether one was made."""
    if await SeatPlan.exists(seminar_id=seminar.id):
        return False
    dais = await column(Registration.filter(seminar_id=seminar.id, email__in=list(dais_emails)), "id")
    await actions.choose_dais(seminar, 0, set(dais))
    await actions.generate_plan(seminar, 1, overwrite_moves=False)
    return True
