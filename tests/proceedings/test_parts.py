"""The book typeset in parts (`parts.py`, as `typeset` does with a parts directory — the worker's and
`seminar proceedings build`'s path) is the book typeset whole: same pages, text, outline, 目录 links
and page labels; after a change only the parts it touches are laid out again; when parts cannot
do it, the book is typeset whole."""

from __future__ import annotations

import dataclasses
import io
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from seminar.proceedings import fontmerge, parts
from seminar.proceedings.book import BookSpec
from seminar.proceedings.styles import HouseStyle
from seminar.proceedings.typeset import typeset

from tests.proceedings.test_typeset import small_book


def parts_book() -> BookSpec:
    """The typesetter's small book (speeches, a PDF-only paper, 专题点评, appendices, 后记) untagged and
    without the two papers that cannot be typeset: those send a build back to the whole-book path."""
    spec = small_book()
    first, second = spec.topics
    return dataclasses.replace(spec, tagged=False, topics=[
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


def destinations(reader: PdfReader) -> dict[str, tuple[int, float, float]]:
    """Each named destination (where a link inside a part lands): its page and point, to a hundredth of a point."""
    return {name: (reader.get_destination_page_number(destination), round(float(destination.left), 2),
                   round(float(destination.top), 2)) for name, destination in reader.named_destinations.items()}


def pictures(pdf: bytes, tmp_path: Path, name: str) -> list[bytes]:
    """Every page drawn by poppler, small."""
    (tmp_path / f"{name}.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "20", "-gray", str(tmp_path / f"{name}.pdf"), str(tmp_path / name)], check=True)
    return [path.read_bytes() for path in sorted(tmp_path.glob(f"{name}-*.pgm"))]


def title_page(pdf: bytes, title: str) -> int:
    """The page a paper starts on, from its bookmark."""

    def flat(items: list[Any]) -> list[Any]:
        return [entry for item in items for entry in (flat(item) if isinstance(item, list) else [item])]

    return next(page for label, page in flat(outline(PdfReader(io.BytesIO(pdf)))) if label == title)


def assert_same_book(whole: bytes, parts: bytes) -> None:
    expected, actual = PdfReader(io.BytesIO(whole)), PdfReader(io.BytesIO(parts))
    with tempfile.TemporaryDirectory() as directory:
        # The pages look the same: the parts' font subsets merged into one per face keep every glyph.
        assert pictures(parts, Path(directory), "parts") == pictures(whole, Path(directory), "whole")
    assert len(parts) <= 1.1 * len(whole)
    assert len(actual.pages) == len(expected.pages)
    for index, (want, got) in enumerate(zip(expected.pages, actual.pages, strict=True)):
        assert got.extract_text() == want.extract_text(), f"page {index}"
    assert outline(actual) == outline(expected)
    assert actual.page_labels == expected.page_labels
    assert links(actual) == links(expected) and links(expected)
    # A part printed on the other side than it was laid out on: its own links land where its text went.
    assert destinations(actual) == destinations(expected) and destinations(expected)
    assert actual.metadata.title == expected.metadata.title
    assert actual.trailer["/Root"]["/Lang"] == expected.trailer["/Root"]["/Lang"]


def build(spec: BookSpec, cache: Path) -> tuple[bytes, list[str]]:
    """The book as the worker typesets it with its parts directory; the parts laid out (not reused)."""
    result = typeset(spec, parts_cache=cache)
    assert result.report.parts_laid_out is not None, "typeset in parts"
    return result.pdf, result.report.parts_laid_out


# The body's heads and folios in documents of 7 pages: some start on a left-hand page.
STAMP_PAGES = 7


@pytest.fixture(autouse=True)
def stamps_in_short_documents(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parts, "STAMP_PAGES", STAMP_PAGES)


@pytest.fixture(scope="module")
def first_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[BookSpec, Path, bytes, list[str]]:
    spec = parts_book()
    cache = tmp_path_factory.mktemp("parts")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(parts, "POOL_CHARACTERS", 0)  # laid out in worker processes, as a big book's are
        patch.setattr(parts, "STAMP_PAGES", STAMP_PAGES)
        pdf, laid_out = build(spec, cache)
    return spec, cache, pdf, laid_out


def test_the_book_in_parts_is_the_book_typeset_whole(first_build: tuple[BookSpec, Path, bytes, list[str]]) -> None:
    spec, _cache, pdf, laid_out = first_build
    assert laid_out[-1] == "front" and "paper-13" in laid_out and "back" in laid_out
    assert_same_book(typeset(spec).pdf, pdf)


@pytest.fixture
def copy(first_build: tuple[BookSpec, Path, bytes, list[str]], tmp_path: Path) -> Path:
    """The first build's parts directory as this test's own (a build keeps only the parts it used)."""
    shutil.copytree(first_build[1], tmp_path / "parts")
    return tmp_path / "parts"


def test_an_unchanged_book_lays_out_nothing(first_build: tuple[BookSpec, Path, bytes, list[str]], copy: Path) -> None:
    spec, _cache, _pdf, _laid_out = first_build
    cache = copy
    assert build(spec, cache)[1] == []


def test_after_one_paper_changes_only_that_paper_and_what_it_moves_is_laid_out_again(
    first_build: tuple[BookSpec, Path, bytes, list[str]], copy: Path,
) -> None:
    spec, _cache, _pdf, _laid_out = first_build
    cache = copy
    first, second = spec.topics
    edited = dataclasses.replace(second.papers[0], title="重点发言乙号（修改）")
    changed = dataclasses.replace(spec, topics=[first, dataclasses.replace(second, papers=[edited, *second.papers[1:]])])
    pdf, laid_out = build(changed, cache)
    # Its title is in the 目录 too; the paper kept its length, so nothing after it moved.
    assert laid_out == ["paper-21", "front"]
    assert_same_book(typeset(changed).pdf, pdf)


def test_a_paper_that_grows_moves_the_folios_after_it_and_is_the_only_part_laid_out_again(
    first_build: tuple[BookSpec, Path, bytes, list[str]], copy: Path,
) -> None:
    spec, _cache, pdf_before, _laid_out = first_build
    cache = copy
    first, second = spec.topics
    title = first.papers[-1].title  # a paper after it in its topic
    for blocks in range(1, 6):  # grown by an odd number of pages: the papers after it change sides
        text = "<p>" + "推进市域社会治理现代化。" * 120 * blocks + "</p>"
        longer = dataclasses.replace(first.papers[0], body_html=first.papers[0].body_html + text)
        changed = dataclasses.replace(spec, topics=[dataclasses.replace(first, papers=[longer, *first.papers[1:]]), second])
        whole = typeset(changed).pdf
        if (title_page(whole, title) - title_page(pdf_before, title)) % 2:
            break
    else:
        pytest.fail("no odd growth found")
    pdf, laid_out = build(changed, cache)
    # Only that paper: the parts after it keep their layout (their folios are stamped afterwards), even
    # those that now start on the other side.
    assert laid_out == ["paper-11", "front"]
    assert_same_book(whole, pdf)


def test_after_the_preface_changes_only_the_front_matter_is_laid_out_again(
    first_build: tuple[BookSpec, Path, bytes, list[str]], copy: Path,
) -> None:
    spec, _cache, _pdf, _laid_out = first_build
    cache = copy
    changed = dataclasses.replace(spec, preface_text=spec.preface_text + "\n\n" + "新增一段前言。" * 200)
    pdf, laid_out = build(changed, cache)
    assert laid_out == ["front"]
    assert_same_book(typeset(changed).pdf, pdf)


def test_the_parts_directory_keeps_only_the_parts_of_the_last_build(
    first_build: tuple[BookSpec, Path, bytes, list[str]], copy: Path,
) -> None:
    spec, _cache, _pdf, _laid_out = first_build
    before = set(copy.iterdir())
    build(dataclasses.replace(spec, preface_text="另一篇前言。"), copy)
    # Per part its PDF and what the join needs; the front matter of the earlier book is gone.
    after = set(copy.iterdir())
    assert len(before - after) == 2 and len(after - before) == 2 and len(after) == len(before)


def font_programs(pdf: bytes) -> dict[str, list[bytes]]:
    """Each Type0 font's program, by the font's name."""
    found: dict[str, list[bytes]] = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            if font["/Subtype"] == "/Type0":
                descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
                program = descriptor["/FontFile3"].get_object()
                found.setdefault(str(font["/BaseFont"]), []).append(program.get_data())
    return found


def test_parts_name_their_font_files_and_the_book_embeds_one_subset_per_face(
    first_build: tuple[BookSpec, Path, bytes, list[str]],
) -> None:
    """A part carries no font program, only the file the join subsets once per face (`fontmerge.py`)."""
    _spec, cache, pdf, _laid_out = first_build
    for path in cache.glob("*.pdf"):
        for name, programs in font_programs(path.read_bytes()).items():
            assert all(fontmerge.deferred(program) is not None for program in programs), (path.name, name)
    programs = font_programs(pdf)
    assert {name.split("+")[1] for name in programs} >= {"Noto-Serif-CJK-SC", "Noto-Sans-CJK-SC-Bold"}
    for program in (program for found in programs.values() for program in found):
        assert fontmerge.deferred(program) is None and program.startswith(b"OTTO") and len(program) > 1000


def test_a_font_file_changed_under_the_parts_sends_the_book_to_one_pass_and_its_parts_away(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    """A part's glyph IDs are those of the file it was laid out with: a replaced file cannot stand in."""
    spec = parts_book()
    found = fontmerge.font_file("Noto Serif CJK SC", False)
    assert found is not None
    copy = tmp_path / "NotoSerifCJK.ttc"
    shutil.copyfile(found[0], copy)
    original = fontmerge.font_file

    def font_file(family: str, bold: bool) -> tuple[str, int] | None:
        located = original(family, bold)
        return (str(copy), located[1]) if located is not None and located[0] == found[0] else located

    monkeypatch.setattr(fontmerge, "font_file", font_file)
    cache = tmp_path / "parts"
    build(spec, cache)
    with copy.open("ab") as file:
        file.write(b"\0")  # another version of the font
    result = typeset(spec, parts_cache=cache)
    assert result.report.parts_laid_out is None and "StaleFontFile" in caplog.text  # typeset whole
    assert_same_book(typeset(spec).pdf, result.pdf)
    assert list(cache.iterdir()) == []  # the next build lays every part out again
    assert "paper-13" in build(spec, cache)[1]


def test_a_part_that_fails_sends_the_book_back_to_one_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = parts_book()
    laid_out = parts.lay_out

    def failing(html: str, *args: Any, **kwargs: Any) -> parts.Laid:
        if 'id="paper-13"' in html:
            raise RecursionError("maximum recursion depth exceeded")
        return laid_out(html, *args, **kwargs)

    monkeypatch.setattr(parts, "lay_out", failing)
    result = typeset(spec, parts_cache=tmp_path / "parts")
    assert result.report.parts_laid_out is None  # typeset whole
    assert_same_book(typeset(spec).pdf, result.pdf)


def test_papers_that_cannot_be_typeset_get_their_notice_as_in_one_pass(tmp_path: Path) -> None:
    spec = dataclasses.replace(small_book(), tagged=False)  # with a paper too deeply nested and an unreadable PDF
    result = typeset(spec, parts_cache=tmp_path / "parts")
    whole = typeset(spec)
    assert result.report.failed_papers.keys() == whole.report.failed_papers.keys() == {22, 23}
    assert_same_book(whole.pdf, result.pdf)


def test_a_tagged_book_is_typeset_in_one_pass(tmp_path: Path) -> None:
    """Parts would lose the structure tree: a tagged book is always typeset whole."""
    spec = dataclasses.replace(parts_book(), tagged=True)
    result = typeset(spec, parts_cache=tmp_path / "parts")
    assert result.report.parts_laid_out is None
    assert "/StructTreeRoot" in PdfReader(io.BytesIO(result.pdf)).trailer["/Root"]


def test_the_official_house_style_in_parts_is_the_book_typeset_whole(tmp_path: Path) -> None:
    """The 公文 style's own stylesheet and its fonts loaded from files (FandolFang, FandolKai) survive the parts."""
    spec = dataclasses.replace(parts_book(), house_style=HouseStyle.OFFICIAL)
    pdf, laid_out = build(spec, tmp_path / "parts")
    assert "front" in laid_out
    assert_same_book(typeset(spec).pdf, pdf)


def test_a_longer_book_in_parts_is_hardly_larger_than_typeset_whole(tmp_path: Path) -> None:
    """Every body page of a book in parts is moved and stamped: that costs it one small content stream,
    and its small objects are packed in object streams as WeasyPrint packs the one-pass book's."""
    spec = parts_book()
    first, second = spec.topics
    texts = [paper for paper in first.papers if paper.pdf_pages is None]
    many = [dataclasses.replace(texts[index % len(texts)], number=100 + index) for index in range(24)]
    spec = dataclasses.replace(spec, topics=[dataclasses.replace(first, papers=many), second])
    whole = typeset(spec)
    pdf, _laid_out = build(spec, tmp_path / "parts")
    assert whole.report.pages > 80
    assert len(pdf) <= 1.1 * len(whole.pdf)
    reader = PdfReader(io.BytesIO(pdf))
    # Outside object streams: per page its content and its stamp's, the fonts and a few more.
    assert sum(len(numbers) for numbers in reader.xref.values()) <= 2 * len(reader.pages) + 40


def as_read(writer: Any) -> tuple[list[Any], list[Any]]:
    """Per page of a writer: its content, resources, annotations and box; its named destinations in order
    (name, page index, the rest)."""
    pages = {page.indirect_reference.idnum: index for index, page in enumerate(writer.pages)}

    def plain(value: Any, depth: int = 0) -> Any:
        value = value.get_object() if depth < 6 and hasattr(value, "get_object") else value
        if isinstance(value, dict):
            return {key: {glyph: float(width) for glyph, width in fontmerge.widths(item).items()} if key == "/W"
                    else plain(item, depth + 1)
                    for key, item in value.items() if key not in ("/Parent", "/P")}
        if isinstance(value, list):
            return [plain(item, depth + 1) for item in value]
        return getattr(value, "_data", None) or value

    found = [(page.get_contents().get_data(), plain(page["/Resources"]), plain(page.get("/Annots", [])),
              [float(value) for value in page.mediabox]) for page in writer.pages]
    names = writer.get_named_dest_root()
    destinations = [(str(name), pages[array[0].idnum], [float(value) for value in array[2:]])
                    for name, array in zip(names[::2], names[1::2], strict=True)]
    return found, destinations


def test_the_join_reads_every_part_as_pypdf_reads_it(first_build: tuple[BookSpec, Path, bytes, list[str]]) -> None:
    """`pdfread.py` reads WeasyPrint's parts without pypdf's parser: the same pages, resources, links and
    named destinations as pypdf's `append` — and none of the test book's parts is left to pypdf."""
    from pypdf import PdfWriter

    from seminar.proceedings import pdfread

    _spec, cache, _pdf, _laid_out = first_build
    parts_read = sorted(cache.glob("*.pdf"))
    assert len(parts_read) > 10
    ours, theirs, names = PdfWriter(), PdfWriter(), pdfread.Names()
    for path in parts_read:
        pdfread.append(ours, path.read_bytes(), names)
        theirs.append(PdfReader(path), import_outline=False)
    names.write(ours)
    read, destinations = as_read(ours)
    assert (read, destinations) == as_read(theirs) and destinations


def test_a_file_of_another_shape_is_read_by_pypdf(first_build: tuple[BookSpec, Path, bytes, list[str]]) -> None:
    """A plain cross-reference table (pypdf's own writing), not WeasyPrint's stream: pypdf reads it, the same pages."""
    from pypdf import PdfWriter

    from seminar.proceedings import pdfread

    _spec, cache, _pdf, _laid_out = first_build
    part = max(cache.glob("*.pdf"), key=lambda path: path.stat().st_size)
    rewritten = PdfWriter(clone_from=PdfReader(part))
    out = io.BytesIO()
    rewritten.write(out)
    with pytest.raises(pdfread.Unreadable):
        pdfread.append(PdfWriter(), out.getvalue(), pdfread.Names())
    ours, theirs = PdfWriter(), PdfWriter()
    parts._append(ours, out.getvalue(), pdfread.Names())
    pdfread.append(theirs, part.read_bytes(), pdfread.Names())
    assert [page.get_contents().get_data() for page in ours.pages] == [
        page.get_contents().get_data() for page in theirs.pages] != []
