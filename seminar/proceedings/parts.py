"""The book typeset in parts, each part's PDF cached by its own inputs, laid out in parallel, joined with pypdf.

Parts: the front matter (cover, 前言, 目录), the 领导讲话, per topic its divider, each of its papers
and its 专题点评, the appendices and the 后记. A body part is laid out alone by WeasyPrint
(`book_html(part=…)`) after a context page that sets the running heads' strings as the pages
before it would have, always as if it began on a right-hand page, and without its running heads
and folios: so it depends on nothing but its own HTML (with the stylesheets and the WeasyPrint
version, its cache key), and all the parts a build lacks are laid out at once, by the building
process and a worker process per other core (its margin boxes, never drawn, not laid out at all).
Where the book puts them decides the rest, afterwards (`_join`): a part that lands on a left-hand
page has each page moved sideways by the difference of the binding margins (the text block is as
wide on both sides: WeasyPrint checks it page by page), its links and named destinations with it,
and the heads and folios — "— 37 —", the topic or the book's title — are laid out for the whole
body in light documents of empty pages, STAMP_PAGES each (`stamps_html`, cached too), each page's
drawn in one content stream added to the book's page (`_Stamper`). A paper that grows moves the folios after
it and nothing else.

The 目录 is laid out last (beside the stamps), with the page numbers the body parts gave
(`toc_pages`), so the front matter's length never moves a body page: printed page 1 is the first
body part's right-hand page whatever precedes it. The outline, the 目录's links and the page labels are written by pypdf from
what each part reports (bookmarks, anchors, links), uploaded PDF papers are laid under their
placeholder pages, and each font face gets one subset of its file (`fontmerge.py`): the parts are
written without font programs, naming their files instead (`fontmerge.deferred_fonts`). Each part is
read into the book's writer by `pdfread.py` (pypdf's parser only for a file of another shape), and the
file is written with its small objects packed in object streams, as WeasyPrint writes (`pdfwrite.py`).

What it costs and why this shape: see docs/performance.md, "The 论文集". Any part that fails to
lay out sends the caller back to the whole-book build (`typeset.typeset`), which has the
per-paper isolation and notices.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import json
import logging
import multiprocessing
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup

from seminar import i18n
from seminar.i18n import _, use_locale
from seminar.isolation import exit_with_parent
from seminar.proceedings import pdfread
from seminar.proceedings.book import BookSpec, book_html, grouped_papers, is_chinese, pdf_page_count, printed_bodies
from seminar.proceedings.fontmerge import StaleFontFile, deferred_fonts, merge_fonts
from seminar.proceedings.pdfpages import lay_in_uploads, set_page_labels
from seminar.proceedings.pdfwrite import write_packed
from seminar.proceedings.styles import HouseStyle, font_face_css

logger = logging.getLogger(__name__)

CACHE_VERSION = "parts-3"  # 3: fonts deferred to the join (`fontmerge.deferred_fonts`)
PX = 0.75  # CSS px → PDF points
# Fixed in every part's HTML (the parts are cached): the file's own date is set when joining.
PART_CREATED = "2000-01-01T00:00:00+00:00"
# A body part is laid out with the topic in the head box of every page (a left-hand page's is the
# book's title): what its pages' heads say wherever they land; the boxes are then left out.
STAMPED_CSS = "@page :left { @top-center { content: string(topic); } }"
# A part laid out alone begins with its context page and the blank back after it.
CONTEXT_PAGES = 2


@dataclass(frozen=True)
class Part:
    name: str  # "front", "speeches", "topic-3", "paper-1012", "commentaries-3", "back", "afterword"
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
    if spec.afterword_text:
        parts.append(Part("afterword", True))
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
    # Per page: its left margin and text block width (CSS px), and its running head's text — None for a
    # page that prints no head and no folio (a divider).
    frames: list[list[Any]] = field(default_factory=list)
    # Its objects already in the book's writer (`pdfread.read`): a part laid out by this build is read as it arrives.
    read: pdfread.Read | None = field(default=None, repr=False, compare=False)

    def meta(self) -> str:
        return json.dumps({"pages": self.pages, "anchors": self.anchors, "bookmarks": self.bookmarks,
                           "links": self.links, "warnings": self.warnings, "requested": self.requested,
                           "refused": self.refused, "opened": self.opened, "frames": self.frames})


def _texts(box: Any) -> Iterator[str]:
    if isinstance(text := getattr(box, "text", None), str):
        yield text
    for child in getattr(box, "children", ()):
        yield from _texts(child)


# Every margin box a page may have (as WeasyPrint's `make_margin_boxes` makes them).
MARGIN_BOXES = (
    "@top-left-corner", "@top-left", "@top-center", "@top-right", "@top-right-corner",
    "@left-top", "@left-middle", "@left-bottom", "@right-top", "@right-middle", "@right-bottom",
    "@bottom-left-corner", "@bottom-left", "@bottom-center", "@bottom-right", "@bottom-right-corner",
)
# Set while a stamped part is laid out: its pages' margin boxes are not laid out, only their text is read.
_texts_only: ContextVar[bool] = ContextVar("texts_only", default=False)


def _margin_texts(context: Any, page: Any, state: Any) -> dict[str, str]:
    """What each margin box of a page would say, without laying it out: its content as WeasyPrint's
    `make_margin_boxes` makes it (counters, strings, quotes), whitespace and text-transform applied."""
    import copy

    from weasyprint.formatting_structure import boxes, build
    from weasyprint.layout.page import _standardize_page_based_counters

    texts = {}
    for at_keyword in MARGIN_BOXES:
        style = context.style_for(page.page_type, at_keyword)
        if style is None or style["content"] in ("normal", "inhibit", "none"):
            continue  # not generated
        _standardize_page_based_counters(style, at_keyword)
        box = boxes.MarginBox(at_keyword, style)
        margin_state = copy.deepcopy(state)
        quote_depth, counter_values, counter_scopes, _page_groups = margin_state
        counter_scopes.append(set())
        build.update_counters(margin_state, box.style)
        box.children = build.content_to_boxes(
            box.style, box, quote_depth, counter_values, context.get_image_from_uri, context.target_collector,
            context.counter_style, context, page)
        box.process_whitespace()
        box.process_text_transform()
        texts[at_keyword] = "".join(_texts(box))
    return texts


@functools.cache
def _margin_boxes_skippable() -> None:
    """WeasyPrint's margin boxes left out of a stamped part's pages, their texts kept (`_frame` reads them).

    A stamped part's margin boxes are never drawn (the join stamps the book's own), yet laying them
    out was an eighth of a part's CPU: only the text of each is needed, to know the page's head."""
    import weasyprint.layout

    make_margin_boxes = weasyprint.layout.make_margin_boxes

    def texts_only(context: Any, page: Any, state: Any) -> Any:
        if not _texts_only.get():
            return make_margin_boxes(context, page, state)
        page.margin_texts = _margin_texts(context, page, state)
        return ()

    weasyprint.layout.make_margin_boxes = texts_only


def _frame(page: Any, strip: bool) -> list[Any]:
    """A page's margin and width, and its head (None without head and folio); `strip` leaves its margin boxes out."""
    from weasyprint.formatting_structure.boxes import MarginBox

    box = page._page_box
    texts = getattr(box, "margin_texts", None)
    if texts is None:
        texts = {child.at_keyword: "".join(_texts(child)) for child in box.children if isinstance(child, MarginBox)}
    if strip:
        box.children = tuple(child for child in box.children if not isinstance(child, MarginBox))
    return [box.margin_left, box.width, texts.get("@top-center", "") if any(texts.values()) else None]


