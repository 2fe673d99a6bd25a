"""People lists as .xlsx: the blank template organizers fill in, and reading a filled one back.

The whole file is checked before anything is imported; `read_people` either returns every
row, cleaned, or raises `SpreadsheetError` with every problem found, each naming its row and
column, so the organizer can fix the file in one go. It is given untrusted bytes: the web
process runs it in a child with time and memory limits (`seminar.isolation`).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain, islice
from typing import Any

from openpyxl.reader.excel import ExcelReader
from openpyxl.worksheet._reader import WorkSheetParser

from seminar.accounts.models import RoleName
from seminar.accounts.people import AddressError, is_valid_phone, normalize_email, normalize_phone
from seminar.accounts.roles import SPREADSHEET_NAMES, UnknownRole, parse_roles
from seminar.i18n import _
from seminar.isolation import LimitExceeded
from seminar.spreadsheets import Column, new_workbook, to_bytes, write_table
from seminar.text import visible

NAME, UNIT, POSITION, PHONE, EMAIL, ROLES = "姓名", "单位", "职务", "手机", "邮箱", "角色"
COLUMNS = (NAME, UNIT, POSITION, PHONE, EMAIL, ROLES)
# Headings people actually write for the same columns (Traditional script, longer forms).
_HEADING_ALIASES = {
    "單位": UNIT, "工作单位": UNIT, "工作單位": UNIT,
    "職務": POSITION, "职务职称": POSITION, "職務職稱": POSITION,
    "手機": PHONE, "手机号": PHONE, "手机号码": PHONE, "手機號碼": PHONE, "联系电话": PHONE, "聯繫電話": PHONE,
    "郵箱": EMAIL, "电子邮箱": EMAIL, "電子郵箱": EMAIL, "电子邮件": EMAIL, "電子郵件": EMAIL,
}
MAX_ROWS = 2000
# The six columns, perhaps after a few of the organizer's own; what lies further right is never read.
MAX_COLUMNS = 50
# A small .xlsx can unpack to gigabytes (a zip bomb): refuse before parsing.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
_HEADER_SEARCH_ROWS = 10  # a title row or two may sit above the header


@dataclass(frozen=True)
class PersonRow:
    row: int  # the row number Excel shows
    name: str
    unit_id: int | None
    position: str
    phone: str
    email: str
    roles: tuple[RoleName, ...]


class SpreadsheetError(Exception):
    """Nothing may be imported; `problems` are translated messages, one per problem."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = list(problems)


def row_problem(row: int, column: str, problem: str) -> str:
    return _("Row %(row)s, column “%(column)s”: %(problem)s", row=row, column=column, problem=problem)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a phone number Excel stored as a number
    return visible(str(value)).strip()


def _heading(value: object) -> str:
    text = _text(value).replace(" ", "").replace("　", "")
    return _HEADING_ALIASES.get(text, text)


def _open_rows(data: bytes) -> Iterator[tuple[object, ...]]:
    """The first sheet's rows, read one at a time: nothing past the rows asked for is parsed."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise unreadable() from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise SpreadsheetError([_("The workbook is too large when unpacked. Remove unused sheets and try again.")])
    try:
        reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        target = next(
            rel.target for _sheet, rel in reader.parser.find_sheets()
            if rel.target in reader.valid_files and "chartsheet" not in rel.Type
        )
        # Not load_workbook: it opens every sheet, and parses a sheet without a <dimension>
        # whole to learn its size (a 50,000-row list took 44 s before the row cap could refuse it).
        # The first sheet's own parser yields its rows one at a time.
        parser = WorkSheetParser(reader.archive.open(target), reader.shared_strings, data_only=True)
    except Exception:  # noqa: BLE001  # openpyxl raises many kinds of error on a damaged file; all mean "unreadable"
        raise unreadable() from None
    return _readable(_values(parser.parse()))


def _values(rows: Iterator[tuple[int, list[dict[str, Any]]]]) -> Iterator[tuple[object, ...]]:
    """Each row's values in its first `MAX_COLUMNS` columns; a row the file leaves out is empty."""
    expected = 1
    for number, cells in rows:
        for _missing in range(expected, number):
            yield ()
        values: list[object] = [None] * MAX_COLUMNS
        for cell in cells:
            if 1 <= cell["column"] <= MAX_COLUMNS:
                values[cell["column"] - 1] = cell["value"]
        yield tuple(values)
        expected = max(expected, number + 1)


def _readable(rows: Iterator[tuple[object, ...]]) -> Iterator[tuple[object, ...]]:
    try:
        yield from rows
    except Exception:  # noqa: BLE001  # a damaged row further down the sheet is found only when it is read
        raise unreadable() from None


def unreadable() -> SpreadsheetError:
    return SpreadsheetError(
        [_("The file is not a readable .xlsx workbook. Save it as .xlsx in Excel or WPS and upload it again.")]
    )


