"""What cleaning drops from typed and uploaded text, and what it keeps."""

from __future__ import annotations

import re
import sys
import unicodedata

import pytest

from seminar.text import FORMAT_CHARACTERS, visible, visible_filename, whole_number


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("粤港澳\u202e合作\u202c研究", "粤港澳合作研究"),  # right-to-left override and its pop
        ("\u2066广州\u2069市", "广州市"),  # isolates
        ("张\u200b三", "张三"),  # zero-width space
        ("张\u200d三", "张三"),  # zero-width joiner: Chinese text needs none
        ("\ufeff报告", "报告"),  # byte-order mark
        ("Bei\u00adjing", "Beijing"),  # soft hyphen
        ("a\x00b\x1bc\x7fd\x85e", "abcde"),  # C0, DEL and C1 controls
        ("第一段\n第二段\r\n\t缩进", "第一段\n第二段\r\n\t缩进"),  # text areas keep their lines and tabs
        ("（一）“全面依法治国”——研究", "（一）“全面依法治国”——研究"),  # punctuation, full-width forms
    ],
)
def test_visible_drops_only_what_no_reader_sees(typed: str, kept: str) -> None:
    assert visible(typed) == kept


def test_a_file_name_loses_its_override_and_line_breaks() -> None:
    assert visible_filename("论文\u202efdp.exe\r\n\t.docx") == "论文fdp.exe.docx"


def test_the_list_of_format_characters_is_the_running_pythons_category_cf() -> None:
    listed = re.compile(f"[{FORMAT_CHARACTERS}]")
    missing = [
        f"U+{code:04X}"
        for code in range(sys.maxunicode + 1)
        if (unicodedata.category(chr(code)) == "Cf") != bool(listed.match(chr(code)))
    ]
    assert missing == [], f"update seminar.text.FORMAT_CHARACTERS for Unicode {unicodedata.unidata_version}"


@pytest.mark.parametrize(
    ("typed", "number"),
    [("42", 42), ("0042", 42), ("0", 0), ("", None), ("²", None), ("٣", None), ("４２", None), ("-1", None),
     ("1.5", None), (" 7", None), (None, None), (7, None)],
)
def test_whole_number_reads_ascii_digits_only(typed: object, number: int | None) -> None:
    assert whole_number(typed) == number
