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


def plan_context(seminar: Seminar, view: PlanView) -> dict[str, Any]:
    return {
        "title": title_of(seminar, view), "date_text": date_text(seminar), "view": view,
        "dais_size": seating.name_size_pt(view.layout.dais_seats, largest=14.0),
        "hall_size": seating.name_size_pt(view.layout.seats_per_row),
        # Rows grow to fill the page (up to 14 mm) when the hall has few of them.
        "row_mm": round(max(7.0, min(14.0, 120.0 / max(view.layout.rows, 1))), 1),
    }


def plan_pages(view: PlanView) -> int:
    return 1 + view.layout.rows // 15


def list_context(seminar: Seminar, view: PlanView) -> dict[str, Any]:
    return {"title": title_of(seminar, view), "date_text": date_text(seminar), "rows": seat_list(view)}