def lay_out(html: str, drop: int, base_url: str, style: HouseStyle = HouseStyle.ACADEMIC, stamped: bool = False) -> Laid:
    """One part by WeasyPrint (often in a worker process): the first `drop` pages (the context) left out;
    `stamped`: without running heads and folios, which the join stamps."""
    from weasyprint import CSS, HTML

    from seminar.proceedings.fetcher import book_fetcher
    from seminar.proceedings.typeset import _font_config, _stylesheets, _weasyprint_warnings

    fetcher = book_fetcher()
    extra = [CSS(string=STAMPED_CSS, font_config=_font_config())] if stamped else []
    _margin_boxes_skippable()
    with _weasyprint_warnings() as warnings:
        texts_only = _texts_only.set(stamped)
        try:
            document = HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(
                stylesheets=[*_stylesheets(style), *extra], font_config=_font_config(),
            )
        finally:
            _texts_only.reset(texts_only)
        pages = document.pages[drop:]
        frames = [_frame(page, stamped) for page in pages]
        anchors = [{name: [x, y] for name, (x, y, *_rest) in page.anchors.items()} for page in pages]
        here = {name for names in anchors for name in names}
        bookmarks, links = [], []
        for index, page in enumerate(pages):
            bookmarks += [[index, level, label, x, y] for level, label, (x, y), _state in page.bookmarks]
            # Links to other parts are written when joining; WeasyPrint would drop them with a warning.
            outside = [link for link in page.links if link[0] == "internal" and link[1] not in here]
            links += [[index, target, *rect] for _kind, target, rect, _box in outside]
            page.links = [link for link in page.links if link not in outside]
        with deferred_fonts():  # the join subsets each face once, for all parts (`fontmerge.py`)
            pdf = document.copy(pages).write_pdf()
    return Laid(pdf, len(pages), anchors, bookmarks, links, list(warnings), fetcher.requested, fetcher.refused,
                fetcher.opened, frames)


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
                    data["requested"], data["refused"], data["opened"], data["frames"])

    def stored(self) -> int:
        """How many parts the directory holds (of any build)."""
        return sum(1 for path in self.directory.iterdir() if path.suffix == ".json")

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


