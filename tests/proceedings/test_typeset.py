"""The 论文集 as a PDF, checked on the file itself with pypdf and poppler's tools."""

from __future__ import annotations

import datetime as dt
import random
import re
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject
from weasyprint import HTML

from seminar.agenda.model import Agenda, Person, SlotKind
from seminar.agenda.program import program_of
from seminar.proceedings.book import BookPaper, BookSpec, BookTopic, Commentary, Participant, Placement, Speech
from seminar.proceedings.progress import BuildStage
from seminar.proceedings.typeset import (
    BuildError,
    TypesetResult,
    check_fonts,
    typeset,
    typeset_in_subprocess,
)

from tests.agenda.builders import HALL, session, slot
from tests.patience import patience

MARKER = "市域社会治理现代化试点工作"
WORDS = "坚持发展新时代枫桥经验推进平安建设法治政府基层治理网格化服务管理矛盾纠纷多元化解机制综合执法"
FOREIGN_TITLE = "城市报送的PDF论文"
NESTED = 300  # nested quotations past Python's recursion limit in WeasyPrint's layout


def chinese(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(WORDS) for _ in range(n))


def body_html(rng: random.Random, with_table: bool) -> str:
    """About 1,500 characters of a manuscript as mammoth converts it: headings, a list, a table."""
    parts = ["<h1>一、基本情况</h1>", f"<p>{MARKER}，{chinese(rng, 280)}。</p>",
             "<h2>（一）主要做法</h2>", f"<ul><li>{chinese(rng, 30)}</li><li>{chinese(rng, 40)}</li></ul>",
             "<h3>1.网格划分</h3>", f"<p>{chinese(rng, 60)}。</p>"]
    if with_table:
        rows = "".join(f"<tr><td>第{i}季度</td><td>{i * 131}</td><td>{90 + i}%</td></tr>" for i in range(1, 5))
        parts.append(f"<table><thead><tr><th>时间</th><th>化解纠纷</th><th>化解率</th></tr></thead><tbody>{rows}</tbody></table>")
    parts += [f"<h1>二、存在问题</h1><p>{chinese(rng, 400)}。</p>",
              f"<h1>三、对策建议</h1><p>{chinese(rng, 380)}。</p><p>{chinese(rng, 330)}。</p>"]
    return "".join(parts)


def foreign_pdf() -> bytes:
    """A two-page PDF such as a city uploads instead of a .docx."""
    return HTML(string=(
        f'<html lang="zh-Hans"><body style="font-family: \'Noto Serif CJK SC\'">'
        f"<h1>{FOREIGN_TITLE}</h1><p>第一页正文</p><p style='break-before: page'>外来文件第二页</p></body></html>"
    )).write_pdf()


def paper(rng: random.Random, number: int, placement: Placement, title: str, **changes: object) -> BookPaper:
    values: dict[str, object] = {
        "number": number, "title": title, "placement": placement,
        "authors": [("张三", "广州市委政法委"), ("李四", "广州市委政法委")],
        "abstract": chinese(rng, 220), "keywords": ["市域治理", "枫桥经验", "平安建设"],
        "body_html": body_html(rng, with_table=number % 2 == 0),
    }
    values.update(changes)
    return BookPaper(**values)  # type: ignore[arg-type]


