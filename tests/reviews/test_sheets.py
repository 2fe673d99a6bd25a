"""The review sheet and form as files: what they hold when written, and every way reading a filled one back
refuses a cell, a row or the whole file. Real files: written here, filled with openpyxl and python-docx."""

from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document
from openpyxl import load_workbook

from seminar.reviews import sheets
from seminar.reviews.rules import CriterionSpec
from seminar.reviews.sheets import (
    MAX_ROWS,
    SheetError,
    SheetOwner,
    SheetPaper,
    heading,
    read_review_upload,
    review_form_docx,
    review_sheet_xlsx,
)

CRITERIA = [CriterionSpec("11", "选题", 15), CriterionSpec("12", "观点", 25)]
OWNER = SheetOwner(3, "全省市域社会治理现代化试点创新研讨班", 7, "王芳")
PAPERS = [
    SheetPaper(101, 1, "=HYPERLINK(\"http://example.org\")", "专题一", {"11": "10"}, "初稿", "draft"),
    SheetPaper(102, 2, "深圳市矛盾纠纷多元化解的实践", "专题二"),
]


def filled(edit, papers: list[SheetPaper] = PAPERS) -> bytes:  # type: ignore[no-untyped-def]
    workbook = load_workbook(io.BytesIO(review_sheet_xlsx(OWNER, CRITERIA, papers)))
    edit(workbook.worksheets[0])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read(data: bytes, name: str = "评审表.xlsx", seminar: int = 3, reviewer: int = 7):  # type: ignore[no-untyped-def]
    return read_review_upload(name, data, CRITERIA, seminar, reviewer)


def test_a_heading_carries_the_maximum() -> None:
    assert heading(CRITERIA[1]) == "观点（/25）"


def test_a_sheet_read_back_unchanged_says_what_was_written() -> None:
    parsed = read(review_sheet_xlsx(OWNER, CRITERIA, PAPERS))
    assert parsed.kind == "xlsx"
    assert [(r.row, r.paper_id, r.number, r.scores, r.comment, r.problems) for r in parsed.rows] == [
        (3, 101, 1, {"11": 10}, "初稿", ()),
        (4, 102, 2, {}, "", ()),
    ]
    sheet = load_workbook(io.BytesIO(review_sheet_xlsx(OWNER, CRITERIA, PAPERS))).worksheets[0]
    assert sheet["C3"].data_type == "s" and sheet["C3"].value.startswith("=HYPERLINK")  # a title stays text
    assert sheet["G3"].data_type == "f"  # 总分 is a formula


@pytest.mark.parametrize(("value", "problem"), [
    (30, "第 3 行“观点（/25）”列：“观点”的评分范围为 0 至 25 分。"),
    (-1, "第 3 行“观点（/25）”列：“观点”的评分范围为 0 至 25 分。"),
    ("二十", "第 3 行“观点（/25）”列：“观点”请填写整数分。"),
    (12.5, "第 3 行“观点（/25）”列：“观点”请填写整数分。"),
])
def test_a_bad_score_is_named_by_row_and_column(value: object, problem: str) -> None:
    def edit(sheet) -> None:  # type: ignore[no-untyped-def]
        sheet["F3"] = value

    row = read(filled(edit)).rows[0]
    assert row.problems == (problem,)


def test_a_whole_number_stored_as_a_decimal_is_a_whole_number() -> None:
    def edit(sheet) -> None:  # type: ignore[no-untyped-def]
        sheet["F4"] = 20.0

    assert read(filled(edit)).rows[1].scores == {"12": 20}


def test_a_comment_over_the_web_forms_limit_is_refused() -> None:
    def edit(sheet) -> None:  # type: ignore[no-untyped-def]
        sheet["H4"] = "很" * 10001

    assert read(filled(edit)).rows[1].problems == ("第 4 行“点评”列：最多 10000 个字符",)


def test_a_row_without_a_paper_is_refused() -> None:
    def edit(sheet) -> None:  # type: ignore[no-untyped-def]
        sheet["E5"] = 10

    row = read(filled(edit)).rows[2]
    assert row.problems == ("第 5 行“编号”列：缺少论文编号，无法确定是哪篇论文。",)


@pytest.mark.parametrize(("seminar", "reviewer", "message"), [
    (4, 7, "另一个研讨班"),
    (3, 8, "另一位评审专家"),
])
def test_another_seminars_or_reviewers_sheet_is_refused_whole(seminar: int, reviewer: int, message: str) -> None:
    with pytest.raises(SheetError) as refused:
        read(review_sheet_xlsx(OWNER, CRITERIA, PAPERS), seminar=seminar, reviewer=reviewer)
    assert message in refused.value.message