@functools.cache
def _key_base(base_url: str, style: HouseStyle, stylesheets: bytes) -> Any:
    """The hash of what every part of a build shares: versions, base URL, house style, stylesheets."""
    from weasyprint import __version__ as weasyprint_version

    digest = hashlib.sha256()
    for item in (CACHE_VERSION, weasyprint_version, base_url, style.value, font_face_css(style)):
        digest.update(item.encode() + b"\0")
    digest.update(stylesheets)
    return digest


def _keys() -> Callable[[Job], str]:
    """A build's cache keys, by job: everything that decides a part's pages (the stylesheets read once a build)."""
    from seminar.proceedings.typeset import stylesheet_paths

    stylesheets = hashlib.sha256(b"".join(path.read_bytes() for path in stylesheet_paths())).digest()

    def key(job: Job) -> str:
        html, drop, base_url, style, stamped = job
        digest = _key_base(base_url, style, stylesheets).copy()
        digest.update(f"{drop}\0{stamped}\0".encode())
        digest.update(html.encode())
        return digest.hexdigest()

    return key


def worker_count() -> int:
    """Worker processes for a build's parts: one per core this process may use."""
    return len(os.sched_getaffinity(0))


Job = tuple[str, int, str, HouseStyle, bool]  # lay_out's arguments
# The body's heads and folios are laid out in documents of this many pages.
STAMP_PAGES = 128
# Worker processes take seconds to start (Python, WeasyPrint, the fonts): worth it from about this
# much HTML to lay out (some 300 pages); less is laid out in the building process.
POOL_CHARACTERS = 300_000


def _warm_up(style: HouseStyle) -> None:
    """A worker process gets ready while the build prepares the parts' HTML: WeasyPrint, the stylesheets, the fonts."""
    from weasyprint import HTML

    from seminar.proceedings.typeset import _font_config, _stylesheets

    _margin_boxes_skippable()
    HTML(string="<p>研讨班 1</p>").render(stylesheets=list(_stylesheets(style)), font_config=_font_config())


# Parts queued per worker process: enough that none waits while this process lays out a part of its own.
QUEUED = 3


