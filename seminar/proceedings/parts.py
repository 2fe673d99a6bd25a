"""The book typeset in parts, each part's PDF cached by its own inputs, joined with pypdf.

Parts: the front matter (cover, 前言, 目录), the 领导讲话, per topic its divider, each of its papers
and its 专题点评, and the back matter (appendices, 后记). A part is laid out alone by WeasyPrint
(`book_html(part=…)`) after a context page that sets the running heads' strings as the pages
before it would have, and starts on the side and with the folio it has in the whole book: its
first page counter and side are part of its cache key, with its HTML, the stylesheet and the
WeasyPrint version. The 目录 is laid out last, with the page numbers the body parts gave
(`toc_pages`), so the front matter's length never moves a body page: printed page 1 is the first
body part's right-hand page whatever precedes it. The outline, the 目录's links and the page
labels are written by pypdf from what each part reports (bookmarks, anchors, links), and each
font face's per-part subsets are replaced by one (`fontmerge.py`).

What it costs and why this shape: see docs/performance.md, "The 论文集". Any part that fails to
lay out sends the caller back to the whole-book build (`typeset.typeset`), which has the
per-paper isolation and notices.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from seminar.i18n import _, use_locale
from seminar.proceedings.book import BookSpec, book_html, grouped_papers, pdf_page_count, printed_bodies
from seminar.proceedings.fontmerge import merge_fonts
from seminar.proceedings.pdfpages import insert_pdf_pages, label_pages
from seminar.proceedings.styles import HouseStyle, font_face_css

CACHE_VERSION = "parts-1"
PX = 0.75  # CSS px → PDF points
# Fixed in every part's HTML (the parts are cached): the file's own date is set when joining.
PART_CREATED = "2000-01-01T00:00:00+00:00"


@dataclass(frozen=True)
class Part:
    name: str  # "front", "speeches", "topic-3", "paper-1012", "commentaries-3", "back"
    right: bool  # starts on a right-hand page (a blank back inserted before it when needed)


def book_parts(spec: BookSpec) -> list[Part]:
    """The body parts in print order (the front matter is laid out last, apart)."""
    parts = []
    if spec.speeches:
        parts.append(Part("speeches", True))
    for topic in spec.topics:
        parts.append(Part(f"topic-{topic.position}", True))
        # The papers in print order: keynotes, discussion papers, proceedings-only.
        with use_locale(spec.locale):
            groups = grouped_papers(topic)
        parts.extend(Part(f"paper-{paper.number}", False) for group in groups for paper in group.papers)
        if topic.commentaries:
            parts.append(Part(f"commentaries-{topic.position}", False))
    if spec.agenda or spec.participants:
        parts.append(Part("back", False))
    elif spec.afterword_text:
        parts.append(Part("back", True))
    return parts


@dataclass
class Laid:
    """One part laid out: its PDF (context pages dropped) and what the join needs from its pages."""

    pdf: bytes
    pages: int
    anchors: list[dict[str, list[float]]]  # per page: anchor → (x, y) in CSS px from the top left
    bookmarks: list[list[Any]]  # (page, level, label, x, y)
    links: list[list[Any]]  # the 目录's links to other parts: (page, anchor, x, y, width, height)
    warnings: list[str] = field(default_factory=list)
    # The fetcher's log while it was laid out (`fetcher.py`): kept with the part for the build's report.
    requested: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    opened: list[str] = field(default_factory=list)

    def meta(self) -> str:
        return json.dumps({"pages": self.pages, "anchors": self.anchors, "bookmarks": self.bookmarks,
                           "links": self.links, "warnings": self.warnings, "requested": self.requested,
                           "refused": self.refused, "opened": self.opened})


def _counter_css(first: int) -> str:
    return f"@page :first {{ counter-reset: page {first}; }}"


def lay_out(html: str, first_counter: int, drop: int, uploads: dict[int, bytes], base_url: str,
            style: HouseStyle = HouseStyle.ACADEMIC) -> Laid:
    """One part by WeasyPrint (in a worker process): the first `drop` pages (the context) left out."""
    from weasyprint import CSS, HTML

    from seminar.proceedings.fetcher import book_fetcher
    from seminar.proceedings.typeset import _font_config, _stylesheets, _weasyprint_warnings

    fetcher = book_fetcher()
    with _weasyprint_warnings() as warnings:
        document = HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(
            stylesheets=[*_stylesheets(style), CSS(string=_counter_css(first_counter), font_config=_font_config())],
            font_config=_font_config(),
        )
        pages = document.pages[drop:]
        anchors = [{name: [x, y] for name, (x, y, *_rest) in page.anchors.items()} for page in pages]
        here = {name for names in anchors for name in names}
        bookmarks, links = [], []
        for index, page in enumerate(pages):
            bookmarks += [[index, level, label, x, y] for level, label, (x, y), _state in page.bookmarks]
            # Links to other parts are written when joining; WeasyPrint would drop them with a warning.
            outside = [link for link in page.links if link[0] == "internal" and link[1] not in here]
            links += [[index, target, *rect] for _kind, target, rect, _box in outside]
            page.links = [link for link in page.links if link not in outside]
        pdf = document.copy(pages).write_pdf()
    if uploads:
        pdf = insert_pdf_pages(pdf, [set(names) for names in anchors], uploads)
    return Laid(pdf, len(pages), anchors, bookmarks, links, list(warnings), fetcher.requested, fetcher.refused,
                fetcher.opened)


class PartCache:
    """Laid-out parts on disk, by the hash of everything that decides their pages.

    One directory per book (`book_cache`); `prune` keeps only the parts the book's last build used.
    Several builds may share a directory: files are written under a temporary name and renamed,
    and a part that vanishes while being read is simply laid out again.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self.used: set[str] = set()

    def get(self, key: str) -> Laid | None:
        self.used.add(key)
        try:
            data = json.loads((self.directory / f"{key}.json").read_text())
            pdf = (self.directory / f"{key}.pdf").read_bytes()
        except (OSError, ValueError):
            return None
        return Laid(pdf, data["pages"], data["anchors"], data["bookmarks"], data["links"], data["warnings"],
                    data.get("requested", []), data.get("refused", []), data.get("opened", []))

    def put(self, key: str, laid: Laid) -> None:
        self.used.add(key)
        # The PDF first: a part is found by its .json, which is only there once both are.
        for suffix, content in ((".pdf", laid.pdf), (".json", laid.meta().encode())):
            temporary = self.directory / f"{key}{suffix}.{os.getpid()}.tmp"
            temporary.write_bytes(content)
            temporary.replace(self.directory / f"{key}{suffix}")

    def prune(self) -> None:
        """Remove every part this cache's builds did not use (older versions of the book's parts)."""
        for path in self.directory.iterdir():
            if path.name.split(".")[0] not in self.used:
                path.unlink(missing_ok=True)
        os.utime(self.directory)


