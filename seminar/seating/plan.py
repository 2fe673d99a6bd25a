"""The hall and who sits where: pure data in, pure data out.

Seats are named as the printed plan shows them, seen from the audience facing the stage: the
主席台's rows count from its front row, the hall's rows from the front (第1排), and a seat is
stored by its place in its row counted from the left of the drawing (`SeatRef.number`). What the
plan, the list and the forms call a seat is its number counted from the centre (`shown_number`),
as Chinese meeting halls number and fill their rows: No. 1 sits in the centre (or, with an even
number of seats, left of the centre as the 主席台 sees it), No. 2 on No. 1's left, No. 3 on its
right, and so on outwards — on the 主席台 and in every row of the hall alike; `second_on_left=False`
mirrors that for bodies whose protocol puts No. 2 on the right.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from seminar.errors import UserError
from seminar.i18n import _

MAX_DAIS_ROWS = 2
MAX_DAIS_SEATS = 40
MAX_ROWS = 60
MAX_SEATS_PER_ROW = 60


class Zone(StrEnum):
    DAIS = "dais"  # 主席台
    HALL = "hall"  # 台下


@dataclass(frozen=True, order=True)
class SeatRef:
    zone: Zone
    row: int
    number: int

    @property
    def code(self) -> str:
        """How forms and the page name a seat: dais-1-3, hall-5-12."""
        return f"{self.zone.value}-{self.row}-{self.number}"

    @classmethod
    def parse(cls, code: str) -> SeatRef | None:
        parts = code.strip().split("-")
        if len(parts) != 3 or parts[0] not in (Zone.DAIS, Zone.HALL) or not all(p.isdigit() for p in parts[1:]):
            return None
        return cls(Zone(parts[0]), int(parts[1]), int(parts[2]))


@dataclass(frozen=True)
class ShownSeat:
    """A seat as a form names it: the zone, the row and the number the plan shows (`Layout.seat_shown_as`)."""

    zone: Zone
    row: int
    shown: int


@dataclass(frozen=True)
class Layout:
    dais_rows: int = 1
    dais_seats: int = 7
    rows: int = 10
    seats_per_row: int = 20
    reserved: Mapping[int, str] = field(default_factory=dict)  # hall row → what it is kept for (嘉宾, 工作人员)
    second_on_left: bool = True

    def contains(self, seat: SeatRef) -> bool:
        if seat.zone == Zone.DAIS:
            return 1 <= seat.row <= self.dais_rows and 1 <= seat.number <= self.dais_seats
        return 1 <= seat.row <= self.rows and 1 <= seat.number <= self.seats_per_row

    def dais_seat_refs(self) -> list[SeatRef]:
        """The 主席台's seats in precedence order: front row centre outwards, then the row behind it."""
        return [SeatRef(Zone.DAIS, row, number) for row in range(1, self.dais_rows + 1)
                for number in dais_numbers(self.dais_seats, self.second_on_left)]

    def hall_seat_refs(self) -> list[SeatRef]:
        """The hall's seats for delegates in filling order: front row first, each row from its centre
        outwards (the higher-ranked nearer the centre), reserved rows skipped."""
        order = dais_numbers(self.seats_per_row, self.second_on_left)
        return [SeatRef(Zone.HALL, row, number) for row in range(1, self.rows + 1) if row not in self.reserved
                for number in order]

    def shown_number(self, seat: SeatRef) -> int:
        """The seat's number as the plan, the list and the forms give it: counted from the centre of its row
        (1 in the middle, then alternately left and right); on the 主席台, the precedence over both rows
        (its back row goes on from where the front row ends). A seat the layout lacks keeps its stored number.
        """
        if not self.contains(seat):
            return seat.number
        if seat.zone == Zone.DAIS:
            order = dais_numbers(self.dais_seats, self.second_on_left)
            return (seat.row - 1) * self.dais_seats + order.index(seat.number) + 1
        return dais_numbers(self.seats_per_row, self.second_on_left).index(seat.number) + 1

    def seat_shown_as(self, named: ShownSeat | SeatRef) -> SeatRef:
        """The seat a form names by its row and shown number (the inverse of `shown_number`); a back 主席台 row's
        seat may be given by its number in that row too. A number the row lacks gives a seat the layout lacks."""
        if isinstance(named, SeatRef):
            return named
        zone, row, shown = named.zone, named.row, named.shown
        seats = self.dais_seats if zone == Zone.DAIS else self.seats_per_row
        in_row = shown - (row - 1) * seats if zone == Zone.DAIS and (row - 1) * seats < shown <= row * seats else shown
        if not 1 <= in_row <= seats:
            return SeatRef(zone, row, seats + 1)
        return SeatRef(zone, row, dais_numbers(seats, self.second_on_left)[in_row - 1])


