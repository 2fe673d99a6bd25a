"""The 论文集 typeset from the demo's own Word manuscripts, read back from the PDF as a 会务组 reads it.

The manuscripts are the ones `seminar demo` uploads (official layout: title, ——subtitle, 摘要,
关键词, then the body with a table), converted as an upload is; the book is the demo's title and
topics. No database: the spec is filled the way `queries.book_spec` fills it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from seminar.agenda.demo import LEADER
from seminar.demo import REVIEWERS, SEMINAR_TITLE
from seminar.proceedings.book import Author, BookPaper, BookSpec, BookTopic, Commentary, Placement, Speech
from seminar.proceedings.demo import AFTERWORD, AFTERWORD_SIGNATURE, PREFACE, PREFACE_SIGNATURE, SPEECHES, commentary_text
from seminar.proceedings.typeset import typeset_in_subprocess
from seminar.seminars.defaults import DEFAULT_TOPICS
from seminar.submissions.demo import abstract_of, manuscript_docx
from seminar.submissions.demo_data import PAPERS
from seminar.submissions.intake import inspect_upload

from tests.patience import patience

TOPICS = (1, 2)  # two topics: a whole book's worth of structure in a few seconds
LONG_TABLE_ROWS = 70
HEADER = ("所在城市", "主要做法与成效")
SHORT_TABLES = 12
LONG_TITLE = "关于推进市域社会治理现代化试点工作中矛盾纠纷多元化解机制和综治中心规范化建设情况的"


def long_table_docx() -> bytes:
    """A manuscript with a table over two pages, its first row bold as Word users set a header."""
    document = docx.Document()
    document.add_paragraph("各地做法一览如下。")
    table = document.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    for cell, heading in zip(table.rows[0].cells, HEADER, strict=True):
        cell.paragraphs[0].add_run(heading).bold = True
    for n in range(1, LONG_TABLE_ROWS + 1):
        row = table.add_row().cells
        row[0].text, row[1].text = f"第{n}行", "建立矛盾纠纷多元化解机制，推动综治中心规范化建设。"
    document.add_paragraph("以上做法各有特色。")
    # Short tables after text of growing length: without care, some would fall across a page break.
    for k in range(1, SHORT_TABLES + 1):
        document.add_paragraph("推动综治中心规范化建设，" * (9 * k))
        short = document.add_table(rows=0, cols=2)
        short.style = "Table Grid"
        for row_number in range(1, 9):
            row = short.add_row().cells
            row[0].text, row[1].text = f"短表{k}之{row_number}", "数据"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def demo_spec() -> BookSpec:
    topics = []
    number = 0
    for position in TOPICS:
        title = DEFAULT_TOPICS[position - 1].title
        papers = []
        for demo in (paper for paper in PAPERS if paper.topic == position and paper.submitted):
            number += 1
            body = inspect_upload("论文.docx", manuscript_docx(demo, title)).html
            papers.append(BookPaper(
                number=number, title=demo.title, subtitle=demo.subtitle,
                placement=Placement.KEYNOTE if number % 3 == 1 else Placement.DISCUSSION,
                authors=tuple(Author(f"作者{number}", unit) for unit in demo.units),
                abstract=abstract_of(demo), keywords=demo.keywords, body_html=body,
            ))
        if position == TOPICS[-1]:
            number += 1
            papers.append(BookPaper(
                # A 目录 entry that runs over two lines.
                number=number, title="各地做法一览：矛盾纠纷多元化解与综治中心规范化建设",
                authors=(Author("作者", "省委政法委"), Author("作者二", "广州市南沙区南沙街道办事处综合治理办公室")),
                body_html=inspect_upload("一览.docx", long_table_docx()).html,
            ))
            # Long titles of every length around a 目录 line: one of them fills its line to the end.
            for length in range(28, 40):
                number += 1
                papers.append(BookPaper(
                    number=number, title=LONG_TITLE[:length - 4] + "调研报告", placement=Placement.PROCEEDINGS,
                    authors=(Author("作者", "省委政法委"),), body_html="<p>正文。</p>",
                ))
        # The demo's 专题点评: an official, then an invited expert.
        official, expert = REVIEWERS[position - 1], REVIEWERS[3 + position]
        topics.append(BookTopic(position, title, tuple(papers), commentaries=(
            Commentary(official.name, official.unit, official.position, commentary_text(title, official=True)),
            Commentary(expert.name, expert.unit, expert.position, commentary_text(title, official=False)),
        )))
    return BookSpec(
        title=SEMINAR_TITLE, organizer="中共广东省委政法委员会", date=dt.date(2021, 4, 21), topics=tuple(topics),
        mark="内部资料 注意保存", preface_text=PREFACE, preface_signature=PREFACE_SIGNATURE, preface_date=dt.date(2021, 4, 21),
        speeches=tuple(Speech(kind.value, title, LEADER.name, LEADER.unit + LEADER.position, text)
                       for kind, (title, text) in SPEECHES.items()),
        afterword_text=AFTERWORD, afterword_signature=AFTERWORD_SIGNATURE, afterword_date=dt.date(2021, 5, 21),
    )


class DemoBook:
    def __init__(self, spec: BookSpec, pdf: bytes, started: dt.datetime | None = None) -> None:
        self.spec = spec
        self.started = started  # when the build began
        self.pdf = pdf
        self.reader = PdfReader(io.BytesIO(pdf))
        self.pages = [page.extract_text() or "" for page in self.reader.pages]
        self.text = "\n".join(self.pages)


@pytest.fixture(scope="module")
def demo_book(tmp_path_factory: pytest.TempPathFactory) -> DemoBook:
    started = dt.datetime.now(dt.UTC).replace(microsecond=0)
    spec = demo_spec()
    pdf = typeset_in_subprocess(spec, timeout=patience(180)).pdf
    (tmp_path_factory.mktemp("demo") / "book.pdf").write_bytes(pdf)
    return DemoBook(spec, pdf, started)


def test_every_paper_prints_its_abstract_and_keywords_once(demo_book: DemoBook) -> None:
    papers = [paper for topic in demo_book.spec.topics for paper in topic.papers if paper.abstract]
    assert len(papers) > 10
    assert demo_book.text.count("摘要：") == len(papers)
    assert demo_book.text.count("关键词：") == len(papers)
    for paper in papers:
        # The subtitle once under the title (the TOC names titles only).
        assert demo_book.text.replace("\n", "").count(paper.subtitle or paper.title) >= 1
        if paper.subtitle:
            assert demo_book.text.replace("\n", "").count("——" + paper.subtitle) == 1, paper.title


def cover_lines(book: DemoBook) -> list[str]:
    return [line.strip() for line in book.pages[0].splitlines() if line.strip()]


def test_the_cover_title_breaks_between_words(demo_book: DemoBook) -> None:
    lines = cover_lines(demo_book)
    assert "全省市域社会治理现代化试点创新研讨班" in lines and "（发挥政治引领作用）" in lines
    assert lines.index("（发挥政治引领作用）") == lines.index("全省市域社会治理现代化试点创新研讨班") + 1
    assert demo_book.reader.metadata.title == SEMINAR_TITLE + "论文集"


def test_a_topic_volume_has_its_own_cover_and_title(demo_book: DemoBook) -> None:
    whole = demo_book.spec
    topic = whole.topics[0]
    spec = dataclasses.replace(whole, topics=(dataclasses.replace(topic, papers=topic.papers[:1]),), volume=1)
    volume = DemoBook(spec, typeset_in_subprocess(spec, timeout=patience(120)).pdf)

    assert "专题一　完成政治任务" in cover_lines(volume) and "专题一" not in demo_book.pages[0]
    assert volume.reader.metadata.title == SEMINAR_TITLE + "论文集·专题一　完成政治任务"
    assert volume.reader.metadata.title != demo_book.reader.metadata.title


def test_the_demo_book_has_its_speeches_commentaries_after_each_topic_and_a_signed_preface_and_afterword(
    demo_book: DemoBook,
) -> None:
    pages = [re.sub(r"\s+", "", page) for page in demo_book.pages]
    cover = pages[0]
    assert "中共广东省委政法委员会编印" in cover and "二〇二一年四月" in cover
    preface = next(index for index, page in enumerate(pages) if page.startswith("前") or "前言" in page[:6])
    assert pages[preface].endswith("编者二〇二一年四月") or "编者二〇二一年四月" in pages[preface]
    opening = next(index for index, page in enumerate(pages) if "开班式上的讲话" in page and "同志们" in page)
    divider_one = next(index for index, page in enumerate(pages) if index > opening and "完成政治任务" in page)
    divider_two = next(index for index, page in enumerate(pages) if index > divider_one and page.startswith("专题二"))
    # Each topic's 点评 come after its papers and before the next topic.
    first_topic = DEFAULT_TOPICS[0].title
    commentaries = [index for index, page in enumerate(pages) if f"“{first_topic}”专题" in page]
    assert commentaries and all(divider_one < index < divider_two for index in commentaries)
    assert "点评：王建华" in "".join(pages[index] for index in commentaries)
    afterword = next(index for index, page in enumerate(pages) if "本论文集的编印" in page)
    assert afterword > divider_two and f"{AFTERWORD_SIGNATURE}二〇二一年五月" in pages[afterword]


def test_a_table_over_a_page_break_repeats_its_header(demo_book: DemoBook) -> None:
    pages = [page for page in demo_book.pages if "第1行" in page or f"第{LONG_TABLE_ROWS}行" in page or "第35行" in page]
    assert len(pages) >= 2  # the table does run over a page break
    for page in pages:
        assert all(heading in page for heading in HEADER)


def test_short_tables_after_text_of_any_length_stay_on_one_page(demo_book: DemoBook) -> None:
    for k in range(1, SHORT_TABLES + 1):
        holding = [page for page in demo_book.pages if f"短表{k}之" in page]
        assert len(holding) == 1 and all(f"短表{k}之{n}" in holding[0] for n in range(1, 9)), k


def test_a_toc_entry_that_wraps_keeps_its_page_number_on_its_last_line(demo_book: DemoBook) -> None:
    # The 目录's pages: those of the front matter with leader lines (the 前言 and the 目录 take a few).
    toc = [page for page in demo_book.pages[:12] if re.search(r"(?:\.\s*){5,}\d+\s*$", page, re.M)]
    assert toc
    lines = [line for page in toc for line in page.splitlines()]
    assert any("广州市南沙区南沙街道办事处" in line for line in lines)
    assert not [line for line in lines if re.fullmatch(r"[\s.．·…]*\d+\s*", line)]


def test_the_viewers_page_labels_are_the_printed_numbers(demo_book: DemoBook) -> None:
    labels = demo_book.reader.page_labels
    assert labels[0] == "封面" and labels[1] == "i"
    folios = 0
    for label, text in zip(labels, demo_book.pages, strict=True):
        if found := re.search(r"—\s*(\d+)\s*—\s*$", text.strip()):
            assert label == found.group(1)
            folios += 1
    assert folios > 20


def test_the_file_is_dated_when_it_was_made(demo_book: DemoBook) -> None:
    created = demo_book.reader.metadata.creation_date
    assert created is not None
    assert demo_book.started is not None and demo_book.started <= created <= dt.datetime.now(dt.UTC)


def test_the_docs_pictures_are_the_cover_the_first_contents_page_and_a_papers_first_page(
    demo_book: DemoBook, tmp_path: Path
) -> None:
    from PIL import Image

    from seminar.docs_images import book_pages, render_page

    pages = book_pages(demo_book.pdf)

    assert pages["cover"] == 0 and "全省市域社会治理" in demo_book.pages[0].replace("\n", "")
    contents = demo_book.pages[pages["contents"]]
    assert "目" in contents and re.search(r"(?:\.\s*){5,}\d+\s*$", contents, re.M)
    first = demo_book.spec.topics[0].papers[0]
    assert first.title in demo_book.pages[pages["paper"]] and "摘要：" in demo_book.pages[pages["paper"]]
    target = tmp_path / "book-paper.png"
    render_page(demo_book.pdf, pages["paper"], target)
    with Image.open(target) as image:
        assert image.mode == "P" and image.size[0] in (595, 596) and image.size[1] == 842  # A4 at 72 dpi, 256 colours
