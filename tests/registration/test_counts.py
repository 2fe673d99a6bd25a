"""The 会务组's counts from the 回执: rooms per night, meals by kind per day, arrivals per day, totals."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from seminar.registration.counts import ReceiptRow, count, rooms_text
from seminar.registration.receipt import Diet, Lodging

START, END = dt.date(2026, 12, 10), dt.date(2026, 12, 11)


def row(name: str, arrival: dt.date | None, departure: dt.date | None, lodging: Lodging | None, diet: Diet | None = None,
        transport: str = "", companions: int = 0) -> ReceiptRow:
    return ReceiptRow(name, "广州市", arrival, transport, departure, lodging, diet, companions)


def test_a_single_room_is_one_room_and_a_shared_one_half_a_room_per_person_per_night() -> None:
    counts = count(
        [
            row("甲", dt.date(2026, 12, 9), dt.date(2026, 12, 11), Lodging.SINGLE),  # nights of the 9th and 10th
            row("乙", dt.date(2026, 12, 10), dt.date(2026, 12, 11), Lodging.SHARED),  # night of the 10th
            row("丙", dt.date(2026, 12, 10), dt.date(2026, 12, 12), Lodging.SHARED),  # nights of the 10th and 11th
            row("丁", dt.date(2026, 12, 10), dt.date(2026, 12, 11), Lodging.NONE),
        ],
        START, END,
    )

    assert counts.rooms == {
        dt.date(2026, 12, 9): Fraction(1), dt.date(2026, 12, 10): Fraction(2), dt.date(2026, 12, 11): Fraction(1, 2),
    }
    assert counts.room_nights == Fraction(7, 2) and rooms_text(counts.room_nights) == "3.5"
    assert counts.lodging == {Lodging.SINGLE: 1, Lodging.SHARED: 2, Lodging.NONE: 1}


def test_meals_are_counted_by_kind_on_each_day_from_arrival_to_departure() -> None:
    counts = count(
        [
            row("甲", dt.date(2026, 12, 9), dt.date(2026, 12, 11), Lodging.SINGLE, Diet.HALAL, companions=1),
            row("乙", dt.date(2026, 12, 10), dt.date(2026, 12, 10), None, Diet.VEGETARIAN),
            row("丙", dt.date(2026, 12, 10), dt.date(2026, 12, 11), None, None),  # nothing said: the ordinary meal
        ],
        START, END,
    )

    assert counts.days == [dt.date(2026, 12, 9), dt.date(2026, 12, 10), dt.date(2026, 12, 11)]
    assert counts.meals[dt.date(2026, 12, 9)] == {Diet.NONE: 0, Diet.HALAL: 1, Diet.VEGETARIAN: 0}
    assert counts.meals[dt.date(2026, 12, 10)] == {Diet.NONE: 1, Diet.HALAL: 1, Diet.VEGETARIAN: 1}
    assert counts.meals[dt.date(2026, 12, 11)] == {Diet.NONE: 1, Diet.HALAL: 1, Diet.VEGETARIAN: 0}
    assert counts.companions == {dt.date(2026, 12, 9): 1, dt.date(2026, 12, 10): 1, dt.date(2026, 12, 11): 1}
    assert counts.diet == {Diet.HALAL: 1, Diet.VEGETARIAN: 1, Diet.NONE: 1} and counts.companions_total == 1
    assert counts.rooms == {dt.date(2026, 12, 9): 1, dt.date(2026, 12, 10): 1}


def test_without_dates_a_person_stays_the_whole_seminar_and_is_not_listed_among_arrivals() -> None:
    counts = count([row("甲", None, None, Lodging.SINGLE)], START, END)

    assert counts.rooms == {START: Fraction(1)}
    assert list(counts.meals) == [START, END] and counts.arrivals == {}


def test_arrivals_are_listed_per_day_with_the_train_or_flight() -> None:
    counts = count(
        [
            row("甲", dt.date(2026, 12, 9), END, Lodging.SINGLE, transport="G6101 14:30 广州南"),
            row("乙", dt.date(2026, 12, 10), END, Lodging.SINGLE, transport="CZ3456 09:05 白云机场"),
            row("丙", dt.date(2026, 12, 9), END, Lodging.SINGLE, transport="自驾"),
        ],
        START, END,
    )

    assert {day: [(a.name, a.transport) for a in arrivals] for day, arrivals in counts.arrivals.items()} == {
        dt.date(2026, 12, 9): [("甲", "G6101 14:30 广州南"), ("丙", "自驾")],
        dt.date(2026, 12, 10): [("乙", "CZ3456 09:05 白云机场")],
    }
    assert counts.people == 3


def test_nobody_counts_nothing() -> None:
    counts = count([], START, END)

    assert counts.rooms == {} and counts.room_nights == 0 and counts.people == 0
    assert counts.meals[START] == {Diet.NONE: 0, Diet.HALAL: 0, Diet.VEGETARIAN: 0}
