"""Badge sheets and table cards as data: categories, spacing of names, positions and cut marks."""

from __future__ import annotations

import pytest

from seminar.certificates.badges import (
    BADGE_MM, PAGE_MM, BadgePerson, Placed, category_of, cut_marks, name_size_pt, sheets, spaced_name, table_cards,
)


@pytest.mark.parametrize(("roles", "expected"), [
    ({"organizer", "reviewer"}, "staff"),
    ({"reviewer", "attendee"}, "expert"),
    ({"attendee"}, "delegate"),
    ({"submitter"}, "delegate"),
    (set(), "delegate"),
])
def test_category_of(roles: set[str], expected: str) -> None:
    assert category_of(roles) == expected


@pytest.mark.parametrize(("name", "expected"), [
    ("张三", "张\u3000三"),
    ("欧阳明月", "欧阳明月"),
    ("林国栋", "林国栋"),
    (" 马俊 ", "马\u3000俊"),
    ("Li Ming", "Li Ming"),
])
def test_spaced_name(name: str, expected: str) -> None:
    assert spaced_name(name) == expected


def test_table_card_names_are_large_and_shrink_only_when_long() -> None:
    assert name_size_pt("张三") == name_size_pt("林国栋") == 110.0
    assert name_size_pt("阿卜杜热合曼·买买提") < 90


def people(n: int) -> list[BadgePerson]:
    return [BadgePerson(f"人{i}", "广州市", "delegate", f"https://x/{i}") for i in range(n)]


def test_four_badges_a_sheet_inside_the_page_without_overlap() -> None:
    pages = sheets(people(9))

    assert [len(page) for page in pages] == [4, 4, 1]
    for page in pages:
        boxes = [(p.left, p.top, p.left + BADGE_MM[0], p.top + BADGE_MM[1]) for p in page]
        assert all(0 < x0 and x1 < PAGE_MM[0] and 0 < y0 and y1 < PAGE_MM[1] for x0, y0, x1, y1 in boxes)
        for a in boxes:
            for b in boxes:
                assert a == b or a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]


def test_cut_marks_stay_outside_every_badge_and_on_the_page() -> None:
    page = sheets(people(4))[0]

    def box(p: Placed) -> tuple[float, float, float, float]:
        return p.left, p.top, p.left + BADGE_MM[0], p.top + BADGE_MM[1]

    for placed in page:
        marks = cut_marks(placed)
        assert len(marks) == 8
        for mark in marks:
            x0, y0, x1, y1 = mark.left, mark.top, mark.left + mark.width, mark.top + mark.height
            assert 0 <= x0 and x1 <= PAGE_MM[0] and 0 <= y0 and y1 <= PAGE_MM[1]
            points = [(x0, y0), ((x0 + x1) / 2, (y0 + y1) / 2), (x1, y1)]
            # On the line of its own badge's edge, outside it; nowhere near the next badge, not even its edge.
            bx0, by0, bx1, by1 = box(placed)
            assert not any(bx0 < x < bx1 and by0 < y < by1 for x, y in points)
            for other in page:
                if other is not placed:
                    ox0, oy0, ox1, oy1 = box(other)
                    assert not any(ox0 <= x <= ox1 and oy0 <= y <= oy1 for x, y in points)


def test_table_cards_follow_the_people() -> None:
    assert [card.name for card in table_cards([BadgePerson("张三", "", "staff", ""), BadgePerson("林国栋", "", "delegate", "")])] == [
        "张\u3000三", "林国栋",
    ]