def small_book() -> BookSpec:
    rng = random.Random(6)
    first = BookTopic(1, "坚持党的绝对领导", [
        paper(rng, 11, Placement.DISCUSSION, "交流论文甲号"),
        paper(rng, 12, Placement.KEYNOTE, "重点发言甲号", subtitle="以广州市为例"),
        paper(rng, 13, Placement.PROCEEDINGS, "外来PDF论文", body_html="", pdf_pages=foreign_pdf()),
        paper(rng, 14, Placement.PROCEEDINGS, "收录论文甲号"),
    ])
    second = BookTopic(2, "推进市域社会治理", [
        paper(rng, 21, Placement.KEYNOTE, "重点发言乙号"),
        paper(rng, 22, Placement.DISCUSSION, "排版失败论文",
              body_html="<p>正文</p>" + "<blockquote>" * NESTED + "深" + "</blockquote>" * NESTED),
        paper(rng, 23, Placement.DISCUSSION, "损坏PDF论文", body_html="", pdf_pages=b"%PDF-1.7 broken"),
        paper(rng, 24, Placement.DISCUSSION, "交流论文乙号"),
    ], commentaries=[
        Commentary("王建华", "中共广东省委组织部", "副部长", f"点评正文甲。{chinese(rng, 300)}"),
        Commentary("陈明", "中山大学", "教授", f"点评正文乙。{chinese(rng, 200)}"),
    ])
    return BookSpec(
        title="全省市域社会治理研讨班", organizer="中共广东省委政法委员会", date=dt.date(2021, 4, 21),
        topics=[first, second], mark="内部资料 注意保存", compiled_by="省委政法委办公室", preface_text=f"{chinese(rng, 200)}\n\n{chinese(rng, 150)}",
        preface_signature="编者", preface_date=dt.date(2021, 11, 20),
        speeches=[
            Speech("opening", "在全省市域社会治理研讨班开班式上的讲话", "李志强", "省委政法委副书记", f"开班讲话正文。{chinese(rng, 400)}"),
            Speech("closing", "在全省市域社会治理研讨班结业式上的总结讲话", "张卫东", "省委常委、政法委书记", f"总结讲话正文。{chinese(rng, 300)}"),
        ],
        afterword_text=f"后记正文。{chinese(rng, 200)}", afterword_signature="中共广东省委政法委员会", afterword_date=dt.date(2021, 12, 1),
        agenda=program_of(Agenda((HALL,), (
            session("opening", HALL, "09:00", "09:30",
                    slot("opening-1", "09:00", 30, SlotKind.OPENING, "开班式", speaker=Person(None, "省委政法委领导"))),
            session("topic-1", HALL, "09:30", "12:00", slot("k1", "09:30", 150, title="专题一交流发言"), topic_id=1),
        ))),
        participants=[Participant("王五", "深圳市委政法委", "副书记"), Participant("赵六", "珠海市委政法委", "处长")],
        tagged=True,  # every check of this file holds for the tagged file too
    )


@dataclass
class Built:
    spec: BookSpec
    result: TypesetResult
    path: Path
    pages: list[str]  # pdftotext of each physical page
    reader: PdfReader
    reported: list[tuple[BuildStage, int]] = field(default_factory=list)  # what the progress bar heard

    def physical(self, printed: int) -> int:
        """The physical page (0-based) that carries printed number N; dividers print none."""
        for index, text in enumerate(self.pages):
            if folio(text) == printed:
                return index
        for index, text in enumerate(self.pages):
            if folio(text) == printed + 1:
                return index - 1
        raise AssertionError(f"no page numbered {printed}")


