from __future__ import annotations

import base64
import io
import re

import docx
import pytest

from seminar.submissions.intake import IntakeError, inspect_upload, nest_headings, word_count
from seminar.submissions.models import ManuscriptKind
from tests.submissions.documents import (
    DOCX_MAIN_TYPE,
    MACRO_MAIN_TYPE,
    PARAGRAPH,
    entity_bomb_docx,
    external_entity_docx,
    linked_image_docx,
    make_docx,
    plain_zip,
    png,
    repack,
    zip_bomb,
)


WORD_NAMESPACE = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def test_docx_is_converted_to_clean_html_with_word_count() -> None:
    intake = inspect_upload("论文.docx", make_docx())

    assert intake.kind is ManuscriptKind.DOCX
    assert "<h1>党建引领基层治理的实践与思考</h1>" in intake.html
    assert PARAGRAPH in intake.html
    assert "<table>" in intake.html
    assert intake.word_count == word_count("党建引领基层治理的实践与思考" + PARAGRAPH + "指标数值")
    assert intake.property_names == ()


def test_docx_with_author_in_core_properties_is_reported_for_blind_review() -> None:
    intake = inspect_upload("论文.docx", make_docx(author="王小明"))

    assert intake.property_names == ("王小明",)


def test_images_stay_inline_and_scripts_and_foreign_images_are_removed() -> None:
    from seminar.submissions.intake import sanitize

    inline = "data:image/png;base64," + base64.b64encode(png()).decode()
    cleaned = sanitize(
        f'<p onclick="x()">a<script>alert(1)</script></p><img src="{inline}">'
        '<img src="http://evil.example/x.png"><a href="javascript:alert(1)">j</a><a href="data:text/html,x">d</a>'
    )

    assert "script" not in cleaned and "onclick" not in cleaned
    assert f'src="{inline}"' in cleaned
    assert "evil.example" not in cleaned
    assert "javascript:" not in cleaned and "data:text/html" not in cleaned


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("论文.docx", b"", "文件是空的"),
        ("论文.docx", b"MZ\x90\x00" + b"\0" * 200, "与扩展名 .docx 不符"),
        ("论文.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 200, "另存为 .docx"),
        ("论文.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 200, "另存为 .docx"),
        ("论文.docm", make_docx(), "宏"),
        ("论文.docx", plain_zip(), "不是 Word 文档"),
        ("论文.docx", make_docx()[:-300], "已损坏"),
        ("论文.pdf", b"hello, not a pdf", "与扩展名 .pdf 不符"),
        ("论文.txt", b"\x7fELF\x02\x01\x01" + b"\0" * 50, "与扩展名 .txt 不符"),
        ("论文.exe", b"MZ\x90\x00", "请上传 .docx、.pdf、.md 或 .txt 文件"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(filename: str, data: bytes, message: str) -> None:
    with pytest.raises(IntakeError) as refused:
        inspect_upload(filename, data)

    assert message in refused.value.message


def test_package_with_vba_project_is_refused() -> None:
    with pytest.raises(IntakeError) as refused:
        inspect_upload("论文.docx", repack(make_docx(), extra={"word/vbaProject.bin": b"\0" * 64}))

    assert "宏" in refused.value.message


def test_macro_enabled_content_type_is_refused_even_when_named_docx() -> None:
    renamed = repack(make_docx(), content_types_patch=(DOCX_MAIN_TYPE, MACRO_MAIN_TYPE))

    with pytest.raises(IntakeError) as refused:
        inspect_upload("论文.docx", renamed)

    assert "宏" in refused.value.message


def test_zip_bomb_is_refused_before_unpacking() -> None:
    bomb = zip_bomb(200)
    assert len(bomb) < 2 * 1024 * 1024

    with pytest.raises(IntakeError) as refused:
        inspect_upload("论文.docx", bomb)

    assert "100 MB" in refused.value.message


@pytest.mark.parametrize("data", [external_entity_docx("file:///etc/passwd"), entity_bomb_docx()], ids=["xxe", "billion-laughs"])
def test_a_document_declaring_a_dtd_is_refused_as_damaged(data: bytes) -> None:
    with pytest.raises(IntakeError) as refused:
        inspect_upload("论文.docx", data)

    assert "已损坏" in refused.value.message


def test_a_linked_picture_is_left_out_not_fetched() -> None:
    intake = inspect_upload("论文.docx", linked_image_docx("file:///etc/hostname"))

    assert intake.html == "<p>图片之前的正文。</p><p>图片之后的正文。</p>"


def test_file_over_the_size_limit_is_refused() -> None:
    with pytest.raises(IntakeError) as refused:
        inspect_upload("论文.docx", make_docx(), max_bytes=1024 * 1024 // 100)

    assert "大于" in refused.value.message


@pytest.mark.parametrize("filename", ["论文.txt", "论文.md"])
def test_text_at_the_length_limit_is_taken_and_one_character_more_is_refused(filename: str) -> None:
    assert inspect_upload(filename, ("治" * 500).encode(), max_characters=500).word_count == 500

    with pytest.raises(IntakeError) as refused:
        inspect_upload(filename, ("治" * 501).encode(), max_characters=500)

    assert refused.value.message.startswith("稿件正文超过 500 个字符")


def test_text_in_any_xml_part_of_a_docx_counts_towards_the_length_limit() -> None:
    words = "<w:r><w:t>" + "注" * 600 + "</w:t></w:r>"
    notes = f'<?xml version="1.0"?><w:footnotes xmlns:w="{WORD_NAMESPACE}"><w:p>{words}</w:p></w:footnotes>'
    # Footnotes under a name of the package's choosing: the relationships, not the name, say what a part is.
    padded = repack(make_docx(), extra={"word/notes.bin": notes.encode()})

    assert inspect_upload("论文.docx", padded, max_characters=700).word_count
    with pytest.raises(IntakeError) as refused:
        inspect_upload("论文.docx", padded, max_characters=600)

    assert "600 个字符" in refused.value.message


def test_markdown_is_rendered_and_raw_html_is_not_passed_through() -> None:
    intake = inspect_upload("论文.md", "# 一、总体思路\n\n**重点**内容<script>x</script>".encode())

    assert intake.kind is ManuscriptKind.MD
    assert "<h1>一、总体思路</h1>" in intake.html and "<strong>重点</strong>" in intake.html
    assert "<script>" not in intake.html


def test_text_in_gbk_from_windows_notepad_is_read() -> None:
    intake = inspect_upload("论文.txt", "第一段。\n\n第二段<b>。".encode("gbk"))

    assert intake.html == "<p>第一段。</p><p>第二段&lt;b&gt;。</p>"
    assert intake.word_count == 9  # eight characters and the Latin word "b"
    assert intake.content_type == "text/plain; charset=gb18030"


def test_pdf_is_accepted_without_preview() -> None:
    intake = inspect_upload("论文.PDF", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")

    assert intake.kind is ManuscriptKind.PDF and intake.html == "" and intake.word_count is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("市域社会治理", 6),
        ("坚持“枫桥经验”，化解矛盾。", 14),
        ("Social governance in Guangdong", 4),
        ("2021年推进5G网络建设", 9),
        ("e-mail 与 WPS 兼容", 5),
        ("  —— \n\t", 2),
        ("", 0),
        ("第一章 - 概述", 5),
    ],
)
def test_word_count_counts_like_word(text: str, expected: int) -> None:
    assert word_count(text) == expected


# --- headings of the manuscript inside a page ------------------------------------------------


def headings(markup: str) -> list[str]:
    return [f"h{level} {text}" for level, text in re.findall(r"<h([1-6])>(.*?)</h\1>", markup)]


def test_a_word_paper_shown_in_a_pages_h2_section_starts_at_h3_without_gaps() -> None:
    """Heading 1 and Heading 4, as a city's Word file often has them, become h3 and h4 under the page's h2."""
    document = docx.Document()
    document.core_properties.author = ""
    for text, level in [("一、基本情况", 1), ("（一）主要做法", 4), ("（二）取得成效", 4), ("二、对策建议", 1)]:
        document.add_heading(text, level=level)
        document.add_paragraph(PARAGRAPH)
    buffer = io.BytesIO()
    document.save(buffer)
    converted = inspect_upload("论文.docx", buffer.getvalue()).html

    assert headings(nest_headings(converted, under=2)) == ["h3 一、基本情况", "h4 （一）主要做法", "h4 （二）取得成效", "h3 二、对策建议"]
    assert PARAGRAPH in nest_headings(converted, under=2)


def test_levels_move_down_together_and_stop_at_h6() -> None:
    body = "<h1>一</h1><h2>二</h2><h3>三</h3><h4>四</h4><h5>五</h5><h2>二</h2>"

    assert headings(nest_headings(body, under=1)) == ["h2 一", "h3 二", "h4 三", "h5 四", "h6 五", "h3 二"]
    assert headings(nest_headings(body, under=2)) == ["h3 一", "h4 二", "h5 三", "h6 四", "h6 五", "h4 二"]


def test_headings_of_one_level_stay_siblings_after_a_skipped_level() -> None:
    body = "<h1>三、成效</h1><h2>（一）进展</h2><h4>1. 综治中心</h4><h4>2. 平台融合</h4><h2>（二）不足</h2><h1>四、思考</h1>"

    assert headings(nest_headings(body, under=2)) == [
        "h3 三、成效", "h4 （一）进展", "h5 1. 综治中心", "h5 2. 平台融合", "h4 （二）不足", "h3 四、思考",
    ]


def test_a_paper_starting_below_its_top_level_starts_right_under_the_page() -> None:
    body = "<h2>引言</h2><p>正文</p><h1>一、总体情况</h1><h2>（一）做法</h2>"

    assert headings(nest_headings(body, under=2)) == ["h3 引言", "h3 一、总体情况", "h4 （一）做法"]


def test_only_heading_tags_change() -> None:
    body = '<p>标签&lt;h1&gt;照印</p><table><tr><th>h1</th></tr></table><a id="_Toc1" href="#x">目录</a>'

    assert nest_headings(body, under=2) == body
