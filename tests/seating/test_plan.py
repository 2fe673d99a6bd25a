"""The hall's layout, the 主席台's centre-out order, generating and moving people: pure tables."""

from __future__ import annotations

import pytest

from seminar.seating.plan import (
    BadMove,
    DaisOverfull,
    Layout,
    LayoutProblem,
    Person,
    SeatRef,
    ShownSeat,
    Zone,
    checked_layout,
    dais_numbers,
    generate,
    move,
    parse_reserved,
    rows_of,
    swap,
)


@pytest.mark.parametrize(("seats", "second_on_left", "numbers"), [
    # Seen from the audience: No. 1 in the centre, No. 2 on No. 1's left as the platform sees it (the drawing's right).
    (1, True, [1]),
    (3, True, [2, 3, 1]),
    (5, True, [3, 4, 2, 5, 1]),
    (7, True, [4, 5, 3, 6, 2, 7, 1]),
    # Even: Nos. 1 and 2 take the two centre seats, No. 1 on the platform's left.
    (2, True, [2, 1]),
    (4, True, [3, 2, 4, 1]),
    (6, True, [4, 3, 5, 2, 6, 1]),
    # The other custom mirrors it.
    (5, False, [3, 2, 4, 1, 5]),
    (4, False, [2, 3, 1, 4]),
])
def test_dais_numbers_centre_out(seats: int, second_on_left: bool, numbers: list[int]) -> None:
    assert dais_numbers(seats, second_on_left) == numbers


@pytest.mark.parametrize(("text", "reserved"), [
    ("", {}),
    ("1 嘉宾", {1: "嘉宾"}),
    ("2-3 工作人员\n5", {2: "工作人员", 3: "工作人员", 5: ""}),
    ("4\u3000媒体", {4: "媒体"}),
])
def test_parse_reserved(text: str, reserved: dict[int, str]) -> None:
    assert parse_reserved(text, rows=10) == reserved


@pytest.mark.parametrize("text", ["嘉宾 1", "0 嘉宾", "11 嘉宾", "3-2 x"])
def test_parse_reserved_refuses_what_it_cannot_read(text: str) -> None:
    with pytest.raises(LayoutProblem):
        parse_reserved(text, rows=10)


@pytest.mark.parametrize(("sizes", "field"), [
    ((3, 7, 10, 20), "dais_rows"), ((1, 0, 10, 20), "dais_seats"), ((1, 7, 0, 20), "rows"), ((1, 7, 10, 61), "seats_per_row"),
])
def test_checked_layout_names_the_wrong_size(sizes: tuple[int, int, int, int], field: str) -> None:
    with pytest.raises(LayoutProblem) as error:
        checked_layout(*sizes, reserved_text="", second_on_left=True)
    assert error.value.field == field


def person(number: int, unit: str = "广州市") -> Person:
    return Person(number, f"人{number}", unit, (1, 10), None)


def test_generate_seats_leaders_centre_out_and_delegates_row_by_row_centre_out_skipping_reserved_rows() -> None:
    layout = Layout(dais_rows=1, dais_seats=3, rows=3, seats_per_row=2, reserved={1: "嘉宾"})

    result = generate(layout, [person(1), person(2)], [person(3), person(4), person(5), person(6), person(7)])

    # Two seats a row: the first of each row on the platform's left of the centre (the drawing's right).
    assert result.seats == {
        SeatRef(Zone.DAIS, 1, 2): 1, SeatRef(Zone.DAIS, 1, 3): 2,
        SeatRef(Zone.HALL, 2, 2): 3, SeatRef(Zone.HALL, 2, 1): 4, SeatRef(Zone.HALL, 3, 2): 5, SeatRef(Zone.HALL, 3, 1): 6,
    }
    assert result.unseated == [7]


@pytest.mark.parametrize(("seats_per_row", "second_on_left", "row_one", "row_two"), [
    # Seen from the audience, left to right: who sits where (by precedence 1, 2, 3 …), row 1 filled first.
    # No. 2 on the platform's left of No. 1 — the drawing's right —, No. 3 on its right, and outwards.
    (5, True, [9, 7, 5, 6, 8], [None, None, 10, None, None]),
    (4, True, [8, 6, 5, 7], [None, None, 9, None]),
    (5, False, [8, 6, 5, 7, 9], [None, None, 10, None, None]),
])
def test_the_hall_fills_each_row_from_its_centre_outwards_front_row_first(
    seats_per_row: int, second_on_left: bool, row_one: list[int | None], row_two: list[int | None]
) -> None:
    layout = Layout(dais_rows=1, dais_seats=1, rows=2, seats_per_row=seats_per_row, second_on_left=second_on_left)

    result = generate(layout, [], [person(n) for n in range(5, 5 + seats_per_row + 1)])

    _dais, hall = rows_of(layout, result.seats)
    assert [[cell.person for cell in row.cells] for row in hall] == [row_one, row_two]
    assert [cell.shown for cell in hall[0].cells] == [sorted(row_one).index(n) + 1 for n in row_one]  # type: ignore[type-var]


