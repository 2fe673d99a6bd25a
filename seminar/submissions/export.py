"""The organizers' paper list as the .xlsx a 政法委 files: Chinese headings, 序号 first, official city order.

Pure: plain `PaperRow`s in, workbook bytes out. The headings and status names are the
fixed Chinese of the official form, whatever language the organizer reads the site in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from seminar.spreadsheets import CellValue, Column, new_workbook, to_bytes, write_table

COLUMNS: tuple[Column, ...] = (
    Column("序号", 6),
    Column("编号", 7),
    Column("城市", 10, wrap=True),
    Column("专题", 14, wrap=True),
    Column("题目", 30, wrap=True),
    Column("副标题", 24, wrap=True),
    Column("作者", 10, wrap=True),
    Column("作者单位", 24, wrap=True),
    Column("职务", 16, wrap=True),
    Column("手机", 14, text=True, wrap=True),
    Column("邮箱", 26, wrap=True),
    Column("关键词", 22, wrap=True),
    Column("字数", 8),
    Column("状态", 8),
    Column("提交时间", 17),
)
HEADINGS = tuple(column.heading for column in COLUMNS)
STATUS_NAMES = {"draft": "草稿", "submitted": "已提交", "withdrawn": "已撤回"}


@dataclass(frozen=True)
class AuthorRow:
    name: str
    unit: str
    job_title: str
    phone: str
    email: str


@dataclass(frozen=True)
class PaperRow:
    number: int
    city: str
    city_order: int
    topic: str
    # Papers whose topic was deleted come after every topic.
    topic_position: int | None
    title: str
    subtitle: str
    authors: Sequence[AuthorRow]
    keywords: Sequence[str]
    word_count: int | None
    status: str
    # Local time of the seminar.
    submitted_at: dt.datetime | None


def sort_key(paper: PaperRow) -> tuple[int, int, int]:
    """Official city order, then topic order, then paper number."""
    topic = paper.topic_position if paper.topic_position is not None else 1_000_000
    return (paper.city_order, topic, paper.number)


def _cells(serial: int, paper: PaperRow) -> list[CellValue]:
    def lines(values: Sequence[str]) -> str:
        # One author per line, so the i-th line of each author column is the same person.
        return "\n".join(values)

    return [
        serial,
        paper.number,
        paper.city,
        paper.topic,
        paper.title,
        paper.subtitle,
        lines([author.name for author in paper.authors]),
        lines([author.unit for author in paper.authors]),
        lines([author.job_title for author in paper.authors]),
        lines([author.phone for author in paper.authors]),
        lines([author.email for author in paper.authors]),
        "、".join(paper.keywords),
        paper.word_count,
        STATUS_NAMES.get(paper.status, paper.status),
        paper.submitted_at,
    ]


def paper_list_xlsx(seminar_title: str, papers: Sequence[PaperRow]) -> bytes:
    """One sheet 论文清单: the seminar's title merged above the header, then one row per paper."""
    workbook, sheet = new_workbook("论文清单")
    ordered = sorted(papers, key=sort_key)
    write_table(sheet, COLUMNS, [_cells(serial, paper) for serial, paper in enumerate(ordered, start=1)], title=seminar_title)
    return to_bytes(workbook)
