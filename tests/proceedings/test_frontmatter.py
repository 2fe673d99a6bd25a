"""The manuscript's leading title, subtitle, author lines, 摘要 and 关键词 go when they repeat the form."""

from __future__ import annotations

import pytest

from seminar.proceedings.frontmatter import Part, dropped_summary, normalise, trim_front_matter

FORM = {
    "title": "乳源“平安细胞”建设",
    "subtitle": "以平安细胞筑牢基层平安根基",
    "authors": [("郑浩然", "乳源瑶族自治县委政法委"), ("罗少华", "韶关市委政法委")],
    "abstract": "韶关乳源瑶族自治县确认了6000多个涵盖重点行业、场所的“平安细胞”，制定平安家庭、平安单位等创建标准。",
    "keywords": ["平安细胞", "平安建设", "基层治理"],
}
BODY = "<h2>一、问题的提出</h2><p>正文第一段。</p>"
ABSTRACT = FORM["abstract"]


def trimmed(front: str, **form: object) -> tuple[str, list[Part]]:
    result = trim_front_matter(front + BODY, **{**FORM, **form})  # type: ignore[arg-type]
    return result.html, [item.part for item in result.dropped]


@pytest.mark.parametrize(
    ("front", "parts"),
    [
        # The demo's (and the official layout's) beginning.
        (f"<h1>乳源“平安细胞”建设</h1><p>——以平安细胞筑牢基层平安根基</p><p>摘要：{ABSTRACT}</p>"
         "<p>关键词：平安细胞；平安建设；基层治理</p>",
         [Part.TITLE, Part.SUBTITLE, Part.ABSTRACT, Part.KEYWORDS]),
        # Half-width quotes and spaces, a bold title paragraph, an author line, 【】 labels, spaced 摘 要.
        (f'<p><strong>乳源 "平安细胞" 建设</strong></p><p>— 以平安细胞筑牢基层平安根基</p>'
         f"<p>韶关市委政法委  罗少华</p><p>【摘 要】{ABSTRACT}</p><p>【关键词】平安细胞,平安建设,基层治理</p>",
         [Part.TITLE, Part.SUBTITLE, Part.AUTHORS, Part.ABSTRACT, Part.KEYWORDS]),
        # 内容摘要 alone on its line, the text in the next paragraph; 关 键 词 spaced; 作者 line with a postcode.
        (f"<p>作者：郑浩然（乳源瑶族自治县委政法委，广东 韶关 512700）</p><p>内容摘要：</p><p>{ABSTRACT}</p>"
         "<p>关 键 词：平安细胞 平安建设 基层治理</p>",
         [Part.AUTHORS, Part.ABSTRACT, Part.ABSTRACT, Part.KEYWORDS]),
        # Title and subtitle on one line; empty paragraphs between.
        ("<p></p><h1>乳源“平安细胞”建设——以平安细胞筑牢基层平安根基</p><p> </p>", [Part.TITLE]),
        # The title over two lines.
        ("<h1>乳源“平安细胞”</h1><h1>建设</h1>", [Part.TITLE, Part.TITLE]),
        # Full-width digits and punctuation in the abstract (the form has half-width).
        ("<p>摘要：韶关乳源瑶族自治县确认了６０００多个涵盖重点行业、场所的「平安细胞」，制定平安家庭、平安单位等创建标准。</p>",
         [Part.ABSTRACT]),
        # No front matter at all: nothing goes.
        ("", []),
    ],
)
def test_repeated_front_matter_is_dropped(front: str, parts: list[Part]) -> None:
    html, dropped = trimmed(front)
    assert dropped == parts
    assert html == BODY


@pytest.mark.parametrize(
    ("front", "form", "kept"),
    [
        # An abstract that says something else than the form's is the author's text: it stays, and so does
        # everything after it.
        ("<p>摘要：本文讨论了完全不同的问题，与表单中的摘要毫无关系，需要保留给读者。</p><p>关键词：平安细胞</p>", {}, None),
        # A title that is not the form's (another paper's, or the form was changed) stays.
        ("<h1>佛山市“粤平安”社会治理云平台建设</h1>", {}, None),
        # No abstract on the form: the manuscript's is the only one and stays.
        (f"<h1>乳源“平安细胞”建设</h1><p>摘要：{ABSTRACT}</p>", {"abstract": ""}, f"<p>摘要：{ABSTRACT}</p>"),
        # Other keywords than the form's stay.
        ("<p>关键词：枫桥经验；矛盾纠纷；多元化解</p>", {}, None),
        # A line naming someone who is not an author is the body.
        ("<p>习近平总书记指出，基层治理是国家治理的基石。</p>", {}, None),
    ],
)
def test_what_differs_from_the_form_stays(front: str, form: dict[str, object], kept: str | None) -> None:
    html, _dropped = trimmed(front, **form)
    assert html == (front if kept is None else kept) + BODY


def test_the_body_is_never_touched() -> None:
    """A paragraph of the body that quotes the title or the keywords stays: the walk stopped at the first heading."""
    body = f"<h2>一、问题的提出</h2><p>乳源“平安细胞”建设</p><p>关键词：平安细胞</p><p>摘要：{ABSTRACT}</p>"
    result = trim_front_matter("<h1>乳源“平安细胞”建设</h1>" + body, **FORM)  # type: ignore[arg-type]
    assert result.html == body


def test_a_picture_or_table_ends_the_front_matter() -> None:
    front = '<p><img src="data:image/png;base64,AAAA" alt=""></p><h1>乳源“平安细胞”建设</h1>'
    assert trim_front_matter(front + BODY, **FORM).html == front + BODY  # type: ignore[arg-type]


def test_summary_names_what_went_in_print_order() -> None:
    result = trim_front_matter(
        f"<p>关键词：平安细胞</p><h1>乳源“平安细胞”建设——以平安细胞筑牢基层平安根基</h1>{BODY}", **FORM  # type: ignore[arg-type]
    )
    # Keywords end the front matter: a title after them is part of the body.
    assert [item.part for item in result.dropped] == [Part.KEYWORDS]
    result = trim_front_matter(f"<h1>乳源“平安细胞”建设——以平安细胞筑牢基层平安根基</h1><p>摘要：{ABSTRACT}</p>", **FORM)  # type: ignore[arg-type]
    assert dropped_summary(result) == "标题、副标题、摘要"


def test_normalise_ignores_width_punctuation_and_spaces() -> None:
    assert normalise("乳源 “平安细胞” 建设（２０２１）") == normalise('乳源"平安细胞"建设(2021)') == "乳源平安细胞建设2021"
