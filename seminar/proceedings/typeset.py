"""HTML → PDF: the book typeset by WeasyPrint, PDF-only papers merged in with pypdf.

Two ways, one book. The worker and `seminar proceedings build` pass the book's parts directory
(`parts.book_cache`): the book is typeset in parts (`parts.py`: each paper, divider, 专题点评 …
laid out alone, in parallel worker processes, cached; heads and folios stamped afterwards; the
目录 last; joined by pypdf, one font subset per face) and a rebuild lays out only the parts that
changed. Whenever that cannot be done or fails — a tagged PDF, a paper big enough to be vetted
alone, a paper that cannot be laid out, anything else — the whole book, including the TOC with
`target-counter()` page numbers and the outline, is laid out in ONE pass, as described below;
`tests/proceedings/test_parts.py` holds the two to the same pages, text, outline and links.
See docs/performance.md, "The 论文集".

PDF-only papers: `book_html` lays out one empty placeholder page per page of the uploaded PDF,
under the paper's (invisible) title, so the TOC, the outline and every later page number are
right without a second pass. After rendering we find the placeholder pages by their anchors
(`pdf-<number>-<k>`) and lay each uploaded page *under* its placeholder, scaled to fit between
the running head and the folio: the book's head and "— N —" stay on top, the page objects (and
so the outline and TOC links pointing at them) stay the same.

Failure policy: a manuscript WeasyPrint cannot lay out (say, hundreds of nested quotations
from a Markdown upload make it exceed Python's recursion limit) must not lose the book. The
full render is tried first; only if it fails is every paper rendered alone in a cheap pass
(layout only, no PDF written) to find the culprits. Their content is replaced by a notice
("本文排版失败：…", title, authors and TOC entry kept) and the book is rendered again; the
`BuildReport` names each replaced paper and the reason. If no paper fails on its own, the
failure is the book's (front matter, appendices, fonts) and `BuildError` says why. A PDF-only
paper whose file pypdf cannot read gets the same notice. WeasyPrint's own warnings (a broken
image, a CSS rule it ignored) are collected into the report.

Processes: WeasyPrint is CPU-bound and needs ~20 ms and a few hundred KB a page. Call
`typeset_in_subprocess` (or `typeset_async` from the event loop): it runs one build in a fresh
spawned process, which loads the fonts once, returns the PDF and the report, and gives all its
memory back when it exits. A crash or timeout of the child is a `BuildError`, never a half file.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import re
import resource
import subprocess
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from functools import cache
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING

from seminar.config import PROJECT_ROOT
from seminar.i18n import N_, _, use_locale
from seminar.isolation import exit_with_parent
from seminar.proceedings.book import BookSpec, book_html, pdf_page_count
from seminar.proceedings.fetcher import book_fetcher
from seminar.proceedings.pdfpages import insert_pdf_pages, label_pages
from seminar.proceedings.progress import Report, TypesetEvents
from seminar.proceedings.styles import FACES, STYLESHEETS, HouseStyle, font_face_css
from seminar.proceedings.styles import missing_fonts as missing_style_fonts
from seminar.proceedings.styles import missing_fonts_message as missing_style_fonts_message

if TYPE_CHECKING:  # WeasyPrint is imported where it is used: importing it takes a while
    from weasyprint import CSS
    from weasyprint.document import Document
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher

logger = logging.getLogger(__name__)
STYLESHEET = PROJECT_ROOT / "static" / "proceedings" / "book.css"
STATIC_DIR = PROJECT_ROOT / "static"
REQUIRED_FONTS = ("Noto Serif CJK SC", "Noto Sans CJK SC", "Noto Serif CJK TC", "Noto Sans CJK TC")
# A book with `BookSpec.tagged` is written as a tagged PDF declared PDF/UA-1: a structure tree of
# headings, paragraphs, lists and tables for screen readers and reflow, and viewers show its title.
# Off by default: on the demo book it costs about a third more CPU time and an eighth more bytes,
# and WeasyPrint's tagging grows faster than the page count (see docs/operations.md).
TAGGED_PDF: dict[str, object] = {"pdf_variant": "pdf/ua-1"}


class BuildError(Exception):
    """The book could not be built at all; the message says why."""


@dataclass
class BuildReport:
    pages: int = 0
    warnings: list[str] = field(default_factory=list)
    failed_papers: dict[int, str] = field(default_factory=dict)  # paper number → reason
    seconds: float = 0.0
    peak_rss_bytes: int = 0  # of the process that typeset the book
    # The fetcher's log (see `fetcher.py`): every URL asked (data: URIs shortened), the ones
    # refused with the reason, and the real path of every local file read.
    requested_urls: list[str] = field(default_factory=list)
    refused_urls: list[str] = field(default_factory=list)
    opened_files: list[str] = field(default_factory=list)
    # Typeset in parts (`parts.py`): the parts laid out by this build, the others reused; None in one pass.
    parts_laid_out: list[str] | None = None


@dataclass
class TypesetResult:
    pdf: bytes
    report: BuildReport


# ---------- Fonts ----------


def installed_font_families() -> set[str]:
    try:
        listing = subprocess.run(
            ["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=True, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return set()
    return {name.strip() for line in listing.splitlines() for name in line.split(",") if name.strip()}


def check_fonts() -> list[str]:
    """The font families the book needs that fontconfig does not know; empty when all is well."""
    installed = installed_font_families()
    return [family for family in REQUIRED_FONTS if family not in installed]


def missing_fonts_message(missing: list[str]) -> str:
    return _(
        "The proceedings cannot be typeset: the fonts %(fonts)s are missing. "
        "Install them with `seminar setup` (Debian package fonts-noto-cjk).",
        fonts=", ".join(missing),
    )


@cache
def _fonts_checked() -> None:
    missing = check_fonts()
    if missing:
        raise BuildError(missing_fonts_message(missing))


# ---------- WeasyPrint, loaded once per process ----------


@cache
def _font_config() -> FontConfiguration:
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


@cache
def _stylesheet() -> CSS:
    from weasyprint import CSS

    return CSS(filename=str(STYLESHEET), font_config=_font_config())


@cache
def _stylesheets(style: HouseStyle) -> tuple[CSS, ...]:
    """book.css, then the style's fonts and its own sheet laid over it.

    The style's font files are system files read here, once per process, by WeasyPrint's own
    fetcher: they are the operator's, not a manuscript's, so the book's fetcher never sees them.
    """
    from weasyprint import CSS

    if style not in STYLESHEETS:
        return (_stylesheet(),)
    fonts = font_face_css(style)
    extra = [CSS(string=fonts, font_config=_font_config())] if fonts else []
    own = (CSS(filename=str(path), font_config=_font_config()) for path in (FACES[style], STYLESHEETS[style]))
    return (_stylesheet(), *extra, *own)


def _document(html: str, base_url: str, fetcher: URLFetcher, style: HouseStyle = HouseStyle.ACADEMIC) -> Document:
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(
        stylesheets=list(_stylesheets(style)), font_config=_font_config()
    )


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message not in self.messages:
            self.messages.append(message)


@contextmanager
def _weasyprint_warnings() -> Iterator[list[str]]:
    logger = logging.getLogger("weasyprint")
    collector = _Collector()
    logger.addHandler(collector)
    try:
        yield collector.messages
    finally:
        logger.removeHandler(collector)


def _reason(error: BaseException) -> str:
    text = str(error).strip()
    return f"{type(error).__name__}: {text}"[:300] if text else type(error).__name__


# ---------- Budgets ----------


@dataclass(frozen=True)
class Budget:
    """What one paper, and the book around it, may cost the typesetter.

    A paper is laid out alone (under `paper_seconds` and `paper_memory_bytes` of address space
    more than the process held before it) when it looks big — more than `suspect_characters` of
    text or `suspect_tags` elements, images not counted — or when the whole book failed or
    stalled. A paper over its budget is replaced by a notice. The typesetting process as a whole
    is limited to `book_memory_bytes` of address space (RLIMIT_AS), and the book's own steps
    (parsing, styling, each page, writing the PDF) to `step_seconds` each without progress.
    """

    paper_seconds: float = 60.0
    paper_memory_bytes: int = 1024 * 2**20
    book_memory_bytes: int = 6 * 2**30
    step_seconds: float = 180.0
    suspect_characters: int = 100_000
    suspect_tags: int = 10_000


DEFAULT_BUDGET = Budget()
# Stored in English on the build, shown in the organizer's language.
OVER_TIME = N_("Too long or too complex: typesetting it alone took longer than the time allowed for one paper.")
OVER_MEMORY = N_("Too long or too complex: typesetting it alone needed more memory than allowed for one paper.")
OVER_BUDGET = (OVER_TIME, OVER_MEMORY)

Events = Callable[[str, object], None]


def _no_events(kind: str, value: object) -> None:
    """In the caller's process nobody watches the time: events go nowhere."""


