"""The shared office .xlsx writer: text stays text, the header repeats on every printed page."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from openpyxl import load_workbook

from seminar.spreadsheets import Column, new_workbook, to_bytes, write_table

COLUMNS = (Column("题目", 30, wrap=True), Column("手机", 14, text=True), Column("提交时间", 17))


def _written(rows: list[list[object]], title: str = "") -> bytes:
    workbook, sheet = new_workbook("清单")
    write_table(sheet, COLUMNS, rows, title=title)  # type: ignore[arg-type]
    return to_bytes(workbook)


@pytest.mark.parametrize("value", ["=HYPERLINK(\"http://example.org\",\"点我\")", "+86 138", "-1", "@SUM(A1)", "=1+1"])
def test_text_that_looks_like_a_formula_stays_text_and_reads_unchanged(value: str) -> None:
    data = _written([[value, "13800138000", None]])

    cell = load_workbook(io.BytesIO(data))["清单"]["A2"]
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        sheet_xml = package.read("xl/worksheets/sheet1.xml").decode()

    assert cell.value == value and cell.data_type == "s"
    assert cell.quotePrefix
    assert "<f>" not in sheet_xml


def test_ordinary_text_gets_no_quote_prefix_and_control_characters_are_dropped() -> None:
    sheet = load_workbook(io.BytesIO(_written([["市域\x07治理", "020-12345678", None]])))["清单"]

    assert sheet["A2"].value == "市域治理" and not sheet["A2"].quotePrefix
    assert sheet["B2"].value == "020-12345678" and sheet["B2"].number_format == "@"


def test_title_row_header_and_print_settings() -> None:
    moment = dt.datetime(2026, 11, 25, 14, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    sheet = load_workbook(io.BytesIO(_written([["题目一", "13800138000", moment]], title="研讨班")))["清单"]

    assert sheet["A1"].value == "研讨班" and "A1:C1" in {str(r) for r in sheet.merged_cells.ranges}
    assert [c.value for c in sheet[2]] == ["题目", "手机", "提交时间"]
    assert sheet["C3"].value == dt.datetime(2026, 11, 25, 14, 30)  # local time, as on the clock
    assert sheet.freeze_panes == "A3"
    assert sheet.print_title_rows == "$2:$2"
    assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9  # A4
    assert sheet.column_dimensions["A"].width == 30


def test_every_cell_in_song_typeface_marked_rows_bold_and_margins_and_page_numbers_for_print() -> None:
    workbook, sheet = new_workbook("清单")
    write_table(sheet, COLUMNS, [["甲", "1", None], ["乙", "2", None]], title="研讨班", marked=[1], footer="第 &P 页")
    sheet = load_workbook(io.BytesIO(to_bytes(workbook)))["清单"]

    cells = [sheet["A1"], *(sheet.cell(r, c) for r in (2, 3, 4) for c in (1, 2, 3))]
    assert {cell.font.name for cell in cells} == {"宋体"}
    assert [sheet.cell(r, 1).font.b for r in (3, 4)] == [False, True]  # the second data row is marked
    assert sheet.cell(4, 1).fill.fgColor.rgb.endswith("F2F2F2") and sheet.cell(3, 1).fill.fill_type is None
    assert sheet.page_margins.left >= 0.5 and sheet.page_margins.top >= 0.5
    assert sheet.oddFooter.center.text == "第 &P 页" and sheet.print_options.horizontalCentered


def test_the_footer_counts_pages_in_chinese_unless_told_otherwise() -> None:
    sheet = load_workbook(io.BytesIO(_written([["题目一", "1", None]])))["清单"]

    assert sheet.oddFooter.center.text == "第 &P 页，共 &N 页"