# The parts of all books: DATA_DIR/book-parts/<book>/, set by the processes that build books.
_cache_root: Path | None = None
# Past this, the books built least recently lose their parts (their next build is a full one).
CACHE_ROOT_BYTES = 2 * 2**30


def use_cache_root(directory: Path | None) -> None:
    """Where books keep their parts (None: every book is typeset in one pass)."""
    global _cache_root
    _cache_root = directory


def use_data_dir(data_dir: Path) -> None:
    """Books built by this process keep their parts under DATA_DIR/book-parts."""
    use_cache_root(data_dir / "book-parts")


def book_cache(seminar_id: int, volume: int | None) -> Path | None:
    """The parts directory of a seminar's book (or of one of its volumes); None when parts are off."""
    if _cache_root is None:
        return None
    return _cache_root / f"seminar-{seminar_id}-{'book' if volume is None else f'volume-{volume}'}"


def bound_cache_root(root: Path, limit: int = CACHE_ROOT_BYTES, keep: Path | None = None) -> None:
    """Remove the least recently built books' parts until the whole cache is under `limit` bytes."""
    books = [(path.stat().st_mtime, path) for path in root.iterdir() if path.is_dir()] if root.is_dir() else []
    sizes = {path: sum(file.stat().st_size for file in path.iterdir() if file.is_file()) for _time, path in books}
    total = sum(sizes.values())
    for _time, path in sorted(books):
        if total <= limit:
            break
        if path != keep:
            shutil.rmtree(path, ignore_errors=True)
            total -= sizes[path]


