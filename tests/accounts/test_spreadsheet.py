from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from seminar.accounts.models import RoleName
from seminar.accounts.spreadsheet import COLUMNS, PersonRow, SpreadsheetError, read_people, template_workbook
from tests.factories import make_people_xlsx

UNITS = {"广州市": 1, "深圳市": 2, "中山大学": 3}


def test_read_people_cleans_every_row() -> None:
    data = make_people_xlsx(
        [
            ["王芳", "广州市", "政法委干部", "13800138000", "WangFang@Example.org", "报送人"],
            ["陈刚", "中山大学", "教授", 13912345678, "chen@example.org", "评审专家、参会人员"],
            [None, None, None, None, None, None],  # blank rows are skipped
            ["刘洋", None, None, "020-12345678", "liu@example.org", "attendee"],
        ],
        title="2026年研讨班人员名单",
    )

    people = read_people(data, UNITS)

    assert people == [
        PersonRow(3, "王芳", 1, "政法委干部", "13800138000", "wangfang@example.org", (RoleName.SUBMITTER,)),
        PersonRow(4, "陈刚", 3, "教授", "13912345678", "chen@example.org", (RoleName.REVIEWER, RoleName.ATTENDEE)),
        PersonRow(6, "刘洋", None, "", "020-12345678", "liu@example.org", (RoleName.ATTENDEE,)),
    ]


def problems_of(data: bytes) -> list[str]:
    with pytest.raises(SpreadsheetError) as caught:
        read_people(data, UNITS)
    return caught.value.problems


def test_missing_columns_are_named() -> None:
    data = make_people_xlsx([["王芳", "广州市", "wang@example.org"]], header=["姓名", "单位", "邮箱"])

    assert problems_of(data) == ["缺少以下列：职务、手机、角色。"]


def test_every_bad_row_is_reported_with_its_row_and_column() -> None:
    data = make_people_xlsx(
        [
            ["王芳", "广州市", "", "13800138000", "wang@example", "报送人"],
            ["陈刚", "北京市", "", "12345", "chen@example.org", "评审专家"],
            ["刘洋", "", "", "", "chen@example.org", "主持人"],
            ["", "深圳市", "", "", "", "报送人"],
        ]
    )

    assert problems_of(data) == [
        "第 2 行“邮箱”列：“wang@example”不是有效的电子邮箱",
        "第 3 行“手机”列：“12345”不是有效的电话号码（手机如 13800138000，固定电话如 020-12345678）",
        "第 3 行“单位”列：系统中没有单位“北京市”",
        "第 4 行“邮箱”列：该电子邮箱与第 3 行重复",
        "第 4 行“角色”列：无法识别角色“主持人”",
        "第 5 行“姓名”列：不能为空",
        "第 5 行“邮箱”列：不能为空",
    ]


def test_a_submitter_without_a_unit_is_refused() -> None:
    data = make_people_xlsx([["王芳", "", "", "", "wang@example.org", "报送人"]])

    assert problems_of(data) == ["第 2 行“单位”列：报送人须填写单位"]


@pytest.mark.parametrize("data", [b"", b"not a spreadsheet", b"PK\x03\x04 broken zip", make_people_xlsx([])[:200]])
def test_a_file_that_is_not_xlsx_is_refused(data: bytes) -> None:
    assert problems_of(data) == [
        "无法读取该文件，它不是有效的 .xlsx 工作簿。请在 Excel 或 WPS 中另存为 .xlsx 格式后重新上传。"
    ]


def test_a_list_with_nobody_is_refused() -> None:
    assert problems_of(make_people_xlsx([])) == ["文件中没有人员信息。"]


def test_the_template_has_the_header_and_a_text_phone_column() -> None:
    workbook = load_workbook(io.BytesIO(template_workbook(["广州市", "深圳市"])))
    sheet = workbook.worksheets[0]

    assert [cell.value for cell in sheet[1]] == list(COLUMNS)
    assert sheet["D2"].number_format == "@"
    # Read back blank, its header is accepted: it just lists nobody yet.
    assert problems_of(template_workbook([])) == ["文件中没有人员信息。"]
