"""The paper list .xlsx: read back with openpyxl as the 政法委 would open it."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from seminar.submissions.export import HEADINGS, AuthorRow, PaperRow, paper_list_xlsx

CHEN = AuthorRow("陈静", "广州市委政法委", "副处长", "13800138000", "chen@example.org")
LIU = AuthorRow("刘洋", "广州市社会治理研究中心", "研究员", "02012345678", "liu@example.org")


def row(number: int, city: str, city_order: int, topic_position: int | None, **fields: object) -> PaperRow:
    values: dict[str, object] = {
        "topic": f"专题{topic_position}" if topic_position else "",
        "title": f"论文{number}",
        "subtitle": "",
        "authors": [CHEN],
        "keywords": ["党建引领", "网格化", "平安建设"],
        "word_count": 4200,
        "status": "submitted",
        "submitted_at": dt.datetime(2026, 11, 20, 9, 15),
        **fields,
    }
    return PaperRow(number=number, city=city, city_order=city_order, topic_position=topic_position, **values)  # type: ignore[arg-type]


def sheet_of(data: bytes) -> Worksheet:
    return load_workbook(io.BytesIO(data))["论文清单"]


def test_headings_title_and_rows_in_city_then_topic_then_number_order() -> None:
    papers = [
        row(5, "深圳市", 2, 1),
        row(3, "广州市", 1, 2),
        row(9, "广州市", 1, 1),
        row(1, "广州市", 1, 1),
        row(2, "广州市", 1, None),
    ]

    sheet = sheet_of(paper_list_xlsx("全省市域社会治理现代化试点创新研讨班", papers))

    assert sheet["A1"].value == "全省市域社会治理现代化试点创新研讨班"
    assert tuple(cell.value for cell in sheet[2]) == HEADINGS
    assert HEADINGS[0] == "序号"
    assert [(r[0].value, r[1].value, r[2].value) for r in sheet.iter_rows(min_row=3)] == [
        (1, 1, "广州市"), (2, 9, "广州市"), (3, 3, "广州市"), (4, 2, "广州市"), (5, 5, "深圳市"),
    ]


def test_phone_numbers_are_text_and_authors_one_per_line() -> None:
    sheet = sheet_of(paper_list_xlsx("研讨班", [row(1, "广州市", 1, 1, authors=[CHEN, LIU])]))
    cells = dict(zip(HEADINGS, sheet[3], strict=True))

    assert cells["手机"].value == "13800138000\n02012345678"
    assert cells["手机"].data_type == "s" and cells["手机"].number_format == "@"
    assert cells["作者"].value == "陈静\n刘洋" and cells["作者单位"].value == "广州市委政法委\n广州市社会治理研究中心"
    assert cells["关键词"].value == "党建引领、网格化、平安建设"
    assert (cells["字数"].value, cells["状态"].value) == (4200, "已提交")
    assert cells["提交时间"].value == dt.datetime(2026, 11, 20, 9, 15)


def test_print_settings_repeat_the_header_on_a4_landscape() -> None:
    sheet = sheet_of(paper_list_xlsx("研讨班", [row(1, "广州市", 1, 1)]))

    assert sheet.print_title_rows == "$2:$2" and sheet.freeze_panes == "A3"
    assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9
    assert sheet.column_dimensions["E"].width >= 20  # 题目


def test_a_title_written_as_a_formula_is_neutralised() -> None:
    sheet = sheet_of(paper_list_xlsx("研讨班", [row(1, "广州市", 1, 1, title='=HYPERLINK("http://evil.example","点")',
                                                    subtitle="-2+3", status="draft", submitted_at=None)]))
    cells = dict(zip(HEADINGS, sheet[3], strict=True))

    assert cells["题目"].value == '=HYPERLINK("http://evil.example","点")' and cells["题目"].data_type == "s"
    assert cells["题目"].quotePrefix and cells["副标题"].quotePrefix
    assert cells["状态"].value == "草稿" and cells["提交时间"].value is None
