"""The printed 座次表 (A4 landscape plan) and 座次名单 (A4 list): what their templates are given.

Typeset by the certificates' sheet machinery (`render_sheets`) from `templates/seating/pdf/`.
"""

from __future__ import annotations

from typing import Any

from seminar.seating import plan as seating
from seminar.seating.queries import PlanView, seat_list
from seminar.seminars.models import Seminar


def title_of(seminar: Seminar, view: PlanView) -> str:
    return view.plan.title or seminar.title


def date_text(seminar: Seminar) -> str:
    """The seminar's first day as printed: 2026年12月10日."""
    day = seminar.starts_on
    return f"{day.year}年{day.month}月{day.day}日"


def drawing_of(seminar: Seminar, view: PlanView) -> seating.Drawing:
    return seating.Drawing(title_of(seminar, view), view.layout, view.dais_rows, view.hall_rows, view.people)


def plan_context(seminar: Seminar, view: PlanView) -> dict[str, Any]:
    """A4 landscape: 270 mm across for the seats, 120 mm down for the hall's rows."""
    return {
        "title": title_of(seminar, view), "date_text": date_text(seminar), "drawing": drawing_of(seminar, view),
        **seating.drawing_sizes(view.layout, width_mm=270.0, height_mm=120.0),
    }


def plan_pages(view: PlanView) -> int:
    return 1 + view.layout.rows // 15


def list_context(seminar: Seminar, view: PlanView) -> dict[str, Any]:
    return {"title": title_of(seminar, view), "date_text": date_text(seminar), "rows": seat_list(view)}