class _Workers:
    """Lays parts out in this process alone when there is little (a rebuild), else in this process and
    `processes - 1` spawned workers (one per core in all), kept for the build's later parts once started.

    This process lays parts out too: it would otherwise only wait, and a worker fewer is one
    interpreter, WeasyPrint and its fonts fewer to load before the first part."""

    def __init__(self, processes: int) -> None:
        self.processes = processes
        self.pool: ProcessPoolExecutor | None = None

    def start(self, style: HouseStyle) -> None:
        """Spawn the workers now (they load WeasyPrint and the fonts meanwhile), if there are to be any."""
        if self.pool is None and self.processes > 1:
            self.pool = ProcessPoolExecutor(max_workers=self.processes - 1, initializer=exit_with_parent,
                                            mp_context=multiprocessing.get_context("spawn"))
            for _worker in range(self.processes - 1):
                self.pool.submit(_warm_up, style)

    def lay_out(self, jobs: dict[str, Job], on_part: Callable[[str, int], None]) -> Iterator[tuple[str, Laid]]:
        """Each job laid out, as each is done: the workers take the longest first, this process the shortest
        (so that none is left alone at the end, and this process soon sees the workers' parts)."""
        if self.pool is None and (self.processes <= 1 or len(jobs) <= 1
                                  or sum(len(job[0]) for job in jobs.values()) < POOL_CHARACTERS):
            for name, job in jobs.items():
                result = lay_out(*job)
                on_part(name, result.pages)
                yield name, result
            return
        self.start(next(iter(jobs.values()))[3])
        assert self.pool is not None, "more than one process"
        ordered = sorted(jobs.items(), key=lambda item: -len(item[1][0]))
        first, last = 0, len(ordered)  # the workers take from `first` on, this process from `last` back
        queued: dict[Future[Laid], str] = {}
        while first < last or queued:
            while first < last and len(queued) < QUEUED * (self.processes - 1):
                queued[self.pool.submit(lay_out, *ordered[first][1])] = ordered[first][0]
                first += 1
            if first < last:
                last -= 1
                name, job = ordered[last]
                result = lay_out(*job)
                on_part(name, result.pages)
                yield name, result
                done = [future for future in queued if future.done()]
            else:
                done = list(wait(queued, return_when=FIRST_COMPLETED).done)
            for future in done:
                name = queued.pop(future)
                result = future.result()
                on_part(name, result.pages)
                yield name, result

    def close(self, failed: bool) -> None:
        if self.pool is not None:
            # After a failure the whole-book build takes over: the other parts are not waited for.
            self.pool.shutdown(wait=not failed, cancel_futures=failed)


def stamps_drop(start: int) -> int:
    """The context pages before a stamps document's first page: one, and a blank one for a right-hand start."""
    return 1 if start % 2 else 2


def stamps_html(spec: BookSpec, heads: list[str | None], start: int = 0) -> str:
    """The body's running heads and folios from its page `start` (0: printed page 1): one empty page per
    body page, on the same side and with the same folio, whose head says `heads[i]` (None: a page without
    head or folio, as a divider); after `stamps_drop(start)` context pages, dropped."""
    chinese = is_chinese(spec.locale)
    pages = Markup("").join(
        Markup('<div class="stamp stamp-bare"></div>') if head is None
        else Markup('<div class="stamp" data-topic="{}"></div>').format(head)
        for head in heads
    )
    return Markup(
        '<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        "<style>@page :nth({first}) {{ counter-reset: page {folio}; }}</style></head><body>"
        '<div class="stamps" data-book-title="{title}" data-folio-before="{before}" data-folio-after="{after}">'
        '<div class="stamp stamp-bare part-context-{side}"></div>{pages}</div></body></html>'
    ).format(lang=i18n.HTML_LANG.get(spec.locale, "zh-Hans"), first=stamps_drop(start) + 1, folio=start + 1,
             title=spec.title, before="— " if chinese else "", after=" —" if chinese else "", pages=pages,
             side="left" if start % 2 else "right")


