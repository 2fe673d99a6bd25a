"""Changing the seat plan: layout, the 主席台's people, generating, moving people; and freeing a refused person's seat.

Every change carries the version of the page it was made on: if the plan changed since, the
change is refused with `StalePlan` and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from seminar.errors import UserError
from seminar.i18n import _
from seminar.seating import plan as seating
from seminar.seating.models import Seat, SeatPlan
from seminar.seating.plan import Layout, SeatRef, ShownSeat
from seminar.seating.queries import layout_of, leaders_in_order, people_of, seats_of
from seminar.seminars.models import Seminar


class StalePlan(UserError):
    def __init__(self) -> None:
        super().__init__(_(
            "The seat plan was changed by someone else after you opened this page. Nothing was changed; "
            "the plan below is the current one, please make your change again."
        ), field="version")


class ConfirmRegenerate(UserError):
    """Seats were moved by hand: regenerating would undo those moves."""

    def __init__(self) -> None:
        super().__init__(_("Seats were moved by hand since the plan was generated. Generating again puts everyone "
                           "back in precedence order and undoes those moves."))


async def _claim(seminar: Seminar, opened_version: int) -> SeatPlan:
    """The plan, its version raised by one, inside the caller's transaction; StalePlan if the page is older."""
    plan = await SeatPlan.get_or_none(seminar_id=seminar.id)
    if plan is None:
        if opened_version != 0:
            raise StalePlan()
        try:
            return await SeatPlan.create(seminar_id=seminar.id, version=1)
        except IntegrityError:  # someone saved the first version at the same moment
            raise StalePlan() from None
    if await SeatPlan.filter(id=plan.id, version=opened_version).update(version=opened_version + 1) != 1:
        raise StalePlan()
    plan.version = opened_version + 1
    return plan


async def _write_seats(plan: SeatPlan, old: Mapping[SeatRef, int], new: Mapping[SeatRef, int]) -> None:
    """Store `new` over `old`, touching only the people whose seat changed."""
    before = {who: seat for seat, who in old.items()}
    after = {who: seat for seat, who in new.items()}
    changed = {who for who in before.keys() | after.keys() if before.get(who) != after.get(who)}
    if not changed:
        return
    await Seat.filter(plan_id=plan.id, registration_id__in=changed).delete()
    await Seat.bulk_create([
        Seat(plan_id=plan.id, registration_id=who, zone=seat.zone, row=seat.row, number=seat.number)
        for who, seat in after.items() if who in changed
    ])


async def save_layout(seminar: Seminar, opened_version: int, layout: Layout, title: str) -> int:
    """Store the hall's sizes; people in seats the new layout lacks lose them. Returns how many did."""
    async with in_transaction():
        plan = await _claim(seminar, opened_version)
        old = await seats_of(plan)
        lost = seating.outside(old, layout)
        await _write_seats(plan, old, {seat: who for seat, who in old.items() if seat not in lost})
        plan.title = title.strip()
        plan.dais_rows, plan.dais_seats, plan.rows, plan.seats_per_row = (
            layout.dais_rows, layout.dais_seats, layout.rows, layout.seats_per_row
        )
        plan.reserved = {str(row): label for row, label in layout.reserved.items()}
        plan.second_on_left = layout.second_on_left
        await plan.save()
    return len(lost)


async def choose_dais(seminar: Seminar, opened_version: int, registration_ids: set[int]) -> None:
    """Who sits on the 主席台 when the plan is next generated; only approved registrations count."""
    approved = {person.id for person in await people_of(seminar)}
    async with in_transaction():
        plan = await _claim(seminar, opened_version)
        plan.dais_ids = sorted(registration_ids & approved)
        await plan.save(update_fields=["dais_ids", "version"])


async def generate_plan(seminar: Seminar, opened_version: int, overwrite_moves: bool) -> list[int]:
    """Everyone approved in a seat by precedence; returns who found none (the hall is full).

    Over a plan with seats moved by hand, ConfirmRegenerate unless `overwrite_moves`.
    """
    people = await people_of(seminar)
    async with in_transaction():
        plan = await _claim(seminar, opened_version)
        if plan.moved_by_hand and not overwrite_moves:
            raise ConfirmRegenerate()
        leaders = leaders_in_order(people, plan.dais_ids or [])
        chosen = {p.id for p in leaders}
        generated = seating.generate(layout_of(plan), leaders, [p for p in people if p.id not in chosen])
        await _write_seats(plan, await seats_of(plan), generated.seats)
        plan.moved_by_hand, plan.generated_at = False, dt.datetime.now(dt.UTC)
        await plan.save(update_fields=["moved_by_hand", "generated_at", "version"])
    return generated.unseated


async def _edit(seminar: Seminar, opened_version: int, people: set[int],
                change: Callable[[dict[SeatRef, int], Layout], dict[SeatRef, int]]) -> None:
    approved = {person.id for person in await people_of(seminar)}
    if not people <= approved:
        raise seating.BadMove(_("Choose people from the list of approved participants."))
    async with in_transaction():
        plan = await _claim(seminar, opened_version)
        old = await seats_of(plan)
        await _write_seats(plan, old, change(old, layout_of(plan)))
        plan.moved_by_hand = True
        await plan.save(update_fields=["moved_by_hand", "version"])


async def move_person(seminar: Seminar, opened_version: int, registration_id: int, to: SeatRef | ShownSeat) -> None:
    """The person takes the seat (by its place, or as a form names it); its occupant takes theirs (or has none
    if they had none)."""
    await _edit(seminar, opened_version, {registration_id},
                lambda seats, layout: seating.move(seats, registration_id, layout.seat_shown_as(to), layout))


async def swap_people(seminar: Seminar, opened_version: int, first: int, second: int) -> None:
    await _edit(seminar, opened_version, {first, second}, lambda seats, _layout: seating.swap(seats, first, second))


async def unseat_person(seminar: Seminar, opened_version: int, registration_id: int) -> None:
    await _edit(seminar, opened_version, {registration_id}, lambda seats, _layout: seating.unseat(seats, registration_id))


async def free_seat(seminar_id: int, registration_id: int) -> None:
    """A registration no longer approved leaves its seat and the 主席台 list; call inside that change's transaction.

    The plan's version goes up, so a plan page opened before shows the change instead of moving a ghost.
    """
    plan = await SeatPlan.get_or_none(seminar_id=seminar_id)
    if plan is None:
        return
    seated = await Seat.filter(plan_id=plan.id, registration_id=registration_id).delete()
    chosen = plan.dais_ids or []
    if not seated and registration_id not in chosen:
        return
    await SeatPlan.filter(id=plan.id).update(
        version=F("version") + 1, dais_ids=[i for i in chosen if i != registration_id]
    )