def over_limit(exceeded: LimitExceeded) -> SpreadsheetError:
    """What the organizer reads when reading the workbook ran out of time or memory in its child process."""
    if exceeded.kind == "time":
        message = _(
            "Reading this workbook took longer than %(seconds)s seconds and was stopped. Keep only the list "
            "of people in the first sheet (at most %(count)s rows), save it as .xlsx and upload it again.",
            seconds=exceeded.limits.cpu_seconds, count=MAX_ROWS,
        )
    else:
        message = _(
            "Reading this workbook needed more than %(limit)s MB of memory and was stopped. Keep only the list "
            "of people in the first sheet (at most %(count)s rows), save it as .xlsx and upload it again.",
            limit=exceeded.limits.memory_mb, count=MAX_ROWS,
        )
    return SpreadsheetError([message])


def too_many_rows() -> SpreadsheetError:
    return SpreadsheetError([_("The file has more than %(count)s rows. Split it into smaller files.", count=MAX_ROWS)])


def read_people(data: bytes, units: Mapping[str, int]) -> list[PersonRow]:
    """Every person in the first sheet of an .xlsx; `units` maps unit names to their ids.

    Rows are read as they are checked, and reading stops at the first row past `MAX_ROWS`.
    """
    rows = _open_rows(data)
    top = list(islice(rows, _HEADER_SEARCH_ROWS))
    header_index = next((i for i, row in enumerate(top) if any(_heading(v) in COLUMNS for v in row)), None)
    headings = [_heading(v) for v in top[header_index]] if header_index is not None else []
    if missing := [column for column in COLUMNS if column not in headings]:
        raise SpreadsheetError([_("Missing columns: %(columns)s.", columns=_(", ").join(missing))])
    assert header_index is not None
    position = {column: headings.index(column) for column in COLUMNS}
    body = chain(top[header_index + 1 :], rows)

    people: list[PersonRow] = []
    problems: list[str] = []
    first_row_of: dict[str, int] = {}
    for count, values in enumerate(body, start=1):
        if count > MAX_ROWS:
            raise too_many_rows()
        number = header_index + 1 + count  # the row number Excel shows
        cells = {column: _text(values[i]) if i < len(values) else "" for column, i in position.items()}
        if not any(cells.values()):
            continue
        person, row_problems = _check_row(number, cells, units, first_row_of)
        problems.extend(row_problems)
        if person is not None:
            people.append(person)
    if problems:
        raise SpreadsheetError(problems)
    if not people:
        raise SpreadsheetError([_("The file lists no people.")])
    return people


def _check_row(
    number: int, cells: Mapping[str, str], units: Mapping[str, int], first_row_of: dict[str, int]
) -> tuple[PersonRow | None, list[str]]:
    problems: list[str] = []
    for column in (NAME, EMAIL, ROLES):
        if not cells[column]:
            problems.append(row_problem(number, column, _("this cell must not be empty")))
    email = ""
    if cells[EMAIL]:
        try:
            email = normalize_email(cells[EMAIL])
        except AddressError as error:
            problems.append(row_problem(number, EMAIL, error.message))
        else:
            if email in first_row_of:
                problems.append(row_problem(number, EMAIL, _("this e-mail address is already in row %(row)s", row=first_row_of[email])))
            else:
                first_row_of[email] = number
    if cells[PHONE] and not is_valid_phone(cells[PHONE]):
        problems.append(row_problem(number, PHONE, phone_problem(cells[PHONE])))
    unit_id = None
    if cells[UNIT]:
        unit_id = units.get(cells[UNIT])
        if unit_id is None:
            problems.append(row_problem(number, UNIT, _("unknown unit “%(value)s”", value=cells[UNIT])))
    roles: list[RoleName] = []
    try:
        roles = parse_roles(cells[ROLES])
    except UnknownRole as error:
        problems.append(row_problem(number, ROLES, _("unknown role “%(value)s”", value=error.name)))
    if RoleName.SUBMITTER in roles and not cells[UNIT]:
        problems.append(row_problem(number, UNIT, _("a submitter needs a unit")))
    if problems:
        return None, problems
    person = PersonRow(
        row=number,
        name=cells[NAME][:100],
        unit_id=unit_id,
        position=cells[POSITION][:100],
        phone=normalize_phone(cells[PHONE]),
        email=email,
        roles=tuple(roles),
    )
    return person, []


def phone_problem(value: str) -> str:
    return _("“%(value)s” is not a phone number (mobile like 13800138000, landline like 020-12345678)", value=value)


def template_workbook(unit_names: Sequence[str]) -> bytes:
    """A blank list with the header row; phone numbers are text so leading zeros survive."""
    workbook, sheet = new_workbook("人员名单")
    widths = {NAME: 12, UNIT: 28, POSITION: 20, PHONE: 16, EMAIL: 30, ROLES: 24}
    columns = [Column(name, widths[name], text=name == PHONE) for name in COLUMNS]
    write_table(sheet, columns, [], blank_text_rows=500)

    choices = workbook.create_sheet("可选值")
    choices.append([ROLES, UNIT])
    roles = list(SPREADSHEET_NAMES.values())
    for index in range(max(len(roles), len(unit_names))):
        choices.append([roles[index] if index < len(roles) else None, unit_names[index] if index < len(unit_names) else None])
    choices.column_dimensions["A"].width = 14
    choices.column_dimensions["B"].width = 30
    return to_bytes(workbook)