def _key(html: str, first_counter: int, drop: int, base_url: str, uploads: dict[int, bytes], style: HouseStyle) -> str:
    from weasyprint import __version__ as weasyprint_version

    from seminar.proceedings.typeset import stylesheet_paths

    digest = hashlib.sha256()
    for item in (CACHE_VERSION, weasyprint_version, base_url, str(first_counter), str(drop), style.value,
                 font_face_css(style)):
        digest.update(item.encode() + b"\0")
    for path in stylesheet_paths():
        digest.update(path.read_bytes())
    digest.update(html.encode())
    for number, data in sorted(uploads.items()):
        digest.update(str(number).encode() + hashlib.sha256(data).digest())
    return digest.hexdigest()


@dataclass
class PartsResult:
    pdf: bytes
    pages: int
    laid_out: list[str]  # the parts WeasyPrint laid out in this build (the others came from the cache)
    warnings: list[str]
    seconds: float
    parts: list[Laid] = field(default_factory=list)  # every part, the front matter first


def typeset_parts(spec: BookSpec, cache: PartCache, *, base_url: str, created: dt.datetime | None = None) -> PartsResult:
    """The whole book from its parts: the cached ones reused, the others laid out and cached.

    Raises what WeasyPrint or pypdf raise; the caller falls back to the whole-book build.
    """
    started = time.perf_counter()
    bodies = printed_bodies(spec)
    papers = {paper.number: paper for topic in spec.topics for paper in topic.papers}
    counts = {number: pdf_page_count(paper.pdf_pages) for number, paper in papers.items() if paper.pdf_pages is not None}
    laid_out: list[str] = []

    def laid(name: str, html: str, first_counter: int, drop: int) -> Laid:
        uploads = {}
        if name.startswith("paper-") and int(name[6:]) in counts:
            uploads = {int(name[6:]): papers[int(name[6:])].pdf_pages or b""}
        key = _key(html, first_counter, drop, base_url, uploads, spec.house_style)
        found = cache.get(key)
        if found is None:
            found = lay_out(html, first_counter, drop, uploads, base_url, spec.house_style)
            cache.put(key, found)
            laid_out.append(name)
        return found

    def html_of(name: str, side: str, toc_pages: dict[str, int] | None = None) -> str:
        return book_html(spec, pdf_pages=counts, part=name, part_side=side, toc_pages=toc_pages, bodies=bodies,
                         created=dt.datetime.fromisoformat(PART_CREATED))

    # The body, numbered from its first page (printed page 1, a right-hand page).
    body: list[tuple[int, Laid]] = []  # (first page's index in the body, the part) — blanks in between
    length = 0
    for part in book_parts(spec):
        if part.right and length % 2:
            length += 1  # a blank back
        right = length % 2 == 0
        # The context page, and for a right-hand start the blank back after it, are dropped.
        drop = 2 if right else 1
        html = html_of(part.name, "right" if right else "left")
        result = laid(part.name, html, length + 1 - drop, drop)
        body.append((length, result))
        length += result.pages
    # An element split over pages has its anchor on each: the first is where it starts.
    toc_pages = {name: page + 1 for name, (page, _point) in _first_anchors(body).items()}
    front = laid("front", html_of("front", "right", toc_pages), 1, 0)
    body_start = front.pages + front.pages % 2
    pdf = _join(spec, front, body, body_start, length, created)
    every = [front] + [result for _start, result in body]
    warnings = [warning for result in every for warning in result.warnings]
    return PartsResult(pdf, body_start + length, laid_out, list(dict.fromkeys(warnings)),
                       time.perf_counter() - started, every)


