"""HTML → PDF: the book typeset by WeasyPrint in ONE pass, PDF-only papers merged in with pypdf.

Why one pass: rendering paper by paper and merging embeds a font subset per part (the merged
file is ~10× larger) and makes page numbers a bookkeeping exercise. So the whole book —
including the TOC with `target-counter()` page numbers and the outline — is laid out once.

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
import io
import logging
import multiprocessing
import os
import resource
import subprocess
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from multiprocessing.connection import Connection
from pathlib import Path

from seminar.config import PROJECT_ROOT
from seminar.i18n import _, use_locale
from seminar.proceedings.book import BookSpec, book_html, pdf_page_count

STYLESHEET = PROJECT_ROOT / "static" / "proceedings" / "book.css"
STATIC_DIR = PROJECT_ROOT / "static"
REQUIRED_FONTS = ("Noto Serif CJK SC", "Noto Sans CJK SC", "Noto Serif CJK TC", "Noto Sans CJK TC")
MM = 72 / 25.4
# Where an uploaded page goes on its placeholder: between the running head and the folio.
INSERT_BOX_MM = (14.0, 26.0, 196.0, 265.0)  # left, bottom, right, top (PDF coordinates, from the bottom)


class BuildError(Exception):
    """The book could not be built at all; the message says why."""


@dataclass
class BuildReport:
    pages: int = 0
    warnings: list[str] = field(default_factory=list)
    failed_papers: dict[int, str] = field(default_factory=dict)  # paper number → reason
    seconds: float = 0.0
    peak_rss_bytes: int = 0  # of the process that typeset the book


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
def _font_config():  # type: ignore[no-untyped-def]  # weasyprint has no type hints
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


@cache
def _stylesheet():  # type: ignore[no-untyped-def]
    from weasyprint import CSS

    return CSS(filename=str(STYLESHEET), font_config=_font_config())


def _url_fetcher():  # type: ignore[no-untyped-def]
    # Manuscript images are data: URIs; the book never fetches anything from the network.
    from weasyprint import URLFetcher

    return URLFetcher(allowed_protocols={"data", "file"})


def _document(html: str, base_url: str):  # type: ignore[no-untyped-def]
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url, url_fetcher=_url_fetcher()).render(
        stylesheets=[_stylesheet()], font_config=_font_config()
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


# ---------- The build ----------


def typeset(spec: BookSpec, *, base_url: str | None = None) -> TypesetResult:
    """The book as PDF bytes with its report. Runs in the calling process: see `typeset_in_subprocess`."""
    started = time.perf_counter()
    _fonts_checked()
    base = base_url or STATIC_DIR.as_uri() + "/"
    report = BuildReport()
    failures: dict[int, str] = {}  # paper number → technical reason, for the report
    counts: dict[int, int] = {}
    papers = {paper.number: paper for topic in spec.topics for paper in topic.papers}
    for number, paper in papers.items():
        if paper.pdf_pages is not None:
            try:
                counts[number] = pdf_page_count(paper.pdf_pages)
            except ValueError as error:
                failures[number] = str(error)
    with _weasyprint_warnings() as warnings:
        try:
            document = _document(book_html(spec, notices=_notices(spec, failures), pdf_pages=counts), base)
        except Exception as error:  # noqa: BLE001 — any layout failure triggers the isolation pass
            culprits = _failing_papers(spec, base, _notices(spec, failures), counts)
            if not culprits:
                raise BuildError(_reason(error)) from error
            failures.update(culprits)
            try:
                document = _document(book_html(spec, notices=_notices(spec, failures), pdf_pages=counts), base)
            except Exception as again:  # noqa: BLE001
                raise BuildError(_reason(again)) from again
        pdf = document.write_pdf()
        report.warnings = list(warnings)
    report.pages = len(document.pages)
    if counts:
        anchors = [set(page.anchors) for page in document.pages]
        pdf = _insert_pdf_pages(pdf, anchors, {number: papers[number].pdf_pages for number in counts})
    report.failed_papers = failures
    report.seconds = time.perf_counter() - started
    report.peak_rss_bytes = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return TypesetResult(pdf, report)


def _notices(spec: BookSpec, failures: Mapping[int, str]) -> dict[int, str]:
    """What the printed notice says: the report keeps the technical reason, readers get a plain one."""
    uploaded_pdf = {paper.number for topic in spec.topics for paper in topic.papers if paper.pdf_pages is not None}
    with use_locale(spec.locale):
        return {
            number: _("the uploaded PDF file cannot be read")
            if number in uploaded_pdf
            else _("the manuscript's structure is nested too deeply")
            if reason.startswith("RecursionError")
            else _("its layout failed")
            for number, reason in failures.items()
        }


def render_pdf(spec: BookSpec, *, base_url: str | None = None) -> bytes:
    return typeset(spec, base_url=base_url).pdf


def _failing_papers(
    spec: BookSpec, base_url: str, notices: Mapping[int, str], counts: Mapping[int, int]
) -> dict[int, str]:
    """Each paper laid out alone; the ones that fail, with the reason."""
    failures: dict[int, str] = {}
    for topic in spec.topics:
        for paper in topic.papers:
            if paper.number in notices or paper.number in counts:
                continue
            try:
                _document(book_html(spec, notices=notices, pdf_pages=counts, only_paper=paper.number), base_url)
            except Exception as error:  # noqa: BLE001
                failures[paper.number] = _reason(error)
    return failures


def _insert_pdf_pages(pdf: bytes, anchors: list[set[str]], uploads: Mapping[int, bytes | None]) -> bytes:
    """Lay each uploaded page under its placeholder page, scaled into the text area."""
    from pypdf import PdfReader, PdfWriter, Transformation

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    left, bottom, right, top = (value * MM for value in INSERT_BOX_MM)
    for number, data in uploads.items():
        assert data is not None  # only papers with pdf_pages have a page count
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            reader.decrypt("")
        for index, source in enumerate(reader.pages):
            target_index = next(i for i, names in enumerate(anchors) if f"pdf-{number}-{index}" in names)
            if source.rotation:
                # Turn a rotated (landscape) page upright in its content so the scaling below is right.
                source = PdfWriter().add_page(source)
                source.transfer_rotation_to_content()
            box = source.cropbox
            width, height = float(box.width), float(box.height)
            scale = min((right - left) / width, (top - bottom) / height)
            x = left + ((right - left) - width * scale) / 2 - float(box.left) * scale
            y = bottom + ((top - bottom) - height * scale) / 2 - float(box.bottom) * scale
            writer.pages[target_index].merge_transformed_page(
                source, Transformation().scale(scale).translate(x, y), over=False
            )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# ---------- In a separate process ----------


def _exit_with_parent(interval: float = 0.5) -> None:
    """Stop this process once its parent is gone (killed mid-build): nobody waits for the book any more.

    A SIGKILLed worker cannot stop its child, and the child would typeset on for minutes; when
    the parent dies the child is handed to another parent, which this thread notices.
    """
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _child(spec: BookSpec, base_url: str | None, connection: Connection) -> None:
    _exit_with_parent()
    try:
        result = typeset(spec, base_url=base_url)
        connection.send(("ok", result))
    except BaseException as error:  # noqa: BLE001 — everything must reach the parent as a message
        connection.send(("error", _reason(error) if not isinstance(error, BuildError) else str(error)))
    finally:
        connection.close()


def typeset_in_subprocess(spec: BookSpec, *, base_url: str | None = None, timeout: float | None = None) -> TypesetResult:
    """`typeset` in a fresh spawned process, so the caller's event loop and memory are untouched.

    The child is killed after `timeout` seconds; a crash, a kill or a timeout is a `BuildError`.
    """
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(spec, base_url, sender), name="proceedings-typeset", daemon=True)
    process.start()
    sender.close()
    answered = False
    try:
        if not receiver.poll(timeout):
            raise BuildError(f"typesetting took longer than {timeout:.0f} s and was stopped")
        try:
            status, payload = receiver.recv()
            answered = True
        except EOFError as error:
            process.join(5)
            raise BuildError(f"the typesetting process ended unexpectedly (exit code {process.exitcode})") from error
    finally:
        # Once it has answered the child only has to exit; after a timeout it must not go on.
        process.join(10 if answered else 0.1)
        if process.is_alive():
            process.kill()
        process.join()
        receiver.close()
    if status != "ok":
        raise BuildError(payload)
    return payload


def render_pdf_in_subprocess(spec: BookSpec, *, base_url: str | None = None, timeout: float | None = None) -> bytes:
    return typeset_in_subprocess(spec, base_url=base_url, timeout=timeout).pdf


async def typeset_async(spec: BookSpec, *, base_url: str | None = None, timeout: float | None = None) -> TypesetResult:
    """For the worker's event loop: a thread waits for the child process, the loop stays free."""
    return await asyncio.to_thread(typeset_in_subprocess, spec, base_url=base_url, timeout=timeout)


def stylesheet_path() -> Path:
    """The stylesheet file, for callers that hash every input of a build."""
    return STYLESHEET
