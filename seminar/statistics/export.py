"""The statistics page as a workbook: one sheet per chart, with the figures the chart draws.

Pure: figures in, .xlsx bytes out; headings in Chinese whatever the organizer's language, as
every export of this system.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from seminar.spreadsheets import CellValue, Column, new_workbook, to_bytes, write_table
from seminar.statistics.queries import Figures


def statistics_xlsx(title: str, figures: Figures) -> bytes:
    table = figures.city_topic
    workbook, sheet = new_workbook("城市与专题")
    rows: list[Sequence[CellValue]] = [
        (city, *(table.counts.get((r, c), 0) for c in range(len(table.topics))), table.row_total(r))
        for r, city in enumerate(table.cities)
    ]
    rows.append(("合计", *(table.column_total(c) for c in range(len(table.topics))), table.total))
    write_table(
        sheet,
        (Column("城市", 14), *(Column(topic, 12, wrap=True) for topic in table.topics), Column("合计", 8)),
        rows,
        title=f"{title}各城市各专题报送论文数",
    )
    per_day = Counter(figures.submission_days)
    running = 0
    days = []
    for day in sorted(per_day):
        running += per_day[day]
        days.append((day.isoformat(), per_day[day], running))
    write_table(
        workbook.create_sheet("报送进度"), (Column("日期", 12), Column("当日报送", 10), Column("累计", 8)), days,
        title=f"报送截止：{figures.deadline.isoformat()}" if figures.deadline else "报送进度",
    )
    write_table(
        workbook.create_sheet("评分分布"),
        (Column("评审专家", 14), Column("已评篇数", 10), Column("最低分", 8), Column("平均分", 8), Column("最高分", 8)),
        [
            (row.name, len(row.totals), min(row.totals), round(row.mean or 0, 1), max(row.totals))
            for row in figures.reviewer_totals
        ],
        title=f"各评审专家评分分布（满分{figures.highest_total}）",
    )
    write_table(
        workbook.create_sheet("评审进度"),
        (Column("评审专家", 14), Column("已提交", 8), Column("草稿", 8), Column("未开始", 8)),
        [(row.name, row.submitted, row.drafted, row.not_started) for row in figures.reviewer_work],
        title="评审进度",
    )
    write_table(
        workbook.create_sheet("报名"),
        (Column("单位", 24, wrap=True), Column("已通过", 8), Column("待审核", 8)),
        [(row.unit, row.approved, row.pending) for row in figures.registrations],
        title="各单位报名人数",
    )
    return to_bytes(workbook)
