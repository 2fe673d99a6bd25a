"""The participants list as the .xlsx organizers print: 序号, 单位, 姓名, 职务, 手机, then the 参会回执
columns the seminar asks for, 邮箱, 状态, 报名时间 — by unit in the official order.

Pure: plain rows in, workbook bytes out; headings and values in Chinese whatever the organizer's language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from seminar.registration.receipt import (
    DIET_CHINESE,
    GENDER_CHINESE,
    LODGING_CHINESE,
    RANK_CHINESE,
    Diet,
    Gender,
    Lodging,
    Mode,
    Rank,
)
from seminar.spreadsheets import CellValue, Column, new_workbook, to_bytes, write_table

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
    gender: Gender | None = None
    ethnicity: str = ""
    rank: Rank | None = None
    arrival_on: dt.date | None = None
    arrival_transport: str = ""
    departure_on: dt.date | None = None
    departure_transport: str = ""
    lodging: Lodging | None = None
    diet: Diet | None = None
    companions: int = 0
    companion_names: str = ""
    note: str = ""


def _day(day: dt.date | None) -> str:
    return f"{day.month}月{day.day}日" if day else ""


def _companions(row: ParticipantRow) -> str:
    if not row.companions and not row.companion_names:
        return ""
    return f"{row.companions}人" + (f"（{row.companion_names}）" if row.companion_names else "")


Getter = Callable[[ParticipantRow], CellValue]
# (setting in receipt.FIELDS or "" for columns always there, column, value)
_COLUMNS: tuple[tuple[str, Column, Getter], ...] = (
    ("", Column("单位", 24, wrap=True), lambda row: row.unit),
    ("", Column("姓名", 10), lambda row: row.name),
    ("gender", Column("性别", 6), lambda row: GENDER_CHINESE[row.gender] if row.gender else ""),
    ("ethnicity", Column("民族", 8), lambda row: row.ethnicity),
    ("", Column("职务", 22, wrap=True), lambda row: row.position),
    ("rank", Column("职级", 9), lambda row: RANK_CHINESE[row.rank] if row.rank else ""),
    ("", Column("手机", 14, text=True), lambda row: row.phone),
    ("arrival", Column("到会日期", 10), lambda row: _day(row.arrival_on)),
    ("arrival", Column("到会车次/航班", 18, wrap=True), lambda row: row.arrival_transport),
    ("departure", Column("离会日期", 10), lambda row: _day(row.departure_on)),
    ("departure", Column("离会车次/航班", 18, wrap=True), lambda row: row.departure_transport),
    ("lodging", Column("住宿", 7), lambda row: LODGING_CHINESE[row.lodging] if row.lodging else ""),
    ("diet", Column("饮食", 7), lambda row: DIET_CHINESE[row.diet] if row.diet else ""),
    ("companions", Column("随行人员", 16, wrap=True), _companions),
    ("note", Column("备注", 20, wrap=True), lambda row: row.note),
    ("", Column("邮箱", 26), lambda row: row.email),
    ("", Column("状态", 8), lambda row: STATUS_NAMES.get(row.status, row.status)),
    ("", Column("报名时间", 17), lambda row: row.registered_at),
)


def columns_for(modes: Mapping[str, Mode]) -> list[tuple[Column, Getter]]:
    """序号 and the columns of the fields asked for (a field not asked has no column)."""
    return [(Column("序号", 6), lambda row: 0)] + [
        (column, value) for setting, column, value in _COLUMNS if not setting or modes.get(setting, Mode.OFF) != Mode.OFF
    ]


def participants_xlsx(title: str, rows: Sequence[ParticipantRow], modes: Mapping[str, Mode]) -> bytes:
    """The rows as given (the caller orders them by unit); 序号 numbers them."""
    columns = columns_for(modes)
    workbook, sheet = new_workbook("参会人员")
    write_table(
        sheet,
        [column for column, _value in columns],
        ((index, *(value(row) for _column, value in columns[1:])) for index, row in enumerate(rows, start=1)),
        title=f"{title}参会人员名单",
    )
    return to_bytes(workbook)