@dataclass
class PartsResult:
    pdf: bytes
    pages: int
    laid_out: list[str]  # the parts WeasyPrint laid out in this build (the others came from the cache)
    warnings: list[str]
    seconds: float
    parts: list[Laid] = field(default_factory=list)  # every part, the front matter first


def typeset_parts(
    spec: BookSpec, cache: PartCache, *, base_url: str, created: dt.datetime | None = None,
    processes: int | None = None, on_part: Callable[[str, int], None] = lambda name, pages: None,
) -> PartsResult:
    """The whole book from its parts: the cached ones reused, the others laid out (in this process and
    `processes - 1` workers, by default one process per core) and cached. `on_part` hears each part laid out, with its pages.

    Raises what WeasyPrint or pypdf raise; the caller falls back to the whole-book build.
    """
    started = time.perf_counter()
    papers = {paper.number: paper for topic in spec.topics for paper in topic.papers}
    workers = _Workers(processes or worker_count())
    try:
        # A first build (most parts missing) of a big book: the workers start while the HTML is prepared.
        if (cache.stored() < len(book_parts(spec)) // 2
                and sum(len(paper.body_html) for paper in papers.values()) >= POOL_CHARACTERS):
            workers.start(spec.house_style)
        bodies = printed_bodies(spec)
        uploads = {number: paper.pdf_pages for number, paper in papers.items() if paper.pdf_pages is not None}
        counts = {number: pdf_page_count(data) for number, data in uploads.items()}

        def html_of(name: str, toc_pages: dict[str, int] | None = None) -> str:
            return book_html(spec, pdf_pages=counts, part=name, part_side="right", toc_pages=toc_pages, bodies=bodies,
                             created=dt.datetime.fromisoformat(PART_CREATED))

        result = _typeset_parts(spec, cache, workers, html_of, base_url, on_part, uploads, created)
    except BaseException:
        workers.close(failed=True)
        raise
    workers.close(failed=False)
    result.seconds = time.perf_counter() - started
    return result