_DATA_URI = re.compile(r"data:[^\"')\s]*")


def suspects(spec: BookSpec, budget: Budget) -> list[int]:
    """Papers big enough to be laid out alone, under their budget, before the book is."""
    found = []
    for topic in spec.topics:
        for paper in topic.papers:
            text = _DATA_URI.sub("", paper.body_html)
            if len(text) > budget.suspect_characters or text.count("<") > budget.suspect_tags:
                found.append(paper.number)
    return found


def _address_space() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * resource.getpagesize()


@contextmanager
def _paper_memory(budget: Budget, limited: bool) -> Iterator[None]:
    """While one paper is laid out, the process may grow by the paper's memory budget only."""
    if not limited:
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    allowed = _address_space() + budget.paper_memory_bytes
    resource.setrlimit(resource.RLIMIT_AS, (allowed if hard == resource.RLIM_INFINITY else min(allowed, hard), hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


class _Progress(logging.Handler):
    """WeasyPrint's progress log (one line per step and per page) as `page` events: the watchdog sees the book move."""

    def __init__(self, events: Events) -> None:
        super().__init__(logging.INFO)
        self.events = events

    def emit(self, record: logging.LogRecord) -> None:
        self.events("page", record.getMessage())


@contextmanager
def _progress_events(events: Events) -> Iterator[None]:
    if events is _no_events:
        yield
        return
    logger = logging.getLogger("weasyprint.progress")
    handler, level = _Progress(events), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


# ---------- The build ----------


def typeset(
    spec: BookSpec,
    *,
    base_url: str | None = None,
    budget: Budget = DEFAULT_BUDGET,
    known: Mapping[int, str] | None = None,
    isolate_all: bool = False,
    events: Events = _no_events,
    memory_limited: bool = False,
    parts_cache: Path | None = None,
) -> TypesetResult:
    """The book as PDF bytes with its report. Runs in the calling process: see `typeset_in_subprocess`.

    With `parts_cache` (the book's directory, `parts.book_cache`) the book is typeset in parts,
    reusing the parts an earlier build left there (`parts.py`); when that fails in any way, or the
    book cannot be typeset in parts (a tagged PDF, a paper big enough to be vetted alone, a paper
    already known to fail), it is typeset in one pass, as without.

    `known` are papers already found over budget (replaced by a notice); `isolate_all` lays out
    every paper alone first. `events` tells a watching parent which paper is being laid out
    (`paper`), that the book moves on to its next stage (`step`) or lays out a page (`page`);
    the parent enforces the time budgets.
    """
    started = time.perf_counter()
    _fonts_checked()
    base = base_url or STATIC_DIR.as_uri() + "/"
    if parts_cache is not None and not (spec.tagged or known or isolate_all or suspects(spec, budget)):
        try:
            return _typeset_in_parts(spec, base, parts_cache, started, events)
        except Exception as error:  # noqa: BLE001 — the one-pass build below has the per-paper isolation
            logger.warning("the book in parts failed (%s); typesetting it in one pass", _reason(error))
            events("step", "book")
    fetcher = book_fetcher()
    report = BuildReport()
    failures: dict[int, str] = dict(known or {})  # paper number → technical reason, for the report
    counts: dict[int, int] = {}
    papers = {paper.number: paper for topic in spec.topics for paper in topic.papers}

    @contextmanager
    def alone(number: int) -> Iterator[None]:
        events("paper", number)
        try:
            with _paper_memory(budget, memory_limited):
                yield
        finally:  # what follows is the book's again, not this paper's
            events("step", "book")

    for number, paper in papers.items():
        if paper.pdf_pages is not None and number not in failures:
            try:
                with alone(number):
                    counts[number] = pdf_page_count(paper.pdf_pages)
            except (ValueError, MemoryError) as error:
                failures[number] = OVER_MEMORY if isinstance(error, MemoryError) else str(error)
    events("step", "book")
    with _weasyprint_warnings() as warnings, _progress_events(events):
        vet = [number for number in papers if number not in counts] if isolate_all else suspects(spec, budget)
        failures.update(_failing_papers(spec, base, fetcher, failures, counts, vet, alone))
        events("step", "book")
        try:
            document = _document(
                book_html(spec, notices=_notices(spec, failures), pdf_pages=counts), base, fetcher, spec.house_style
            )
        except Exception as error:  # noqa: BLE001 — any layout failure triggers the isolation pass
            rest = [number for number in papers if number not in counts and number not in vet]
            culprits = _failing_papers(spec, base, fetcher, failures, counts, rest, alone)
            if not culprits:
                raise BuildError(_reason(error)) from error
            failures.update(culprits)
            events("step", "book")
            try:
                document = _document(
                    book_html(spec, notices=_notices(spec, failures), pdf_pages=counts), base, fetcher, spec.house_style
                )
            except Exception as again:  # noqa: BLE001
                raise BuildError(_reason(again)) from again
        pdf = document.write_pdf(**(TAGGED_PDF if spec.tagged else {}))
        with use_locale(spec.locale):
            report.warnings = [describe_data_uris(warning) for warning in warnings]
            if missing := missing_style_fonts(spec.house_style):
                report.warnings.append(missing_style_fonts_message(spec.house_style, missing))
    report.pages = len(document.pages)
    anchors = [set(page.anchors) for page in document.pages]
    if counts:
        uploads = {number: papers[number].pdf_pages or b"" for number in counts}
        pdf = insert_pdf_pages(pdf, anchors, uploads, guard=alone)
    # Printed page 1 is the 领导讲话's divider, else the first topic's (the stylesheet restarts the counter there).
    body_start = next(
        (index for index, names in enumerate(anchors) if any(name == "speeches" or name.startswith("topic-") for name in names)),
        None,
    )
    with use_locale(spec.locale):
        pdf = label_pages(pdf, _("Cover"), body_start)
    report.failed_papers = failures
    report.requested_urls, report.refused_urls, report.opened_files = fetcher.requested, fetcher.refused, fetcher.opened
    report.seconds = time.perf_counter() - started
    report.peak_rss_bytes = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return TypesetResult(pdf, report)


def _typeset_in_parts(spec: BookSpec, base_url: str, directory: Path, started: float, events: Events) -> TypesetResult:
    """The book from its parts (`parts.py`), the book's parts directory pruned to what it uses; `events`
    hears the pages of the parts laid out so far (`laid`), which moves the book on for the watchdog."""
    from seminar.proceedings.parts import PartCache, bound_cache_root, typeset_parts

    cache = PartCache(directory)
    done = [0]

    def on_part(name: str, pages: int) -> None:
        done[0] += pages
        events("laid", done[0])

    result = typeset_parts(spec, cache, base_url=base_url, on_part=on_part)
    cache.prune()
    bound_cache_root(directory.parent, keep=directory)
    report = BuildReport(pages=result.pages, parts_laid_out=result.laid_out)
    with use_locale(spec.locale):
        report.warnings = [describe_data_uris(warning) for warning in result.warnings]
        if missing := missing_style_fonts(spec.house_style):
            report.warnings.append(missing_style_fonts_message(spec.house_style, missing))
    for part in result.parts:
        report.requested_urls += part.requested
        report.refused_urls += part.refused
        report.opened_files += part.opened
    report.seconds = time.perf_counter() - started
    report.peak_rss_bytes = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    logger.info("book in parts: %d pages, laid out %d parts, %.1f s", result.pages, len(result.laid_out), report.seconds)
    return TypesetResult(result.pdf, report)


def _notices(spec: BookSpec, failures: Mapping[int, str]) -> dict[int, str]:
    """What the printed notice says: the report keeps the technical reason, readers get a plain one."""
    uploaded_pdf = {paper.number for topic in spec.topics for paper in topic.papers if paper.pdf_pages is not None}
    with use_locale(spec.locale):
        return {
            number: _("the manuscript is too long or too complex to typeset")
            if reason in OVER_BUDGET
            else _("the uploaded PDF file cannot be read")
            if number in uploaded_pdf
            else _("the manuscript's structure is nested too deeply")
            if reason.startswith("RecursionError")
            else _("its layout failed")
            for number, reason in failures.items()
        }


def render_pdf(spec: BookSpec, *, base_url: str | None = None) -> bytes:
    return typeset(spec, base_url=base_url).pdf


def _failing_papers(
    spec: BookSpec,
    base_url: str,
    fetcher: object,
    failures: Mapping[int, str],
    counts: Mapping[int, int],
    numbers: list[int],
    alone: Callable[[int], AbstractContextManager[None]],
) -> dict[int, str]:
    """Each of these papers laid out alone, within its budget; the ones that fail, with the reason."""
    notices = _notices(spec, failures)
    found: dict[int, str] = {}
    for number in numbers:
        if number in failures or number in counts:
            continue
        try:
            with alone(number):
                _document(
                    book_html(spec, notices=notices, pdf_pages=counts, only_paper=number), base_url, fetcher, spec.house_style
                )
        except MemoryError:
            found[number] = OVER_MEMORY
        except Exception as error:  # noqa: BLE001
            found[number] = _reason(error)
    return found


def describe_data_uris(text: str) -> str:
    """A message with every data: URI in it replaced by a few words (a warning once quoted a 518 KB image)."""

    def describe(match: re.Match[str]) -> str:
        uri = match.group(0)
        head, _comma, payload = uri.partition(",")
        kind = head[5:].split(";")[0].split("/")[-1].upper() or "TEXT"
        size = len(payload) * 3 // 4 if ";base64" in head.lower() else len(payload)
        return _("an embedded %(kind)s image (%(size)s KB)", kind=kind, size=max(1, round(size / 1024)))

    return _DATA_URI.sub(describe, text)


# ---------- In a separate process ----------


def _child(
    spec: BookSpec, base_url: str | None, budget: Budget, known: dict[int, str], isolate_all: bool, connection: Connection,
    parts_cache: Path | None = None,
) -> None:
    exit_with_parent()
    # No manuscript may take the machine's memory: past this, allocations fail (MemoryError) instead.
    resource.setrlimit(resource.RLIMIT_AS, (budget.book_memory_bytes, budget.book_memory_bytes))

    def events(kind: str, value: object) -> None:
        connection.send((kind, value))

    try:
        result = typeset(
            spec, base_url=base_url, budget=budget, known=known, isolate_all=isolate_all, events=events,
            memory_limited=True, parts_cache=parts_cache,
        )
        connection.send(("ok", result))
    except BaseException as error:  # noqa: BLE001 — everything must reach the parent as a message
        connection.send(("error", _reason(error) if not isinstance(error, BuildError) else str(error)))
    finally:
        connection.close()


@dataclass
class _Stopped:
    """The child was stopped or died: while laying out `paper` alone (it is over budget), or elsewhere."""

    paper: int | None
    reason: str


def _run_child(
    spec: BookSpec, base_url: str | None, budget: Budget, known: dict[int, str], isolate_all: bool,
    deadline: float | None, timeout: float | None, watch: Events = _no_events, parts_cache: Path | None = None,
) -> TypesetResult | _Stopped:
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=_child, args=(spec, base_url, budget, known, isolate_all, sender, parts_cache), name="proceedings-typeset",
        # Not a daemon: a book in parts lays them out in worker processes of its own. It is killed below
        # when it does not answer, and it ends itself when this process dies (`exit_with_parent`).
        daemon=False
    )
    process.start()
    sender.close()
    answered = False
    paper: int | None = None
    # Starting the process (imports, fonts) counts as a step of the book.
    step_ends = time.monotonic() + budget.step_seconds
    try:
        while True:
            limit = step_ends if deadline is None else min(step_ends, deadline)
            if not receiver.poll(max(0.0, limit - time.monotonic())):
                if deadline is not None and time.monotonic() >= deadline:
                    raise BuildError(f"typesetting took longer than {timeout:.0f} s and was stopped")
                if paper is not None:
                    return _Stopped(paper, OVER_TIME)
                return _Stopped(None, f"a step of the typesetting made no progress for {budget.step_seconds:.0f} s")
            try:
                kind, payload = receiver.recv()
            except EOFError:
                process.join(5)
                if paper is not None:
                    return _Stopped(paper, OVER_MEMORY)
                return _Stopped(None, f"the typesetting process ended unexpectedly (exit code {process.exitcode})")
            watch(kind, payload)
            if kind == "paper":
                paper, step_ends = payload, time.monotonic() + budget.paper_seconds
            elif kind in ("step", "laid") or kind == "page" and paper is None:
                # A page laid out moves the book on; within a paper laid out alone its budget runs on.
                paper, step_ends = None, time.monotonic() + budget.step_seconds
            elif kind == "ok":
                answered = True
                return payload
            elif kind == "error":
                answered = True
                raise BuildError(str(payload))
    finally:
        # Once it has answered the child only has to exit; after a timeout it must not go on.
        process.join(10 if answered else 0.1)
        if process.is_alive():
            process.kill()
        process.join()
        receiver.close()


def typeset_in_subprocess(
    spec: BookSpec, *, base_url: str | None = None, timeout: float | None = None, budget: Budget = DEFAULT_BUDGET,
    report: Report | None = None, parts_cache: Path | None = None,
) -> TypesetResult:
    """`typeset` in a fresh spawned process, so the caller's event loop and memory are untouched.

    The child tells which paper it lays out alone; one that overruns its time, or kills the
    child (out of memory), is replaced by a notice and a new child carries on without it. A
    book that stalls outside any paper is typeset once more with every paper vetted alone
    first. The child is killed after `timeout` seconds in all; a timeout is a `BuildError`.
    `report` hears the stage and count as the child moves on (see `progress.TypesetEvents`), in
    the calling thread.
    """
    deadline = None if timeout is None else time.monotonic() + timeout
    known: dict[int, str] = {}
    isolate_all = False
    watch: Events = _no_events
    if report is not None:
        events = TypesetEvents(report)
        events.started()
        watch = events
    while True:
        outcome = _run_child(spec, base_url, budget, known, isolate_all, deadline, timeout, watch, parts_cache)
        if isinstance(outcome, TypesetResult):
            return outcome
        if outcome.paper is not None:
            known[outcome.paper] = outcome.reason
        elif not isolate_all:
            isolate_all = True
        else:
            raise BuildError(outcome.reason)


def render_pdf_in_subprocess(spec: BookSpec, *, base_url: str | None = None, timeout: float | None = None) -> bytes:
    return typeset_in_subprocess(spec, base_url=base_url, timeout=timeout).pdf


async def typeset_async(
    spec: BookSpec, *, base_url: str | None = None, timeout: float | None = None, budget: Budget = DEFAULT_BUDGET,
    report: Report | None = None, parts_cache: Path | None = None,
) -> TypesetResult:
    """For the worker's event loop: a thread waits for the child process, the loop stays free
    (`report` is called in that thread)."""
    return await asyncio.to_thread(
        typeset_in_subprocess, spec, base_url=base_url, timeout=timeout, budget=budget, report=report,
        parts_cache=parts_cache,
    )


def stylesheet_path() -> Path:
    """The stylesheet file, for callers that hash every input of a build."""
    return STYLESHEET


def stylesheet_paths() -> list[Path]:
    """Every stylesheet a build may use (book.css and each house style's, with its faces), for the input hash."""
    return [STYLESHEET, *FACES.values(), *STYLESHEETS.values()]
