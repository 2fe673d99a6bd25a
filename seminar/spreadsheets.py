"""Tables as Chinese office .xlsx: a header row that repeats on every printed A4 landscape page,
宋体 throughout, print margins and a page-number footer ("第 1 页，共 3 页").

Shared by every area that hands organizers a spreadsheet (people templates, paper lists).
Pure: plain values in, sheet cells out; no ORM, no HTTP.

Every text cell is stored as text, never as a formula. openpyxl would otherwise write a
value starting with "=" as a formula, and Excel or WPS re-parses a cell starting with
= + - @ as one when someone edits it: a paper titled "=HYPERLINK(…)" must stay a title. Such cells
get Excel's quote prefix (what typing a leading ' does): the text shows and prints unchanged,
and stays text when edited.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

# openpyxl is imported where a sheet is made, not here: with numpy under it, it is a second or more
# of start-up for every command and process that merely imports a module with an export in it.
if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A leading tab or carriage return is skipped by some spreadsheet programs before they look for "=".
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TEXT_FORMAT = "@"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"

CellValue = str | int | float | dt.datetime | dt.date | None

# The typeface of Chinese office documents; Excel and WPS both know it by this name.
FONT_NAME = "宋体"
# Excel's header/footer codes: &P the page, &N the number of pages.
PAGE_FOOTER = "第 &P 页，共 &N 页"


@dataclass(frozen=True)
class Column:
    heading: str
    width: float
    # Stored and formatted as text, so phone numbers and codes keep their leading zeros.
    text: bool = False
    # Long or multi-line values (one author per line) wrap instead of spilling over.
    wrap: bool = False


def _cell(sheet: Worksheet, row: int, column: int) -> Cell:
    """A cell of a sheet being filled: none is merged yet (a merge's first cell stays a Cell)."""
    from openpyxl.cell.cell import Cell

    cell = sheet.cell(row=row, column=column)
    assert isinstance(cell, Cell), "cells are written before any merge"
    return cell


def set_value(cell: Cell, value: CellValue) -> None:
    """Write one value; strings always as text, never as a formula."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        # Control characters cannot be stored in the sheet's XML; a tab or newline can.
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.value = value
        cell.data_type = "s"
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    elif isinstance(value, dt.datetime):
        # Excel has no time zones: the caller passes local time, shown as it reads on a clock.
        cell.value = value.replace(tzinfo=None)
        cell.number_format = DATETIME_FORMAT
    else:
        cell.value = value


def write_table(
    sheet: Worksheet,
    columns: Sequence[Column],
    rows: Iterable[Sequence[CellValue]],
    title: str = "",
    blank_text_rows: int = 0,
    marked: Collection[int] = (),
    footer: str = PAGE_FOOTER,
) -> None:
    """Fill `sheet`: an optional merged title row, the bold header, the rows, print and view settings.

    `blank_text_rows` formats that many empty rows below the data as text too, for a
    template people fill in by hand. `marked` rows (counted from 0 among `rows`) print bold on a
    light grey, e.g. an agenda's 重点发言. `footer` is Excel's footer code (&P, &N), centred.
    """
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.page import PageMargins
    from openpyxl.worksheet.properties import PageSetupProperties

    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    regular, bold = Font(name=FONT_NAME, size=11), Font(name=FONT_NAME, size=11, bold=True)
    marked_fill = PatternFill("solid", fgColor="F2F2F2")
    header_row = 1
    if title:
        set_value(_cell(sheet, 1, 1), title)
        sheet.cell(row=1, column=1).font = Font(name=FONT_NAME, bold=True, size=14)
        sheet.cell(row=1, column=1).alignment = Alignment(horizontal="center", vertical="center")
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
        sheet.row_dimensions[1].height = 28
        header_row = 2
    for index, column in enumerate(columns, start=1):
        cell = _cell(sheet, header_row, index)
        set_value(cell, column.heading)
        cell.font = bold
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    last_row = header_row
    for last_row, values in enumerate(rows, start=header_row + 1):
        mark = last_row - header_row - 1 in marked
        for index, (column, value) in enumerate(zip(columns, values, strict=True), start=1):
            cell = _cell(sheet, last_row, index)
            set_value(cell, value)
            if column.text:
                cell.number_format = TEXT_FORMAT
            cell.alignment = Alignment(vertical="top", wrap_text=column.wrap)
            cell.border = border
            cell.font = bold if mark else regular
            if mark:
                cell.fill = marked_fill
    for row in range(last_row + 1, last_row + 1 + blank_text_rows):
        for index, column in enumerate(columns, start=1):
            blank = _cell(sheet, row, index)
            blank.font = regular
            if column.text:
                blank.number_format = TEXT_FORMAT
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1).coordinate
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    # In inches, as Excel stores them: about 2 cm at the sides and the top, room for the footer below.
    sheet.page_margins = PageMargins(left=0.7, right=0.7, top=0.75, bottom=0.9, header=0.3, footer=0.4)
    sheet.print_options.horizontalCentered = True
    page_footer = sheet.oddFooter
    assert page_footer is not None, "openpyxl gives every sheet its footers"
    page_footer.center.text = footer
    page_footer.center.font = f"{FONT_NAME},Regular"
    page_footer.center.size = 10
    # As wide as one page, as many pages long as it takes.
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0


def new_workbook(sheet_title: str) -> tuple[Workbook, Worksheet]:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None, "a new openpyxl Workbook always has one sheet"
    sheet.title = sheet_title
    return workbook, sheet


def to_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