def _typeset_parts(
    spec: BookSpec, cache: PartCache, workers: _Workers, html_of: Callable[..., str], base_url: str,
    on_part: Callable[[str, int], None], uploads: dict[int, bytes], created: dt.datetime | None,
) -> PartsResult:
    from pypdf import PdfWriter

    style = spec.house_style
    key = _keys()
    writer = PdfWriter()  # the book, which each part laid out by this build is read into as it arrives

    def lay_out_missing(jobs: dict[str, Job], on_part: Callable[[str, int], None]) -> tuple[dict[str, Laid], list[str]]:
        """Each job's part from the cache, the others laid out together and cached; which were laid out."""
        keys = {name: key(job) for name, job in jobs.items()}
        laid = {name: found for name in jobs if (found := cache.get(keys[name])) is not None}
        missing = {name: job for name, job in jobs.items() if name not in laid}
        for name, result in workers.lay_out(missing, on_part):
            cache.put(keys[name], result)
            # Read now, between this process's own parts: in a first build the join's reading is no longer
            # left for after the last part, when the other processes have nothing to do.
            result.read = _read(writer, result.pdf)
            laid[name] = result
        return laid, list(missing)

    # The body parts: each depends only on its HTML; the missing ones laid out together.
    parts = book_parts(spec)
    jobs: dict[str, Job] = {part.name: (html_of(part.name), CONTEXT_PAGES, base_url, style, True) for part in parts}
    laid, missing = lay_out_missing(jobs, on_part)
    # Placed in the body, numbered from its first page (printed page 1, a right-hand page).
    body: list[tuple[int, Laid]] = []  # (first page's index in the body, the part) — blanks in between
    length = 0
    for part in parts:
        if part.right and length % 2:
            length += 1  # a blank back
        placed = laid[part.name]
        body.append((length, placed))
        length += placed.pages
    frames: list[list[Any] | None] = [None] * length
    for start, result in body:
        frames[start:start + result.pages] = result.frames
    # An element split over pages has its anchor on each: the first is where it starts.
    toc_pages = {name: page + 1 for name, (page, _point) in _first_anchors(body).items()}
    # Then the heads and folios, in documents of STAMP_PAGES pages (laid out side by side, and those before
    # a paper that grew are kept), and the front matter: all at once.
    heads = [frame[2] if frame else None for frame in frames]
    tail: dict[str, Job] = {
        f"stamps-{start}": (stamps_html(spec, heads[start:start + STAMP_PAGES], start), stamps_drop(start), base_url,
                            style, False)
        for start in range(0, length, STAMP_PAGES)
    }
    tail["front"] = (html_of("front", toc_pages), 0, base_url, style, False)
    done, tail_laid_out = lay_out_missing(tail, lambda name, pages: None)
    front = done.pop("front")
    stamps = [done[name] for name in tail if name in done]
    stamp_frames = [frame for chunk in stamps for frame in chunk.frames]
    shifts = [0.0] * length  # CSS px each page moves sideways: laid out on one side, printed on the other
    for index, frame in enumerate(frames):
        if frame is not None:
            margin, width, _head = stamp_frames[index]
            if abs(width - frame[1]) > 0.01:
                raise ValueError(f"body page {index + 1}: the text block is {frame[1]} px wide, {width} px on its side")
            shifts[index] = margin - frame[0]
    body_start = front.pages + front.pages % 2
    try:
        pdf = _join(writer, spec, front, body, body_start, length, stamps, shifts, uploads, created)
    except StaleFontFile:
        # A font file replaced since these parts were laid out: none is kept, the next build lays them out anew.
        cache.used.clear()
        cache.prune()
        raise
    every = [front] + [result for _start, result in body]
    warnings = [warning for result in every for warning in result.warnings]
    laid_out = [name for name in jobs if name in missing] + (["front"] if "front" in tail_laid_out else [])
    return PartsResult(pdf, body_start + length, laid_out, list(dict.fromkeys(warnings)), 0.0, every)


def _first_anchors(placed: list[tuple[int, Laid]]) -> dict[str, tuple[int, list[float]]]:
    """Each anchor's first page (the parts placed at these page indexes) and point."""
    found: dict[str, tuple[int, list[float]]] = {}
    for start, result in placed:
        for index, names in enumerate(result.anchors):
            for name, point in names.items():
                found.setdefault(name, (start + index, point))
    return found


def _stream(writer: Any, data: bytes) -> Any:
    from pypdf.generic import DecodedStreamObject

    stream = DecodedStreamObject()
    stream.set_data(data)
    return writer._add_object(stream.flate_encode() if len(data) > 100 else stream)


# A name in a content stream: what follows it ends it.
_NAME_END = rb"(?=[\s()<>\[\]{}/%]|$)"
STAMP_PREFIX = "Stamp"  # the stamps' resources in a page's: WeasyPrint's own names never start so