@pytest.mark.parametrize(("layout", "seat", "shown"), [
    (Layout(seats_per_row=5), SeatRef(Zone.HALL, 3, 3), 1),  # the centre
    (Layout(seats_per_row=5), SeatRef(Zone.HALL, 3, 4), 2),  # the platform's left of it
    (Layout(seats_per_row=5), SeatRef(Zone.HALL, 3, 1), 5),
    (Layout(seats_per_row=5, second_on_left=False), SeatRef(Zone.HALL, 3, 2), 2),
    (Layout(seats_per_row=4), SeatRef(Zone.HALL, 1, 3), 1),
    (Layout(dais_rows=2, dais_seats=3), SeatRef(Zone.DAIS, 1, 2), 1),
    (Layout(dais_rows=2, dais_seats=3), SeatRef(Zone.DAIS, 2, 1), 6),  # the back row goes on from the front row
])
def test_a_seat_is_shown_by_its_number_from_the_centre_and_a_form_names_it_so(layout: Layout, seat: SeatRef,
                                                                               shown: int) -> None:
    assert layout.shown_number(seat) == shown
    assert layout.seat_shown_as(ShownSeat(seat.zone, seat.row, shown)) == seat


def test_a_form_may_name_a_back_platform_seat_by_its_number_in_that_row_and_a_number_the_row_lacks_is_no_seat() -> None:
    layout = Layout(dais_rows=2, dais_seats=3, rows=2, seats_per_row=4)

    assert layout.seat_shown_as(ShownSeat(Zone.DAIS, 2, 1)) == SeatRef(Zone.DAIS, 2, 2)
    assert not layout.contains(layout.seat_shown_as(ShownSeat(Zone.HALL, 1, 5)))
    assert not layout.contains(layout.seat_shown_as(ShownSeat(Zone.HALL, 1, 0)))
    assert not layout.contains(layout.seat_shown_as(ShownSeat(Zone.DAIS, 2, 7)))


def test_generate_with_two_platform_rows_fills_the_front_row_first() -> None:
    layout = Layout(dais_rows=2, dais_seats=3, rows=1, seats_per_row=1)

    result = generate(layout, [person(n) for n in range(1, 5)], [])

    assert result.seats == {
        SeatRef(Zone.DAIS, 1, 2): 1, SeatRef(Zone.DAIS, 1, 3): 2, SeatRef(Zone.DAIS, 1, 1): 3, SeatRef(Zone.DAIS, 2, 2): 4,
    }


def test_generate_refuses_more_leaders_than_platform_seats() -> None:
    with pytest.raises(DaisOverfull):
        generate(Layout(dais_seats=2), [person(1), person(2), person(3)], [])


A, B, C = SeatRef(Zone.HALL, 1, 1), SeatRef(Zone.HALL, 1, 2), SeatRef(Zone.HALL, 2, 1)
LAYOUT = Layout(rows=2, seats_per_row=2)


@pytest.mark.parametrize(("seats", "who", "to", "after"), [
    ({A: 1}, 1, B, {B: 1}),  # to a free seat
    ({A: 1, B: 2}, 1, B, {A: 2, B: 1}),  # onto a taken seat: they swap
    ({A: 1}, 9, A, {A: 9}),  # someone without a seat takes a taken one: its occupant has none
    ({A: 1}, 1, A, {A: 1}),  # onto their own seat: nothing changes
])
def test_move(seats: dict[SeatRef, int], who: int, to: SeatRef, after: dict[SeatRef, int]) -> None:
    assert move(seats, who, to, LAYOUT) == after


def test_move_refuses_a_seat_the_hall_lacks() -> None:
    with pytest.raises(BadMove):
        move({A: 1}, 1, SeatRef(Zone.HALL, 3, 1), LAYOUT)


def test_swap_and_its_refusals() -> None:
    assert swap({A: 1, C: 2}, 1, 2) == {A: 2, C: 1}
    with pytest.raises(BadMove):
        swap({A: 1}, 1, 2)
    with pytest.raises(BadMove):
        swap({A: 1}, 1, 1)


def test_rows_of_draws_the_back_platform_row_first_with_precedence_numbers() -> None:
    layout = Layout(dais_rows=2, dais_seats=3, rows=1, seats_per_row=2, reserved={1: "嘉宾"})

    dais, hall = rows_of(layout, {SeatRef(Zone.DAIS, 1, 2): 7})

    assert [row.number for row in dais] == [2, 1]
    assert [(c.seat.number, c.person, c.shown) for c in dais[1].cells] == [(1, None, 3), (2, 7, 1), (3, None, 2)]
    assert [c.shown for c in dais[0].cells] == [6, 4, 5]
    assert [c.shown for c in hall[0].cells] == [2, 1]
    assert hall[0].label == "嘉宾"
    assert SeatRef.parse(SeatRef(Zone.DAIS, 2, 3).code) == SeatRef(Zone.DAIS, 2, 3)
    assert SeatRef.parse("dais-x-1") is None