def _first_anchors(placed: list[tuple[int, Laid]]) -> dict[str, tuple[int, list[float]]]:
    """Each anchor's first page (the parts placed at these page indexes) and point."""
    found: dict[str, tuple[int, list[float]]] = {}
    for start, result in placed:
        for index, names in enumerate(result.anchors):
            for name, point in names.items():
                found.setdefault(name, (start + index, point))
    return found


def _drop_unreferenced(writer: Any) -> None:
    """pypdf drops objects nothing refers to, one level a pass: a replaced font is four levels deep."""
    dropped = -1
    while dropped != (dropped := sum(item is None for item in writer._objects)):
        writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)


def _join(spec: BookSpec, front: Laid, body: list[tuple[int, Laid]], body_start: int, length: int,
          created: dt.datetime | None) -> bytes:
    """The parts in one file, blank backs where a part starts on a right-hand page; the outline, the
    目录's links, the metadata and the page labels."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import (
        ArrayObject, DictionaryObject, FloatObject, NameObject, NumberObject, TextStringObject,
    )
    from pypdf.generic import Fit
    from weasyprint.pdf import _w3c_date_to_pdf

    writer = PdfWriter()
    placed = [(0, front)] + [(body_start + start, result) for start, result in body]
    anchors = _first_anchors(placed)
    first_reader = PdfReader(io.BytesIO(front.pdf))
    width, height = (float(value) for value in first_reader.pages[0].mediabox[2:])
    for start, result in placed:
        while len(writer.pages) < start:
            writer.add_blank_page(width, height)
        writer.append(PdfReader(io.BytesIO(result.pdf)), import_outline=False)
    while len(writer.pages) < body_start + length:
        writer.add_blank_page(width, height)
    # One subset per face instead of one per part (`fontmerge.py`), the parts' own left out.
    uploaded = {page for name, (page, _point) in anchors.items() if name.startswith("pdf-")}
    merge_fonts(writer, skip=uploaded)
    _drop_unreferenced(writer)

    # The outline: each part's bookmarks, nested by level as WeasyPrint nests them.
    parents: list[tuple[int, Any]] = []
    for start, result in placed:
        for index, level, label, x, y in result.bookmarks:
            while parents and parents[-1][0] >= level:
                parents.pop()
            item = writer.add_outline_item(
                title=label, page_number=start + index, parent=parents[-1][1] if parents else None,
                fit=Fit.xyz(left=x * PX, top=height - y * PX, zoom=0),
            )
            parents.append((level, item))
    # The 目录's links to the pages of the other parts.
    for index, target, x, y, link_width, link_height in front.links:
        if target not in anchors:
            continue
        page_index, (tx, ty) = anchors[target]
        annotation = DictionaryObject({
            NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([FloatObject(x * PX), FloatObject(height - (y + link_height) * PX),
                                              FloatObject((x + link_width) * PX), FloatObject(height - y * PX)]),
            NameObject("/Border"): ArrayObject([NumberObject(0)] * 3),
            NameObject("/Dest"): ArrayObject([writer.pages[page_index].indirect_reference, NameObject("/XYZ"),
                                              FloatObject(tx * PX), FloatObject(height - ty * PX), NumberObject(0)]),
        })
        writer.add_annotation(index, annotation)
    metadata = dict(first_reader.metadata or {})
    created_text = (created or dt.datetime.now(dt.UTC)).replace(microsecond=0).isoformat()
    metadata["/CreationDate"] = TextStringObject(_w3c_date_to_pdf(created_text, "created"))
    writer.add_metadata(metadata)
    catalog = first_reader.root_object
    if "/Lang" in catalog:
        writer.root_object[NameObject("/Lang")] = TextStringObject(str(catalog["/Lang"]))
    out = io.BytesIO()
    writer.write(out)
    with use_locale(spec.locale):
        return label_pages(out.getvalue(), _("Cover"), body_start if length else None)
