"""All submitted reviews as the .xlsx organizers file: 序号 first, official city order, one row per review.

Pure: plain `ReviewRow`s in, workbook bytes out. Headings and labels are the fixed Chinese of
an office form, whatever language the organizer reads the site in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from seminar.reviews.letters import OUTCOME_NAMES as RECOMMENDATION_NAMES
from seminar.spreadsheets import CellValue, Column, new_workbook, to_bytes, write_table

CONFIDENCE_NAMES = {1: "低", 2: "中", 3: "高"}


@dataclass(frozen=True)
class ReviewRow:
    number: int
    title: str
    city: str
    city_order: int
    topic: str
    reviewer: str
    scores: Mapping[str, int]  # criterion key → points
    total: int | None
    recommendation: str | None
    confidence: int | None
    comment_to_authors: str
    confidential_note: str
    # Local time of the seminar.
    submitted_at: dt.datetime | None


def columns(criteria: Sequence[tuple[str, str, int]]) -> list[Column]:
    """`criteria`: (key, name, maximum) in the form's order; each becomes a column "选题（15）"."""
    return [
        Column("序号", 6),
        Column("编号", 7),
        Column("题目", 30, wrap=True),
        Column("城市", 10, wrap=True),
        Column("专题", 14, wrap=True),
        Column("评审专家", 10, wrap=True),
        *(Column(f"{name}（{top}）", 9) for _key, name, top in criteria),
        Column("总分", 7),
        Column("推荐", 12, wrap=True),
        Column("把握程度", 8),
        Column("点评", 40, wrap=True),
        Column("内部意见", 30, wrap=True),
        Column("提交时间", 17),
    ]


def reviews_xlsx(seminar_title: str, criteria: Sequence[tuple[str, str, int]], rows: Sequence[ReviewRow]) -> bytes:
    """One sheet 评审意见: the seminar's title above the header, reviews by city order, paper, reviewer."""
    workbook, sheet = new_workbook("评审意见")
    ordered = sorted(rows, key=lambda row: (row.city_order, row.number, row.reviewer))
    cells: list[list[CellValue]] = [
        [
            serial, row.number, row.title, row.city, row.topic, row.reviewer,
            *(row.scores.get(key) for key, _name, _top in criteria),
            row.total,
            RECOMMENDATION_NAMES.get(row.recommendation or "", ""),
            CONFIDENCE_NAMES.get(row.confidence or 0, ""),
            row.comment_to_authors,
            row.confidential_note,
            row.submitted_at,
        ]
        for serial, row in enumerate(ordered, start=1)
    ]
    write_table(sheet, columns(criteria), cells, title=seminar_title)
    return to_bytes(workbook)
