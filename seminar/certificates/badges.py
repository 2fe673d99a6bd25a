"""参会证 (badges) and 桌签 (table tent cards): who gets which colour, and where each badge sits on a sheet.

Plain data in and out. A badge is 90×120 mm, four to an A4 sheet (2 × 2) with cut marks at the
corners of each; a table card is one A4 landscape sheet folded along its middle, the name on both
halves, the upper one upside down so it reads the right way from the audience once folded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from seminar.titlelines import title_lines

# Category → (label, colour); the order is the order of the printed sheets.
CATEGORIES = {
    "staff": ("工作人员", "#2e7d32"),
    "expert": ("点评专家", "#1f5fa8"),
    "guest": ("嘉宾", "#c77700"),
    "delegate": ("代表", "#b0161b"),
}

PAGE_MM = (210.0, 297.0)
BADGE_MM = (90.0, 120.0)
# CJK characters of the 10 pt bold title across the badge's top band (80 mm inside its padding).
BAND_TITLE_WIDTH = 21
COLUMNS, ROWS = 2, 2
GAP_MM = 8.0  # between badges, so each has its own cut marks (which stay inside the gap)
MARK_MM = 3.0  # the length of a cut mark: offset + length < the gap, so no mark reaches the next badge
MARK_OFFSET_MM = 1.5  # marks stop short of the badge, so no line shows once cut


@dataclass(frozen=True)
class BadgePerson:
    name: str
    unit: str
    category: str  # a key of CATEGORIES
    qr_url: str
    code: str = ""  # the short check-in code printed under the QR code, for typing in


@dataclass(frozen=True)
class Placed:
    """A badge on a sheet: its top-left corner in mm from the sheet's corner."""

    person: BadgePerson
    left: float
    top: float


@dataclass(frozen=True)
class CutMark:
    left: float
    top: float
    width: float
    height: float


def category_of(roles: set[str]) -> str:
    """Organizers and staff work the seminar (工作人员); reviewers comment (点评专家); everyone else is a 代表."""
    if "organizer" in roles or "staff" in roles:
        return "staff"
    if "reviewer" in roles:
        return "expert"
    return "delegate"


def spaced_name(name: str) -> str:
    """Two-character names are spaced with an ideographic space (张　三), as name cards print them."""
    stripped = name.strip()
    if len(stripped) == 2 and all("\u4e00" <= c <= "\u9fff" for c in stripped):
        return f"{stripped[0]}\u3000{stripped[1]}"
    return stripped


def badge_origin() -> tuple[float, float]:
    """The top-left corner of the block of badges, centred on the sheet."""
    block_w = COLUMNS * BADGE_MM[0] + (COLUMNS - 1) * GAP_MM
    block_h = ROWS * BADGE_MM[1] + (ROWS - 1) * GAP_MM
    return (PAGE_MM[0] - block_w) / 2, (PAGE_MM[1] - block_h) / 2


def sheets(people: list[BadgePerson]) -> list[list[Placed]]:
    """The badges, four a sheet, in order: row by row, left to right."""
    per_sheet = COLUMNS * ROWS
    left0, top0 = badge_origin()
    pages = []
    for start in range(0, len(people), per_sheet):
        page = []
        for index, person in enumerate(people[start:start + per_sheet]):
            row, column = divmod(index, COLUMNS)
            page.append(Placed(person, left0 + column * (BADGE_MM[0] + GAP_MM), top0 + row * (BADGE_MM[1] + GAP_MM)))
        pages.append(page)
    return pages


def cut_marks(placed: Placed) -> list[CutMark]:
    """Eight short lines, two at each corner, on the extension of the badge's edges, outside it."""
    w, h = BADGE_MM
    x0, y0, x1, y1 = placed.left, placed.top, placed.left + w, placed.top + h
    gap, length = MARK_OFFSET_MM, MARK_MM
    marks = []
    for x, y in ((x0, y0), (x1, y0), (x0, y1), (x1, y1)):
        outward_x = -1 if x == x0 else 1
        outward_y = -1 if y == y0 else 1
        # horizontal mark: along the badge's top/bottom edge, beyond its side
        hx = x + gap if outward_x > 0 else x - gap - length
        marks.append(CutMark(hx, y, length, 0))
        # vertical mark: along the badge's side, beyond its top/bottom
        vy = y + gap if outward_y > 0 else y - gap - length
        marks.append(CutMark(x, vy, 0, length))
    return marks


def name_size_pt(name: str, width_mm: float = 250.0, largest: float = 110.0) -> float:
    """The table card's name size: ~110 pt for two or three characters, smaller for long names so it fits one line."""
    characters = max(len(spaced_name(name)), 1)
    fitting = width_mm / characters / 0.3528  # a CJK character is about 1 em wide; 1 pt = 0.3528 mm
    return round(min(largest, fitting), 1)


@dataclass(frozen=True)
class TableCard:
    name: str  # spaced as printed
    size: float  # pt


def table_cards(people: list[BadgePerson]) -> list[TableCard]:
    return [TableCard(spaced_name(person.name), name_size_pt(person.name)) for person in people]


def title_context(seminar_title: str) -> dict[str, Any]:
    """What every sheet prints of the seminar: its title, and on a badge's band the title in lines
    broken between words (`seminar.titlelines`), never 研/讨班 or (发挥政/治引领作用)."""
    return {"seminar_title": seminar_title, "band_title_lines": title_lines(seminar_title, BAND_TITLE_WIDTH)}
