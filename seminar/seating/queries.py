"""Reading the seat plan: its layout, the people to seat in precedence order, the page and the printed list."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from seminar.accounts.units import people_order_of
from seminar.i18n import _
from seminar.registration.models import Registration, RegistrationStatus
from seminar.seating import plan as seating
from seminar.seating.models import Seat, SeatPlan
from seminar.seating.plan import Layout, Person, SeatRef, Zone
from seminar.registration.receipt import Rank
from seminar.seating.ranks import (
    BUREAU,
    DIVISION,
    PROVINCIAL,
    SECTION,
    delegate_precedence,
    leader_precedence,
    rank_from_position,
)
from seminar.seminars.models import Seminar


async def plan_of(seminar: Seminar) -> SeatPlan:
    """The seminar's plan, or an unsaved one with the default layout (version 0) before the first save."""
    found = await SeatPlan.get_or_none(seminar_id=seminar.id)
    return found or SeatPlan(seminar_id=seminar.id)


def layout_of(plan: SeatPlan) -> Layout:
    return Layout(
        plan.dais_rows, plan.dais_seats, plan.rows, plan.seats_per_row,
        {int(row): label for row, label in (plan.reserved or {}).items()}, plan.second_on_left,
    )


# The 职级 a 参会回执 states, as the level of its 正职 in `ranks` (其他 says nothing about seniority).
RANK_LEVELS = {Rank.PROVINCIAL: PROVINCIAL, Rank.BUREAU: BUREAU, Rank.COUNTY: DIVISION, Rank.TOWNSHIP: SECTION}


def rank_of(registration: Registration) -> int | None:
    """The rank level seating uses: the 职级 stated in the 参会回执, made finer by the 职务 (a 副职 of
    that 职级 sits after its 正职); without a stated 职级, what the 职务 says alone."""
    from_position = rank_from_position(registration.position)
    stated = RANK_LEVELS.get(registration.rank) if registration.rank else None
    if stated is None:
        return from_position
    return from_position if from_position in (stated, stated - 1) else stated


def person_of(registration: Registration) -> Person:
    unit = registration.unit
    return Person(
        registration.id, registration.name, unit.name if unit else registration.unit_text,
        people_order_of(unit), rank_of(registration),
    )


async def people_of(seminar: Seminar) -> list[Person]:
    """Every approved registration, in the order the hall seats them: units as lists of people order them
    (省直单位, then the cities), then rank."""
    registrations = await Registration.filter(
        seminar_id=seminar.id, status=RegistrationStatus.APPROVED
    ).select_related("unit")
    people = [person_of(r) for r in registrations]
    return sorted(people, key=lambda p: delegate_precedence(p.unit_order, p.unit, p.rank, p.id))


def leaders_in_order(people: list[Person], dais_ids: list[int]) -> list[Person]:
    """The people chosen for the 主席台, by rank, then unit order."""
    chosen = set(dais_ids)
    leaders = [p for p in people if p.id in chosen]
    return sorted(leaders, key=lambda p: leader_precedence(p.rank, p.unit_order, p.id))


async def seats_of(plan: SeatPlan) -> dict[SeatRef, int]:
    if plan.version == 0:  # not saved yet
        return {}
    return {
        SeatRef(Zone(zone), row, number): registration_id
        for zone, row, number, registration_id in await Seat.filter(plan_id=plan.id).values_list(
            "zone", "row", "number", "registration_id"
        )
    }


@dataclass(frozen=True)
class PlanView:
    plan: SeatPlan
    layout: Layout
    people: dict[int, Person]
    in_order: list[Person]  # everyone approved, in precedence order
    dais_rows: list[seating.Row]
    hall_rows: list[seating.Row]
    unseated: list[Person]
    seat_of: dict[int, SeatRef]
    free_seats: int


async def plan_view(seminar: Seminar) -> PlanView:
    plan = await plan_of(seminar)
    layout = layout_of(plan)
    in_order = await people_of(seminar)
    seats = await seats_of(plan)
    dais_rows, hall_rows = seating.rows_of(layout, seats)
    seat_of = {who: seat for seat, who in seats.items()}
    total = layout.dais_rows * layout.dais_seats + len(layout.hall_seat_refs())
    return PlanView(
        plan, layout, {p.id: p for p in in_order}, in_order, dais_rows, hall_rows,
        [p for p in in_order if p.id not in seat_of], seat_of, max(total - len(seats), 0),
    )


def seat_name(layout: Layout, seat: SeatRef) -> str:
    """A seat as the page's forms name it, by the number the plan shows: "row 3, No. 1", "platform, No. 2"."""
    if seat.zone == Zone.DAIS:
        return _("platform, No. %(number)s", number=layout.shown_number(seat))
    return _("row %(row)s, No. %(number)s", row=seat.row, number=layout.shown_number(seat))


def plan_page(seminar: Seminar, view: PlanView) -> dict[str, Any]:
    return {
        "seminar": seminar, **vars(view), "Zone": Zone,
        "seat_names": {who: seat_name(view.layout, seat) for who, seat in view.seat_of.items()},
        "reserved_text": seating.reserved_text(view.layout.reserved),
        "dais_chosen": set(view.plan.dais_ids or []),
    }


@dataclass(frozen=True)
class ListedSeat:
    name: str
    unit: str
    row: str  # 主席台第1排 / 第3排
    seat: int


def seat_label(seat: SeatRef) -> str:
    """How the printed list names a row: 主席台 (第2排) or 第N排."""
    if seat.zone == Zone.DAIS:
        return "主席台" if seat.row == 1 else f"主席台第{seat.row}排"
    return f"第{seat.row}排"


def seat_list(view: PlanView) -> list[ListedSeat]:
    """Everyone seated: the 主席台 No. 1 first, then the hall by units in official order, so a delegate finds their unit;
    each seat by the number the plan shows (counted from the centre of its row)."""
    layout = view.layout
    dais = sorted(
        (p for p in view.in_order if p.id in view.seat_of and view.seat_of[p.id].zone == Zone.DAIS),
        key=lambda p: layout.shown_number(view.seat_of[p.id]),
    )
    hall = [p for p in view.in_order if p.id in view.seat_of and view.seat_of[p.id].zone == Zone.HALL]
    return [ListedSeat(p.name, p.unit, seat_label(view.seat_of[p.id]), in_row(layout, view.seat_of[p.id]))
            for p in dais + hall]


def in_row(layout: Layout, seat: SeatRef) -> int:
    """A seat's number within its row as the list prints it beside the row (主席台第2排 counts from 1 again)."""
    shown = layout.shown_number(seat)
    return shown - (seat.row - 1) * layout.dais_seats if seat.zone == Zone.DAIS and layout.contains(seat) else shown
