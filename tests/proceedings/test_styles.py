"""The book's house styles: the 公文 style's fonts and page on the built PDF, the academic style unchanged."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from seminar.proceedings import styles, typeset as typesetting
from seminar.proceedings.book import BookSpec, BookTopic, Placement
from seminar.proceedings.styles import HouseStyle
from seminar.proceedings.typeset import typeset

from tests.proceedings.test_typeset import MARKER, Built, flat, folio, load, paper

needs_fandol = pytest.mark.skipif(
    bool(styles.missing_fonts(HouseStyle.OFFICIAL)),
    reason="the Fandol fonts (Debian package texlive-lang-chinese) are not installed: run `seminar setup`",
)


def two_paper_book(style: HouseStyle) -> BookSpec:
    rng = random.Random(9)
    return BookSpec(
        title="全省市域社会治理现代化试点创新研讨班", organizer="中共广东省委政法委员会", date=dt.date(2021, 4, 21),
        mark="内部资料 注意保存", house_style=style, preface_text="为总结交流各地经验，编印本论文集。",
        topics=[BookTopic(1, "坚持党的绝对领导", [
            paper(rng, 1, Placement.KEYNOTE, "发挥政治引领作用的实践", subtitle="以广州市为例"),
            paper(rng, 2, Placement.DISCUSSION, "网格化服务管理的探索"),
        ])],
    )


def fonts_of(built: Built) -> set[str]:
    listing = subprocess.run(["pdffonts", str(built.path)], capture_output=True, text=True, check=True).stdout
    rows = listing.splitlines()[2:]
    assert rows and all(row.split()[-5:-2] == ["yes", "yes", "yes"] for row in rows), listing  # embedded, subset, unicode
    return {row.split()[0].split("+", 1)[1] for row in rows}


@pytest.fixture(scope="module")
def official(tmp_path_factory: pytest.TempPathFactory) -> Built:
    spec = two_paper_book(HouseStyle.OFFICIAL)
    return load(spec, typeset(spec), tmp_path_factory.mktemp("official"))


@needs_fandol
def test_an_official_style_book_embeds_fangsong_kai_and_the_noto_title_and_hei_faces(official: Built) -> None:
    fonts = fonts_of(official)
    assert {"FandolFang", "FandolKai", "Noto-Serif-CJK-SC-Bold", "Noto-Sans-CJK-SC-Bold"} <= fonts, fonts
    assert official.result.report.warnings == []


@needs_fandol
def test_the_official_style_text_extracts_intact(official: Built) -> None:
    text = flat("".join(official.pages))
    assert text.count(MARKER) == 2  # each paper's first paragraph
    assert "发挥政治引领作用的实践" in text and "——以广州市为例" in text and "一、基本情况" in text


@needs_fandol
def test_an_official_page_has_22_lines_of_28_characters_and_the_folio_at_the_outer_edge(official: Built) -> None:
    full = []
    for page in official.pages:
        lines = [line for line in page.splitlines() if line.strip()]
        body = lines[1:-1]  # under the running head, above the folio
        if folio(page) and len(body) >= 20:
            full.append((folio(page), page, body))
    assert full, "no full body page"
    number, page, body = max(full, key=lambda found: len(found[2]))  # a page of running text
    assert len(body) == 22
    # Running text: full lines of 28 characters (a paragraph's last line, headings and tables are shorter).
    lengths = Counter(len(line.strip().replace(" ", "")) for line in body)
    assert lengths.most_common(1)[0][0] == 28, lengths
    # pdftotext -layout keeps the folio's position: recto (odd) at the right, verso (even) at the left.
    folio_line = [line for line in page.splitlines() if line.strip()][-1]
    indent = len(folio_line) - len(folio_line.lstrip())
    assert folio_line.replace(" ", "") == f"—{number}—"
    assert (indent > 40) == (number % 2 == 1), folio_line


def test_the_academic_style_still_uses_noto_only(tmp_path: Path) -> None:
    spec = two_paper_book(HouseStyle.ACADEMIC)
    built = load(spec, typeset(spec), tmp_path)
    fonts = fonts_of(built)
    assert {"Noto-Serif-CJK-SC", "Noto-Sans-CJK-SC-Bold"} <= fonts and all(name.startswith("Noto") for name in fonts), fonts
    assert flat("".join(built.pages)).count(MARKER) == 2


def test_without_the_fandol_fonts_the_official_style_falls_back_to_noto_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    absent = {HouseStyle.ACADEMIC: (), HouseStyle.OFFICIAL: tuple(
        dataclasses.replace(font, path=tmp_path / font.path.name) for font in styles.FONT_FILES[HouseStyle.OFFICIAL]
    )}
    monkeypatch.setattr(styles, "FONT_FILES", absent)
    # A fresh process's view: the fonts and sheets loaded once per process are loaded again.
    caches = (typesetting._stylesheets, typesetting._stylesheet, typesetting._font_config)
    for cached in caches:
        cached.cache_clear()
    try:
        spec = two_paper_book(HouseStyle.OFFICIAL)
        built = load(spec, typeset(spec), tmp_path)
    finally:
        for cached in caches:
            cached.cache_clear()
    fonts = fonts_of(built)
    assert not any(name.startswith("Fandol") for name in fonts) and "Noto-Serif-CJK-SC" in fonts, fonts
    assert flat("".join(built.pages)).count(MARKER) == 2
    [warning] = built.result.report.warnings
    assert "FandolFang" in warning and "texlive-lang-chinese" in warning


def test_an_official_paper_title_runs_over_lines_between_words_and_the_academic_one_is_left_whole() -> None:
    from seminar.proceedings.book import book_html

    rng = random.Random(3)
    title = "关于推进市域社会治理现代化试点工作中发挥政治引领作用的实践与思考"
    topics = [BookTopic(1, "坚持党的绝对领导", [paper(rng, 1, Placement.KEYNOTE, title)])]
    official_html = book_html(dataclasses.replace(two_paper_book(HouseStyle.OFFICIAL), topics=topics))
    academic_html = book_html(dataclasses.replace(two_paper_book(HouseStyle.ACADEMIC), topics=topics))

    lines = re.findall(r'<span class="title-line">([^<]*)</span>', official_html)
    assert "".join(lines) == title and len(lines) == 2
    assert lines[0].endswith("试点工作")  # a phrase ends there; no line ends inside a word
    assert 'class="title-line"' not in academic_html and f">{title}</h2>" in academic_html