def folio(text: str) -> int | None:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    match = re.fullmatch(r"—\s*(\d+)\s*—", lines[-1]) if lines else None
    return int(match.group(1)) if match else None


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def load(spec: BookSpec, result: TypesetResult, tmp_path: Path) -> Built:
    path = tmp_path / "book.pdf"
    path.write_bytes(result.pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return Built(spec, result, path, text.split("\f")[:-1], PdfReader(path))


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Built:
    spec = small_book()
    heard: list[tuple[BuildStage, int]] = []
    # The worker's way: a spawned process typesets, the caller waits and hears how far it got.
    result = typeset_in_subprocess(spec, timeout=patience(120), report=lambda stage, done: heard.append((stage, done)))
    built = load(spec, result, tmp_path_factory.mktemp("book"))
    built.reported = heard
    return built


def test_the_typesetter_reports_its_stages_in_order_and_counts_every_page(book: Built) -> None:
    stages = [stage for stage, _done in book.reported]
    last_pass = len(stages) - stages[::-1].index(BuildStage.PREPARING)
    pages = [done for stage, done in book.reported[last_pass:] if stage == BuildStage.LAYOUT]

    assert stages[0] == BuildStage.STARTING and stages[-1] == BuildStage.WRITING
    # The unreadable PDF and the paper nested too deeply were found by laying papers out one at a time.
    assert BuildStage.CHECKING in stages[:last_pass]
    # Page after page, up to the book's last, never back (a repagination lays them out again).
    assert pages == sorted(pages) and sorted(set(pages)) == list(range(1, book.result.report.pages + 1))


def toc_entries(built: Built) -> dict[str, int]:
    """Lines such as `重点发言甲号   广州市委政法委 .......... 2` from the 目录 pages."""
    entries: dict[str, int] = {}
    for text in built.pages:
        if "目" not in flat(text)[:6]:
            continue
        for line in text.splitlines():
            match = re.match(r"^\s*(\S.*?)\s*(?:\.\s*){3,}(\d+)\s*$", line)
            if match:
                entries[match.group(1).split()[0] if "专题" not in match.group(1) else flat(match.group(1))] = int(match.group(2))
    return entries


def test_the_book_has_its_parts_in_a_sane_number_of_pages(book: Built) -> None:
    report = book.result.report
    assert len(book.reader.pages) == report.pages
    assert 20 <= report.pages <= 60
    assert report.warnings == []
    cover = flat(book.pages[0])
    assert "内部资料注意保存" in cover and "全省市域社会治理研讨班" in cover and "二〇二一年四月" in cover
    # The organizer's 全称 and who compiled the book, above the date.
    assert cover.index("中共广东省委政法委员会") < cover.index("省委政法委办公室编印") < cover.index("二〇二一年四月")
    assert folio(book.pages[0]) is None


def test_every_toc_entry_points_at_the_page_with_that_title(book: Built) -> None:
    entries = toc_entries(book)
    titles = [paper.title for topic in book.spec.topics for paper in topic.papers if paper.title != "外来PDF论文"]
    for title in titles:
        assert title in entries, f"{title} missing from the TOC"
        assert title in flat(book.pages[book.physical(entries[title])])
    for topic in book.spec.topics:
        key = next(name for name in entries if topic.title in name)
        page = flat(book.pages[book.physical(entries[key])])
        assert topic.title in page and folio(book.pages[book.physical(entries[key])]) is None  # a divider


def test_keynotes_come_first_in_toc_and_book(book: Built) -> None:
    entries = toc_entries(book)
    assert entries["重点发言甲号"] < entries["交流论文甲号"] < entries["外来PDF论文"] < entries["收录论文甲号"]
    assert entries["重点发言乙号"] < entries["排版失败论文"] < entries["交流论文乙号"]


def test_pdf_only_paper_pages_are_inserted_where_the_toc_says(book: Built) -> None:
    entries = toc_entries(book)
    first = book.physical(entries["外来PDF论文"])
    assert FOREIGN_TITLE in flat(book.pages[first])
    assert "外来文件第二页" in flat(book.pages[first + 1])
    # The inserted pages keep the book's running head and folio, and the next paper follows them.
    assert folio(book.pages[first]) == entries["外来PDF论文"]
    assert "坚持党的绝对领导" in flat(book.pages[first]) or "全省市域社会治理研讨班" in flat(book.pages[first])
    assert book.physical(entries["收录论文甲号"]) >= first + 2


def test_a_paper_that_cannot_be_laid_out_is_replaced_by_a_notice(book: Built) -> None:
    failed = book.result.report.failed_papers
    assert set(failed) == {22, 23}
    assert "RecursionError" in failed[22]
    assert "PDF" in failed[23]
    page = flat(book.pages[book.physical(toc_entries(book)["排版失败论文"])])
    assert "排版失败论文" in page and "本文排版失败：原稿结构嵌套层级过深" in page
    assert "交流论文乙号" in flat("".join(book.pages))


def test_outline_has_one_entry_per_topic_and_paper_in_book_order(book: Built) -> None:
    outline = book.reader.outline
    top = [entry for entry in outline if not isinstance(entry, list)]
    titles = [entry.title for entry in top]
    assert titles[:2] == ["前言", "目录"]
    assert titles[2:5] == ["领导讲话", "专题一　坚持党的绝对领导", "专题二　推进市域社会治理"]
    assert titles[5:] == ["附录一　日程安排", "附录二　参会人员名单", "后记"]
    children = [entry for entry in outline if isinstance(entry, list)]
    assert [[paper.title for paper in kids] for kids in children] == [
        ["在全省市域社会治理研讨班开班式上的讲话", "在全省市域社会治理研讨班结业式上的总结讲话"],
        ["重点发言甲号", "交流论文甲号", "外来PDF论文", "收录论文甲号"],
        ["重点发言乙号", "排版失败论文", "损坏PDF论文", "交流论文乙号", "点评：王建华", "点评：陈明"],
    ]
    entries = toc_entries(book)
    for kids in children:
        for entry in kids:
            assert book.reader.get_destination_page_number(entry) == book.physical(entries[entry.title])


def printed_sizes(built: Built) -> dict[str, set[float]]:
    """Each run of text in the book with the sizes, in points, it is printed at."""
    sizes: dict[str, set[float]] = {}

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            sizes.setdefault(text.strip(), set()).add(round(size * tm[0] * cm[0], 1))

    for page in built.reader.pages:
        page.extract_text(visitor_text=visit)
    return sizes


def test_the_manuscripts_headings_print_at_their_sizes_under_the_paper_title(book: Built) -> None:
    """Nested under the paper's h2 title, Word's Heading 1 and 2 (now h3, h4) still print at 14 pt, Heading 3 at 12."""
    sizes = printed_sizes(book)

    assert sizes["一、基本情况"] == sizes["（一）主要做法"] == {14.0}
    assert sizes["1.网格划分"] == {12.0}


def test_fonts_are_embedded_noto_cjk_and_text_is_extractable(book: Built) -> None:
    listing = subprocess.run(["pdffonts", str(book.path)], capture_output=True, text=True, check=True).stdout
    rows = listing.splitlines()[2:]
    assert rows and all(re.search(r"\byes\s+yes\s+yes\b", row) for row in rows), listing
    names = " ".join(row.split()[0] for row in rows)
    for family in ("Noto-Serif-CJK-SC", "Noto-Sans-CJK-SC-Bold"):
        assert family in names
    assert flat("".join(book.pages)).count(MARKER) == 5  # every paper typeset from HTML


def test_body_pages_have_running_heads_and_dash_folios(book: Built) -> None:
    entries = toc_entries(book)
    second_page = book.physical(entries["重点发言乙号"]) + 1  # right or left, a head is there
    head = book.pages[second_page].strip().splitlines()[0]
    assert "专题二" in head and "推进市域社会治理" in head or "全省市域社会治理研讨班" in head
    heads = {flat(text.strip().splitlines()[0]) for text in book.pages if folio(text)}
    assert "专题一坚持党的绝对领导" in heads and "全省市域社会治理研讨班" in heads
    numbers = [folio(text) for text in book.pages if folio(text)]
    assert numbers == sorted(numbers) and numbers[0] == 2  # page 1 is the unnumbered divider


def test_metadata_title_author_and_language(book: Built) -> None:
    assert book.reader.metadata.title == "全省市域社会治理研讨班论文集"
    assert book.reader.metadata.author == "中共广东省委政法委员会"
    assert book.reader.trailer["/Root"]["/Lang"] == "zh-Hans"


def structure_tags(node: object, found: Counter[str] | None = None) -> Counter[str]:
    """How many structure elements of each type (H1, P, Table …) the structure tree holds."""
    found = Counter() if found is None else found
    node = node.get_object() if isinstance(node, IndirectObject) else node
    if isinstance(node, DictionaryObject):
        if "/S" in node:
            found[str(node["/S"])] += 1
        kids = node.get("/K")
        for kid in kids if isinstance(kids, ArrayObject) else [kids] if kids is not None else []:
            structure_tags(kid, found)
    return found


def test_the_book_is_a_tagged_pdf_ua_file_with_its_title_language_and_page_labels(book: Built) -> None:
    root = book.reader.trailer["/Root"]
    info = subprocess.run(["pdfinfo", str(book.path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.M), info
    assert bool(root["/MarkInfo"]["/Marked"])
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])  # viewers show the title, not "book.pdf"
    assert 'pdfuaid:part="1"' in root["/Metadata"].get_object().get_data().decode()
    tags = structure_tags(root["/StructTreeRoot"])
    # Headings as headings: the divider and section titles, every paper's title, the manuscripts' own headings.
    papers = sum(len(topic.papers) for topic in book.spec.topics)
    assert tags["/H1"] >= 2 and tags["/H2"] >= papers and tags["/H3"] >= 3
    assert tags["/Table"] >= 2 and tags["/TH"] >= 3 and tags["/L"] >= 1 and tags["/P"] > 50
    # The page labels (an incremental update after the uploaded pages were laid in) kept the tree.
    assert book.reader.page_labels[:2] == ["封面", "i"] and "1" in book.reader.page_labels


def test_speeches_commentaries_and_afterword_are_sections_of_the_book_in_the_toc(book: Built) -> None:
    entries = toc_entries(book)
    # 领导讲话 first (printed page 1 is their divider), each topic's 点评 after its papers, the 后记 last.
    assert entries["在全省市域社会治理研讨班开班式上的讲话"] < entries["在全省市域社会治理研讨班结业式上的总结讲话"]
    assert entries["在全省市域社会治理研讨班结业式上的总结讲话"] < entries["重点发言甲号"]
    assert entries["交流论文乙号"] < entries["点评：王建华"] < entries["点评：陈明"]
    assert any(re.search(r"^后记\s*(?:\.\s*){3,}\d+\s*$", text, re.M) for text in book.pages)  # the 目录 names the 后记
    for title, text in (("在全省市域社会治理研讨班开班式上的讲话", "开班讲话正文"), ("点评：王建华", "点评正文甲"),
                        ("点评：陈明", "点评正文乙")):
        page = flat(book.pages[book.physical(entries[title])])
        assert title in page and text in page, title
    first = flat(book.pages[book.physical(entries["点评：王建华"])])
    assert "中共广东省委组织部" in first and "副部长王建华" in first
    assert "省委政法委副书记李志强" in flat(book.pages[book.physical(entries["在全省市域社会治理研讨班开班式上的讲话"])])
    # No reviewer's anonymous comment anywhere: the old option is gone.
    assert "评审意见" not in flat("".join(book.pages))


def test_the_preface_and_afterword_end_with_a_signature_and_date_set_apart_on_the_right(book: Built) -> None:
    preface = next(text for text in book.pages if "前" in flat(text)[:4])
    afterword = next(text for text in book.pages if "后记正文" in flat(text))
    for text, signature, date in ((preface, "编者", "二〇二一年十一月"), (afterword, "中共广东省委政法委员会", "二〇二一年十二月")):
        lines = [line.rstrip() for line in text.splitlines() if line.strip()]
        signed = next(index for index, line in enumerate(lines) if line.strip() == signature)
        assert lines[signed + 1].strip() == date  # the date on the line under the signature
        right_edge = max(len(line) for line in lines[:signed])
        for line in lines[signed:signed + 2]:
            # Right-aligned with the text above, set apart from it (far from the left margin).
            assert abs(len(line) - right_edge) <= 3 and len(line) - len(line.lstrip()) > 15, line


def test_appendices_are_printed(book: Built) -> None:
    text = flat("".join(book.pages))
    assert "日程安排" in text and "开班式" in text and "参会人员名单" in text and "深圳市委政法委" in text


def one_paper_book(locale: str) -> BookSpec:
    rng = random.Random(7)
    return BookSpec(
        title="市域治理研讨班", organizer="省委政法委", date=dt.date(2022, 11, 3), locale=locale,
        topics=[BookTopic(1, "发挥政治引领作用", [paper(rng, 1, Placement.KEYNOTE, "发挥政治引领作用的实践")])],
    )


def test_traditional_book_uses_the_traditional_chinese_fonts(tmp_path: Path) -> None:
    built = load(one_paper_book("zh_Hant"), typeset(one_paper_book("zh_Hant")), tmp_path)
    listing = subprocess.run(["pdffonts", str(built.path)], capture_output=True, text=True, check=True).stdout
    assert "Noto-Serif-CJK-TC" in listing and "Noto-Sans-CJK-TC" in listing
    assert "CJK-SC" not in listing
    assert "專題一" in flat("".join(built.pages))
    assert built.reader.trailer["/Root"]["/Lang"] == "zh-Hant"


def test_english_book_has_plain_page_numbers(tmp_path: Path) -> None:
    built = load(one_paper_book("en"), typeset(one_paper_book("en")), tmp_path)
    text = "".join(built.pages)
    assert "November 2022" in text and "Topic 1" in text and "Contents" in text
    assert "—" not in text
    last_lines = [page.strip().splitlines()[-1].strip() for page in built.pages if page.strip()]
    assert "2" in last_lines


def test_a_paper_still_under_blind_review_says_where_its_authors_would_be_that_they_are_not_yet_disclosed(
    tmp_path: Path,
) -> None:
    rng = random.Random(8)
    spec = BookSpec(
        title="市域治理研讨班", organizer="省委政法委", date=dt.date(2022, 11, 3),
        topics=[BookTopic(1, "发挥政治引领作用", [
            paper(rng, 1, Placement.KEYNOTE, "评审已结束的论文"),
            paper(rng, 2, Placement.DISCUSSION, "仍在匿名评审的论文", authors=(), authors_withheld=True),
        ])],
    )
    built = load(spec, typeset(spec), tmp_path)

    def page_of(title: str) -> str:
        return flat(next(page for page in built.pages if title in flat(page) and "目录" not in flat(page)))

    reviewed, under_review = page_of("评审已结束的论文"), page_of("仍在匿名评审的论文")
    assert "广州市委政法委张三李四" in reviewed and "暂不公开" not in reviewed
    title_to_abstract = under_review[under_review.index("仍在匿名评审的论文"):under_review.index("摘要")]
    assert title_to_abstract == "仍在匿名评审的论文（匿名评审进行中，作者信息暂不公开）"
    assert "张三" not in under_review


def test_a_build_that_takes_too_long_is_stopped_without_a_file() -> None:
    with pytest.raises(BuildError, match="longer than"):
        typeset_in_subprocess(one_paper_book("zh_Hans"), timeout=0.05)


def test_the_machine_has_the_fonts_the_book_needs() -> None:
    assert check_fonts() == []
