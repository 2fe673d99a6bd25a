"""The participants list as the .xlsx organizers print: 序号, 姓名, 单位, 职务, 手机, 邮箱, 状态.

Pure: plain rows in, workbook bytes out; headings in Chinese whatever the organizer's language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from seminar.spreadsheets import Column, new_workbook, to_bytes, write_table

COLUMNS: tuple[Column, ...] = (
    Column("序号", 6),
    Column("姓名", 10),
    Column("单位", 28, wrap=True),
    Column("职务", 22, wrap=True),
    Column("手机", 14, text=True),
    Column("邮箱", 28),
    Column("状态", 8),
    Column("报名时间", 17),
)
HEADINGS = tuple(column.heading for column in COLUMNS)
STATUS_NAMES = {"pending": "待审核", "approved": "已通过", "rejected": "未通过"}


@dataclass(frozen=True)
class ParticipantRow:
    name: str
    unit: str
    position: str
    phone: str
    email: str
    status: str
    registered_at: dt.datetime  # local time of the seminar


def participants_xlsx(title: str, rows: Sequence[ParticipantRow]) -> bytes:
    workbook, sheet = new_workbook("参会人员")
    write_table(
        sheet,
        COLUMNS,
        (
            (index, row.name, row.unit, row.position, row.phone, row.email, STATUS_NAMES.get(row.status, row.status),
             row.registered_at)
            for index, row in enumerate(rows, start=1)
        ),
        title=f"{title}参会人员名单",
    )
    return to_bytes(workbook)