class _Stamper:
    """Moves a book's pages sideways and draws their heads and folios (the stamps document's pages) over
    them: each page one content stream more, its stamp's, whose resources are added to the page's under
    names of their own (a part's pages share theirs, so mostly once a part), only those it uses."""

    def __init__(self, writer: Any) -> None:
        self.writer = writer
        # Per stamps resources: what finds their names in a content stream, the prefix its names get (one per
        # stamps document: a part's pages may take their stamps from two), and by name its category and value.
        self.resources: dict[int, tuple[Any, bytes, dict[bytes, tuple[str, Any]]]] = {}
        self.moves: dict[str, Any] = {}  # the page's content moved this far: its opening stream, shared

    def _renamed(self, stamp: Any) -> tuple[bytes, dict[bytes, tuple[str, Any]]]:
        """The stamp's content with its resources' names prefixed, and the resources it uses (cloned into
        the writer) by their new names."""
        from pypdf.generic import DictionaryObject

        source = stamp.get_inherited("/Resources", DictionaryObject())
        if id(source) not in self.resources:
            resources = source.clone(self.writer)
            named = {str(name)[1:].encode(): (str(category), value) for category, entries in resources.items()
                     if isinstance(found := entries.get_object(), DictionaryObject) for name, value in found.items()}
            names = sorted(named, key=len, reverse=True)
            pattern = re.compile(rb"/(" + b"|".join(re.escape(name) for name in names) + rb")" + _NAME_END)
            prefix = f"{STAMP_PREFIX}{len(self.resources)}".encode()
            self.resources[id(source)] = (pattern if names else None, prefix, named)
        pattern, prefix, named = self.resources[id(source)]
        content = stamp.get_contents().get_data()
        if pattern is None:
            return content, {}
        used = {prefix + name: named[name] for name in set(pattern.findall(content))}
        return pattern.sub(b"/" + prefix + rb"\1", content), used

    @staticmethod
    def _add_resources(page: Any, used: dict[bytes, tuple[str, Any]]) -> None:
        from pypdf.generic import DictionaryObject, NameObject

        resources = page[NameObject("/Resources")].get_object()
        for name, (category, value) in used.items():
            if category not in resources:
                resources[NameObject(category)] = DictionaryObject()
            entries = resources[category].get_object()
            if (key := "/" + name.decode()) not in entries:
                entries[NameObject(key)] = value

    def place(self, page: Any, shift: float, stamp: Any | None, shared: bool = True) -> None:
        """Move `page`'s content `shift` points sideways (its links too) and draw `stamp` over it,
        without reading the page's content. Not `shared`: the page's content will be replaced (an
        upload laid under it), which makes pypdf empty the streams it had: none of them others'."""
        from pypdf.generic import ArrayObject, FloatObject, NameObject

        writer = self.writer
        after = b"\nQ\n"
        if stamp is not None:
            content, used = self._renamed(stamp)
            self._add_resources(page, used)
            after += content
        opening = f"q 1 0 0 1 {shift:.4f} 0 cm\n" if shift else "q\n"
        if not shared:
            move = _stream(writer, opening.encode())
        elif (move := self.moves.get(opening)) is None:
            move = self.moves[opening] = _stream(writer, opening.encode())
        raw = page.raw_get("/Contents")  # the reference: a content stream must stay an indirect object
        contents = list(raw.get_object()) if isinstance(raw.get_object(), ArrayObject) else [raw]
        page[NameObject("/Contents")] = ArrayObject([move, *contents, _stream(writer, after)])
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            left, bottom, right, top = (float(value) for value in annotation["/Rect"])
            annotation[NameObject("/Rect")] = ArrayObject(FloatObject(value) for value in (left + shift, bottom, right + shift, top))


def _shift_named_destinations(writer: Any, shifts: dict[int, float]) -> None:
    """The parts' named destinations (their own links' targets) moved with their pages: `shifts` is
    points by page object number."""
    from pypdf.generic import ArrayObject, FloatObject, IndirectObject, NameObject, NumberObject

    names = writer.get_named_dest_root()
    for destination in names[1::2]:
        destination = destination.get_object()
        if not isinstance(destination, ArrayObject):
            destination = destination.get("/D", ArrayObject()).get_object()
        if len(destination) < 3 or destination[1] != NameObject("/XYZ") or not isinstance(destination[0], IndirectObject):
            continue
        shift = shifts.get(destination[0].idnum, 0.0)
        if shift and isinstance(destination[2], (FloatObject, NumberObject)):  # not null: "keep the left edge"
            destination[2] = FloatObject(float(destination[2]) + shift)


def _read(writer: Any, pdf: bytes) -> pdfread.Read | None:
    """A part's objects read into the writer (`pdfread.py`); None when pdfread cannot read it."""
    try:
        return pdfread.read(writer, pdf)
    except pdfread.Unreadable as error:
        logger.info("a part read by pypdf: %s", error)
        return None


