"""The 会务组's counts from the 回执: rooms per night, meals by kind per day, arrivals per day.

Pure: plain rows in, numbers out. The rules, as a 会务组 books a hotel:
- a person stays the nights from the arrival date up to the night before departure; no dates
  given: the seminar's first day, and its last day, stand in (they attend throughout);
- 单住 takes one room a night, 合住 half a room a night per person, 不住 (or nothing said) none;
- a person eats on each day from arrival to departure (both included), counted by diet
  (nothing said: 无, the ordinary meal); 随行人员 are counted apart, per day, beside the meals;
- arrivals are listed per day with each person's 车次/航班, for the pick-up.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction

from seminar.registration.receipt import Diet, Lodging

ROOM_SHARE = {Lodging.SINGLE: Fraction(1), Lodging.SHARED: Fraction(1, 2), Lodging.NONE: Fraction(0)}


@dataclass(frozen=True)
class ReceiptRow:
    name: str
    unit: str
    arrival: dt.date | None
    arrival_transport: str
    departure: dt.date | None
    lodging: Lodging | None
    diet: Diet | None
    companions: int = 0


@dataclass(frozen=True)
class Arrival:
    name: str
    unit: str
    transport: str


@dataclass
class Counts:
    days: list[dt.date] = field(default_factory=list)
    # night (the date the night begins) → rooms, in halves
    rooms: dict[dt.date, Fraction] = field(default_factory=dict)
    meals: dict[dt.date, dict[Diet, int]] = field(default_factory=dict)
    companions: dict[dt.date, int] = field(default_factory=dict)
    arrivals: dict[dt.date, list[Arrival]] = field(default_factory=dict)
    people: int = 0
    lodging: dict[Lodging | None, int] = field(default_factory=dict)
    diet: dict[Diet, int] = field(default_factory=dict)
    companions_total: int = 0
    room_nights: Fraction = Fraction(0)

    @property
    def nights(self) -> list[dt.date]:
        return [day for day in self.days if day in self.rooms]


def _span(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=offset) for offset in range((last - first).days + 1)]


def stay(row: ReceiptRow, starts_on: dt.date, ends_on: dt.date) -> tuple[dt.date, dt.date]:
    """The person's first and last day, the seminar's dates standing in for those not given."""
    arrival = row.arrival or starts_on
    departure = row.departure or max(ends_on, arrival)
    return arrival, max(departure, arrival)


def count(rows: Iterable[ReceiptRow], starts_on: dt.date, ends_on: dt.date) -> Counts:
    rows = list(rows)
    stays = [stay(row, starts_on, ends_on) for row in rows]
    first = min([starts_on, *(arrival for arrival, _departure in stays)])
    last = max([ends_on, *(departure for _arrival, departure in stays)])
    counts = Counts(days=_span(first, last))
    rooms: defaultdict[dt.date, Fraction] = defaultdict(Fraction)
    meals: defaultdict[dt.date, Counter[Diet]] = defaultdict(Counter)
    companions: Counter[dt.date] = Counter()
    arrivals: defaultdict[dt.date, list[Arrival]] = defaultdict(list)
    for row, (arrival, departure) in zip(rows, stays, strict=True):
        share = ROOM_SHARE.get(row.lodging, Fraction(0)) if row.lodging else Fraction(0)
        for night in _span(arrival, departure)[:-1]:
            if share:
                rooms[night] += share
        diet = row.diet or Diet.NONE
        for day in _span(arrival, departure):
            meals[day][diet] += 1
            companions[day] += row.companions
        if row.arrival is not None:
            arrivals[row.arrival].append(Arrival(row.name, row.unit, row.arrival_transport))
    counts.rooms = {night: rooms[night] for night in counts.days if night in rooms}
    counts.meals = {day: {diet: meals[day][diet] for diet in Diet} for day in counts.days}
    counts.companions = {day: companions[day] for day in counts.days}
    counts.arrivals = {day: arrivals[day] for day in counts.days if day in arrivals}
    counts.people = len(rows)
    counts.lodging = dict(Counter(row.lodging for row in rows))
    counts.diet = dict(Counter(row.diet or Diet.NONE for row in rows))
    counts.companions_total = sum(row.companions for row in rows)
    counts.room_nights = sum(rooms.values(), Fraction(0))
    return counts


def rooms_text(rooms: Fraction) -> str:
    """3, 3.5: rooms are whole or half."""
    return str(rooms.numerator // rooms.denominator) if rooms.denominator == 1 else f"{float(rooms):g}"

