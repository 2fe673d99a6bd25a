"""The seat list as the .xlsx the 会务组 prints: 序号, 姓名, 单位, 排, 座. Pure: rows in, bytes out."""

from __future__ import annotations

from collections.abc import Sequence

from seminar.seating.queries import ListedSeat
from seminar.spreadsheets import Column, new_workbook, to_bytes, write_table

COLUMNS: tuple[Column, ...] = (
    Column("序号", 6),
    Column("姓名", 10),
    Column("单位", 30, wrap=True),
    Column("排", 14),
    Column("座", 6),
)


def seat_list_xlsx(title: str, rows: Sequence[ListedSeat]) -> bytes:
    workbook, sheet = new_workbook("座次")
    write_table(
        sheet, COLUMNS,
        ((index, row.name, row.unit, row.row, row.seat) for index, row in enumerate(rows, start=1)),
        title=f"{title}座次表",
    )
    return to_bytes(workbook)
