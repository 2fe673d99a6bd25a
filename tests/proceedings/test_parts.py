"""The book typeset in parts (`parts.py`) is the book typeset whole: same pages, text, outline,
目录 links and page labels; after a change only the parts it touches are laid out again."""

from __future__ import annotations

import dataclasses
import io
import random
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from seminar.proceedings.book import BookSpec
from seminar.proceedings.parts import PartCache, typeset_parts
from seminar.proceedings.typeset import STATIC_DIR, typeset

from tests.proceedings.test_typeset import body_html, small_book


def parts_book() -> BookSpec:
    """The typesetter's small book (speeches, a PDF-only paper, 专题点评, appendices, 后记) without
    the two papers that cannot be typeset: those send a build back to the whole-book path."""
    spec = small_book()
    first, second = spec.topics
    return dataclasses.replace(spec, topics=[
        first, dataclasses.replace(second, papers=[paper for paper in second.papers if paper.number not in (22, 23)]),
    ])


def outline(reader: PdfReader, items: list[Any] | None = None) -> list[Any]:
    """Titles and page indexes, nested as the viewer shows them."""
    found: list[Any] = []
    for item in reader.outline if items is None else items:
        if isinstance(item, list):
            found.append(outline(reader, item))
        else:
            found.append((item.title, reader.get_destination_page_number(item)))
    return found


def links(reader: PdfReader) -> list[tuple[int, int]]:
    """Each internal link: the page it is on and the page it goes to."""
    found = []
    for index, page in enumerate(reader.pages):
        for annotation in page.get("/Annots") or []:
            destination = annotation.get_object().get("/Dest")
            if isinstance(destination, str):  # WeasyPrint names its destinations
                found.append((index, reader.get_destination_page_number(reader.named_destinations[destination])))
            elif destination is not None:
                found.append((index, reader.get_page_number(destination[0].get_object())))
    return found


def pictures(pdf: bytes, tmp_path: Path, name: str) -> list[bytes]:
    """Every page drawn by poppler, small."""
    (tmp_path / f"{name}.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "20", "-gray", str(tmp_path / f"{name}.pdf"), str(tmp_path / name)], check=True)
    return [path.read_bytes() for path in sorted(tmp_path.glob(f"{name}-*.pgm"))]


def assert_same_book(whole: bytes, parts: bytes) -> None:
    expected, actual = PdfReader(io.BytesIO(whole)), PdfReader(io.BytesIO(parts))
    with tempfile.TemporaryDirectory() as directory:
        # The pages look the same: the parts' font subsets merged into one per face keep every glyph.
        assert pictures(parts, Path(directory), "parts") == pictures(whole, Path(directory), "whole")
    assert len(parts) <= 1.3 * len(whole)
    assert len(actual.pages) == len(expected.pages)
    for index, (want, got) in enumerate(zip(expected.pages, actual.pages, strict=True)):
        assert got.extract_text() == want.extract_text(), f"page {index}"
    assert outline(actual) == outline(expected)
    assert actual.page_labels == expected.page_labels
    assert links(actual) == links(expected) and links(expected)
    assert actual.metadata.title == expected.metadata.title
    assert actual.trailer["/Root"]["/Lang"] == expected.trailer["/Root"]["/Lang"]


def build(spec: BookSpec, cache: Path) -> tuple[bytes, list[str]]:
    result = typeset_parts(spec, PartCache(cache), base_url=STATIC_DIR.as_uri() + "/")
    return result.pdf, result.laid_out


@pytest.fixture(scope="module")
def first_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[BookSpec, Path, bytes, list[str]]:
    spec = parts_book()
    cache = tmp_path_factory.mktemp("parts")
    pdf, laid_out = build(spec, cache)
    return spec, cache, pdf, laid_out


def test_the_book_in_parts_is_the_book_typeset_whole(first_build: tuple[BookSpec, Path, bytes, list[str]]) -> None:
    spec, _cache, pdf, laid_out = first_build
    assert laid_out[-1] == "front" and "paper-13" in laid_out and "back" in laid_out
    assert_same_book(typeset(spec).pdf, pdf)


def test_an_unchanged_book_lays_out_nothing(first_build: tuple[BookSpec, Path, bytes, list[str]]) -> None:
    spec, cache, _pdf, _laid_out = first_build
    assert build(spec, cache)[1] == []


def test_after_one_paper_changes_only_that_paper_and_what_it_moves_is_laid_out_again(
    first_build: tuple[BookSpec, Path, bytes, list[str]],
) -> None:
    spec, cache, _pdf, _laid_out = first_build
    first, second = spec.topics
    edited = dataclasses.replace(second.papers[0], title="重点发言乙号（修改）")
    changed = dataclasses.replace(spec, topics=[first, dataclasses.replace(second, papers=[edited, *second.papers[1:]])])
    pdf, laid_out = build(changed, cache)
    # Its title is in the 目录 too; the paper kept its length, so nothing after it moved.
    assert laid_out == ["paper-21", "front"]
    assert_same_book(typeset(changed).pdf, pdf)


def test_a_paper_that_grows_moves_the_folios_after_it_and_stays_exact(
    first_build: tuple[BookSpec, Path, bytes, list[str]],
) -> None:
    spec, cache, _pdf, _laid_out = first_build
    first, second = spec.topics
    rng = random.Random(9)
    longer = dataclasses.replace(first.papers[0], body_html=first.papers[0].body_html + body_html(rng, True) * 2)
    changed = dataclasses.replace(spec, topics=[dataclasses.replace(first, papers=[longer, *first.papers[1:]]), second])
    pdf, laid_out = build(changed, cache)
    assert "paper-11" in laid_out and "paper-12" not in laid_out  # the keynote before it is untouched
    assert_same_book(typeset(changed).pdf, pdf)


def test_after_the_preface_changes_only_the_front_matter_is_laid_out_again(
    first_build: tuple[BookSpec, Path, bytes, list[str]],
) -> None:
    spec, cache, _pdf, _laid_out = first_build
    changed = dataclasses.replace(spec, preface_text=spec.preface_text + "\n\n" + "新增一段前言。" * 200)
    pdf, laid_out = build(changed, cache)
    assert laid_out == ["front"]
    assert_same_book(typeset(changed).pdf, pdf)
