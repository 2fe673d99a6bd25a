"""Precedence for seating: a person's rank level (职级) and their unit's official order.

Pure. `leader_precedence` orders the people on the 主席台, `delegate_precedence` everyone below
it; both take the rank level as an int (higher is more senior) or None (unknown: after every known
rank). `rank_from_position` reads a level off the 职务 text; `queries.rank_of` combines it with the
职级 the 参会回执 states.
"""

from __future__ import annotations

import re

# Levels: 省部级正职 10 … 乡科级副职 3. Higher sits further forward.
PROVINCIAL = 10
PROVINCIAL_DEPUTY = 9
BUREAU = 8
BUREAU_DEPUTY = 7
DIVISION = 6
DIVISION_DEPUTY = 5
SECTION = 4
SECTION_DEPUTY = 3

# A 职务 phrase → its level; the most specific phrases first (the first match in a part wins).
TITLES: tuple[tuple[str, int], ...] = (
    ("省委书记", PROVINCIAL),
    ("省长", PROVINCIAL),
    ("部长", PROVINCIAL),
    ("省委常委", PROVINCIAL_DEPUTY),
    ("市委常委", BUREAU_DEPUTY),
    ("市委书记", BUREAU),
    ("市长", BUREAU),
    ("厅长", BUREAU),
    ("政法委书记", BUREAU_DEPUTY),
    ("秘书长", BUREAU_DEPUTY),
    ("巡视员", BUREAU_DEPUTY),
    ("局长", DIVISION),
    ("县委书记", DIVISION),
    ("区委书记", DIVISION),
    ("县长", DIVISION),
    ("区长", DIVISION),
    ("处长", DIVISION),
    ("调研员", DIVISION_DEPUTY),
    ("科长", SECTION),
)
# A person's 职务 often lists several posts: 市委常委、政法委书记.
_PARTS = re.compile(r"[、，,；;/\s]+")


def rank_from_position(position: str) -> int | None:
    """The highest level any part of the 职务 names; a 副 in that part lowers it by one.

    >>> rank_from_position("市委常委、政法委书记")
    7
    """
    best: int | None = None
    for part in _PARTS.split(position.strip()):
        plain = part.replace("副", "")  # 副书记, 副厅长: the title without it, one level lower
        for title, level in TITLES:
            if title in plain:
                found = level - 1 if "副" in part else level
                best = found if best is None else max(best, found)
                break
    return best


def leader_precedence(rank: int | None, unit_order: tuple[int, int], tiebreak: int = 0) -> tuple[int, tuple[int, int], int]:
    """The sort key on the 主席台: higher rank first, then the unit's place in lists of people
    (`accounts.units.people_unit_order`: 省直单位 before the cities), then `tiebreak`."""
    return (-rank if rank is not None else 1, unit_order, tiebreak)


def delegate_precedence(
    unit_order: tuple[int, int], unit: str, rank: int | None, tiebreak: int = 0
) -> tuple[tuple[int, int], str, int, int]:
    """The sort key below the 主席台: units in the order of lists of people (`people_unit_order`: 省直单位, cities,
    institutions, no unit; a unit's people together), then rank, then `tiebreak`."""
    return (unit_order, unit, -rank if rank is not None else 1, tiebreak)