def test_a_sheet_of_a_changed_review_form_is_refused() -> None:
    changed = [CriterionSpec("11", "选题", 15), CriterionSpec("12", "观点", 20)]
    with pytest.raises(SheetError) as refused:
        read_review_upload("评审表.xlsx", review_sheet_xlsx(OWNER, CRITERIA, PAPERS), changed, 3, 7)
    assert "观点（/20）" in refused.value.message


def test_a_spreadsheet_that_is_no_review_sheet_is_refused() -> None:
    def edit(sheet) -> None:  # type: ignore[no-untyped-def]
        pass

    workbook = load_workbook(io.BytesIO(filled(edit)))
    del workbook["meta"]
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(SheetError) as refused:
        read(buffer.getvalue())
    assert "不是本站的评审表" in refused.value.message


def test_too_many_rows_are_refused() -> None:
    def edit(sheet) -> None:  # type: ignore[no-untyped-def]
        for row in range(5, 5 + MAX_ROWS):
            sheet.cell(row, 2).value = row

    with pytest.raises(SheetError) as refused:
        read(filled(edit))
    assert str(MAX_ROWS) in refused.value.message


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "data", "message"), [
    ("评审表.xlsx", b"", "文件是空的"),
    ("评审表.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"0" * 100, ".xls"),
    ("评审表.pdf", b"%PDF-1.7", ".xlsx"),
    ("评审表.xlsx", b"PK\x03\x04broken", "已损坏"),
    ("评审表.xlsx", _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><x>&e;</x>"}), "已损坏"),
    ("评审表.zip", _zip({"readme.txt": b"hello"}), ".xlsx"),
    ("评审表.xlsx", b"PK\x03\x04" + b"0" * (5 * 1024 * 1024), "5 MB"),
])
def test_wrong_damaged_or_oversize_files_are_refused_whole(name: str, data: bytes, message: str) -> None:
    with pytest.raises(SheetError) as refused:
        read(data, name)
    assert message in refused.value.message


def test_a_word_form_round_trips_and_checks_its_cells() -> None:
    data = review_form_docx(OWNER, CRITERIA, PAPERS[0], {"11": "针对性、创新性"})
    document = Document(io.BytesIO(data))
    table = document.tables[0]
    assert [[c.text for c in row.cells] for row in table.rows[:3]] == [
        ["评审项目", "评分要点", "满分", "得分"], ["选题", "针对性、创新性", "15", "10"], ["观点", "", "25", ""],
    ]
    table.rows[2].cells[3].text = "26"
    table.rows[4].cells[1].text = "观点鲜明，\n论证有力。"
    buffer = io.BytesIO()
    document.save(buffer)
    parsed = read(buffer.getvalue(), "评审表.docx")
    assert parsed.kind == "docx"
    row = parsed.rows[0]
    assert (row.paper_id, row.number, row.scores, row.comment) == (101, 1, {"11": 10}, "观点鲜明，\n论证有力。")
    assert row.problems == ("论文 #1 的评审表“观点（/25）”：“观点”的评分范围为 0 至 25 分。",)


def test_a_word_form_that_lost_its_properties_is_known_by_its_last_line() -> None:
    document = Document(io.BytesIO(review_form_docx(OWNER, CRITERIA, PAPERS[1])))
    document.core_properties.identifier = ""
    buffer = io.BytesIO()
    document.save(buffer)
    assert read(buffer.getvalue(), "评审表.docx").rows[0].paper_id == 102
    with pytest.raises(SheetError) as refused:
        read(buffer.getvalue(), "评审表.docx", reviewer=9)
    assert "另一位评审专家" in refused.value.message


def test_a_word_document_that_is_no_form_is_refused() -> None:
    document = Document()
    document.add_paragraph("论文评审意见：很好。")
    buffer = io.BytesIO()
    document.save(buffer)
    with pytest.raises(SheetError) as refused:
        read(buffer.getvalue(), "意见.docx")
    assert "不是本站的评审表单" in refused.value.message


@pytest.mark.parametrize(("cells", "judgement", "wrong"), [
    (("", "", ""), sheets.Judgement(), []),
    (("重点发言", "高", "内部意见"), sheets.Judgement("keynote", 3, "内部意见"), []),
    ((" 仅收入 论文集 ", "2", ""), sheets.Judgement("proceedings", 2, ""), []),
    (("decline", "低", ""), sheets.Judgement("decline", 1, ""), []),
    (("很好", "", ""), sheets.Judgement(), [sheets.RECOMMENDATION]),
    (("", "4", ""), sheets.Judgement(), [sheets.CONFIDENCE]),
    (("", "", "长" * 5001), sheets.Judgement(note="长" * 5001), [sheets.NOTE]),
])
def test_recommendation_confidence_and_note_are_checked_as_the_web_form_checks_them(
    cells: tuple[str, str, str], judgement: sheets.Judgement, wrong: list[str]
) -> None:
    found, problems = sheets.read_judgement(*cells)
    assert list(problems) == wrong
    if not wrong:
        assert found == judgement