def _append(writer: Any, pdf: bytes, names: pdfread.Names, pages: bool = True, found: pdfread.Read | None = None) -> list[Any]:
    """A part's pages in the writer (read already when `found`), added to its pages; read by pypdf when
    `pdfread.py` cannot read it."""
    from pypdf import PdfReader

    if found is not None or (found := _read(writer, pdf)) is not None:
        return pdfread.add(writer, found, names, pages)
    reader = PdfReader(io.BytesIO(pdf))
    if not pages:
        return list(reader.pages)
    count = len(writer.pages)
    writer.append(reader, import_outline=False)
    return list(writer.pages[count:])


def _join(writer: Any, spec: BookSpec, front: Laid, body: list[tuple[int, Laid]], body_start: int, length: int,
          stamps: list[Laid], shifts: list[float], uploads: dict[int, bytes], created: dt.datetime | None) -> bytes:
    """The parts in one file, blank backs where a part starts on a right-hand page, each body page on its
    side with its head and folio; the uploaded PDFs' pages, the outline, the 目录's links, the metadata
    and the page labels."""
    from pypdf import PdfReader
    from pypdf.generic import (
        ArrayObject, DictionaryObject, FloatObject, NameObject, NumberObject, TextStringObject,
    )
    from pypdf.generic import Fit
    from weasyprint.pdf import _w3c_date_to_pdf

    placed = [(0, front)] + [(body_start + start, result) for start, result in body]
    shift_of = [0.0] * body_start + shifts  # CSS px, by page of the book
    anchors = {name: (page, [point[0] + shift_of[page], point[1]]) for name, (page, point) in _first_anchors(placed).items()}
    first_reader = PdfReader(io.BytesIO(front.pdf))
    width, height = (float(value) for value in first_reader.pages[0].mediabox[2:])
    names = pdfread.Names()
    for start, result in placed:
        while len(writer.pages) < start:
            writer.add_blank_page(width, height)
        _append(writer, result.pdf, names, found=result.read)
    while len(writer.pages) < body_start + length:
        writer.add_blank_page(width, height)
    names.write(writer)
    uploaded = {page for name, (page, _point) in anchors.items() if name.startswith("pdf-")}
    # Read into the writer, not added to its pages: only the resources their stamps use are written.
    stamp_pages = [page for chunk in stamps for page in _append(writer, chunk.pdf, names, False, chunk.read)]
    stamp_frames = [frame for chunk in stamps for frame in chunk.frames]
    stamper = _Stamper(writer)
    moved: dict[int, float] = {}  # points, by page object number
    for index in range(length):
        if stamp_frames[index][2] is not None or shifts[index]:
            stamp = stamp_pages[index] if stamp_frames[index][2] is not None else None
            page = writer.pages[body_start + index]
            stamper.place(page, shifts[index] * PX, stamp, shared=body_start + index not in uploaded)
            if shifts[index] and (reference := page.indirect_reference) is not None:
                moved[reference.idnum] = shifts[index] * PX
    _shift_named_destinations(writer, moved)
    # One subset per face instead of one per part (`fontmerge.py`), before the uploads bring their own; the
    # replaced subsets are left out when writing (`write_packed`).
    merge_fonts(writer)
    # Uploaded PDFs under their placeholders, where they are in the book: not moved with the page.
    lay_in_uploads(writer, lambda number, index: anchors[f"pdf-{number}-{index}"][0], uploads)

    # The outline: each part's bookmarks, nested by level as WeasyPrint nests them.
    parents: list[tuple[int, Any]] = []
    for start, result in placed:
        for index, level, label, x, y in result.bookmarks:
            while parents and parents[-1][0] >= level:
                parents.pop()
            item = writer.add_outline_item(
                title=label, page_number=start + index, parent=parents[-1][1] if parents else None,
                fit=Fit.xyz(left=(x + shift_of[start + index]) * PX, top=height - y * PX, zoom=0),
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
    with use_locale(spec.locale):
        set_page_labels(writer, len(writer.pages), _("Cover"), body_start if length else None)
    return write_packed(writer)