class LayoutProblem(UserError):
    """Sizes the hall cannot have."""


def checked_layout(
    dais_rows: int, dais_seats: int, rows: int, seats_per_row: int, reserved_text: str, second_on_left: bool
) -> Layout:
    """The layout the organizer typed, or LayoutProblem saying what is wrong with it."""
    if not 1 <= dais_rows <= MAX_DAIS_ROWS:
        raise LayoutProblem(_("The platform has one or two rows."), field="dais_rows")
    if not 1 <= dais_seats <= MAX_DAIS_SEATS:
        raise LayoutProblem(_("A platform row has 1 to %(most)s seats.", most=MAX_DAIS_SEATS), field="dais_seats")
    if not 1 <= rows <= MAX_ROWS:
        raise LayoutProblem(_("The hall has 1 to %(most)s rows.", most=MAX_ROWS), field="rows")
    if not 1 <= seats_per_row <= MAX_SEATS_PER_ROW:
        raise LayoutProblem(_("A row has 1 to %(most)s seats.", most=MAX_SEATS_PER_ROW), field="seats_per_row")
    return Layout(dais_rows, dais_seats, rows, seats_per_row, parse_reserved(reserved_text, rows), second_on_left)


def parse_reserved(text: str, rows: int) -> dict[int, str]:
    """Reserved rows, one a line: "1 嘉宾", or a range "2-3 工作人员"; a row number alone keeps the row empty."""
    reserved: dict[int, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        numbers, _space, label = line.replace("\u3000", " ").partition(" ")
        first, _dash, last = numbers.replace("－", "-").partition("-")
        if not first.isdigit() or (last and not last.isdigit()):
            raise LayoutProblem(_("Write each reserved row as a row number and a label, e.g. “1 嘉宾” or “2-3 工作人员”."),
                                field="reserved")
        start, end = int(first), int(last or first)
        if not 1 <= start <= end <= rows:
            raise LayoutProblem(_("Reserved rows must be between 1 and %(rows)s.", rows=rows), field="reserved")
        for row in range(start, end + 1):
            reserved[row] = label.strip()
    return reserved


def reserved_text(reserved: Mapping[int, str]) -> str:
    return "\n".join(f"{row} {label}".strip() for row, label in sorted(reserved.items()))


def dais_numbers(seats: int, second_on_left: bool = True) -> list[int]:
    """Seat numbers (from the drawing's left, seen from the audience) for precedence No. 1, 2, 3 … of one row,
    on the 主席台 or in the hall.

    >>> dais_numbers(5)  # No. 1 centre, No. 2 on its left as the dais sees it (the drawing's right)
    [3, 4, 2, 5, 1]
    """
    centre = (seats - 1) / 2
    # Indexes as the seated leaders see them, 0 = their leftmost; ties: their left first.
    seated = sorted(range(seats), key=lambda s: (abs(s - centre), s if second_on_left else -s))
    return [seats - s for s in seated]


@dataclass(frozen=True)
class Person:
    """One approved registration, as seating needs it."""

    id: int
    name: str
    unit: str
    unit_order: tuple[int, int]  # accounts.units.people_unit_order
    rank: int | None


class DaisOverfull(UserError):
    pass


@dataclass(frozen=True)
class Generated:
    seats: dict[SeatRef, int]  # seat → registration id
    unseated: list[int]  # no seat left for them, in precedence order


def generate(layout: Layout, dais: Sequence[Person], delegates: Sequence[Person]) -> Generated:
    """The 主席台 for `dais`, the hall for `delegates`, each already in precedence order."""
    dais_seats = layout.dais_seat_refs()
    if len(dais) > len(dais_seats):
        raise DaisOverfull(_(
            "%(count)s people are chosen for the platform, which has %(seats)s seats. Choose fewer or add seats.",
            count=len(dais), seats=len(dais_seats),
        ))
    seats = {seat: person.id for seat, person in zip(dais_seats, dais)}
    hall = layout.hall_seat_refs()
    seats |= {seat: person.id for seat, person in zip(hall, delegates)}
    return Generated(seats, [person.id for person in delegates[len(hall):]])


class BadMove(UserError):
    pass


def move(seats: Mapping[SeatRef, int], person: int, to: SeatRef, layout: Layout) -> dict[SeatRef, int]:
    """`person` takes seat `to`; whoever sat there takes `person`'s old seat (or, if `person` had none, has none)."""
    if not layout.contains(to):
        raise BadMove(_("There is no such seat in the hall."))
    result = {seat: who for seat, who in seats.items() if who != person}
    origin = next((seat for seat, who in seats.items() if who == person), None)
    occupant = seats.get(to)
    if occupant is not None and occupant != person and origin is not None:
        result[origin] = occupant
    result[to] = person
    return result


def swap(seats: Mapping[SeatRef, int], first: int, second: int) -> dict[SeatRef, int]:
    """Two seated people change places."""
    where = {who: seat for seat, who in seats.items()}
    if first not in where or second not in where:
        raise BadMove(_("Both people must have a seat to swap them; use “Move” to seat someone."))
    if first == second:
        raise BadMove(_("Choose two different people."))
    result = dict(seats)
    result[where[first]], result[where[second]] = second, first
    return result


def unseat(seats: Mapping[SeatRef, int], person: int) -> dict[SeatRef, int]:
    return {seat: who for seat, who in seats.items() if who != person}


def outside(seats: Iterable[SeatRef], layout: Layout) -> list[SeatRef]:
    """Seats a smaller layout no longer has."""
    return [seat for seat in seats if not layout.contains(seat)]


@dataclass(frozen=True)
class Cell:
    seat: SeatRef
    person: int | None
    shown: int  # the seat's number counted from the centre (`Layout.shown_number`)


@dataclass(frozen=True)
class Row:
    zone: Zone
    number: int
    cells: list[Cell]
    label: str = ""  # a reserved row's label


def rows_of(layout: Layout, seats: Mapping[SeatRef, int]) -> tuple[list[Row], list[Row]]:
    """The 主席台's rows (its back row first, as drawn above the front one) and the hall's rows, front first."""
    def cell(seat: SeatRef) -> Cell:
        return Cell(seat, seats.get(seat), layout.shown_number(seat))

    dais = [Row(Zone.DAIS, row, [cell(SeatRef(Zone.DAIS, row, n)) for n in range(1, layout.dais_seats + 1)])
            for row in range(layout.dais_rows, 0, -1)]
    hall = [
        Row(Zone.HALL, row, [cell(SeatRef(Zone.HALL, row, n)) for n in range(1, layout.seats_per_row + 1)],
            layout.reserved.get(row, ""))
        for row in range(1, layout.rows + 1)
    ]
    return dais, hall


def name_size_pt(seats_in_row: int, width_mm: float = 270.0, characters: int = 3, largest: float = 12.0) -> float:
    """The plan's name size, so three characters fit a seat's box across the page."""
    box = width_mm / max(seats_in_row, 1) * 0.85
    return round(max(4.0, min(largest, box / characters / 0.3528)), 1)


@dataclass(frozen=True)
class Drawing:
    """A seat plan as it is drawn on paper (the A4 座次表, the 会议手册's 座次图): plain data for
    `templates/seating/_drawing.html`, which `drawing_sizes` fits to the page's width and height."""

    title: str  # what the plan is for (开班式), else the seminar's title
    layout: Layout
    dais_rows: list[Row]
    hall_rows: list[Row]
    people: dict[int, Person]

    @property
    def seated(self) -> int:
        return sum(1 for row in (*self.dais_rows, *self.hall_rows) for cell in row.cells if cell.person in self.people)


def drawing_sizes(layout: Layout, width_mm: float, height_mm: float) -> dict[str, float]:
    """The drawing's measures for a page whose seats may use `width_mm` across and whose hall rows `height_mm`
    down: the names' sizes on the 主席台 and in the hall, the hall's row height (7 to 14 mm: rows grow
    to fill the page when the hall has few of them) and the 主席台's width (24 mm a seat at most)."""
    return {
        "dais_size": name_size_pt(layout.dais_seats, width_mm, largest=14.0),
        "hall_size": name_size_pt(layout.seats_per_row, width_mm),
        "row_mm": round(max(7.0, min(14.0, height_mm / max(layout.rows, 1))), 1),
        "dais_width": min(layout.dais_seats * 24, round(width_mm + 7)),
    }
