"""`seminar docs-images`: the pictures of the printed documents in docs/, made from the demo.

It builds the demo seminar gd-2021 with its 论文集 (`seminar.demo`), fetches its published agenda PDF
through the app as a reader downloads it, and renders four pages with poppler's `pdftoppm` (a
system package `seminar setup` checks for): the book's cover, its first 目录 page, the first page
of the first paper of 专题一, and the agenda's first page. The pages are found by the book's
bookmarks, not by page numbers, so the pictures follow the book when it changes. Each picture is
reduced to 256 colours, as the browser journey's screenshots are.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import httpx
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import Destination

from seminar.config import Settings

RESOLUTION = 72  # dots per inch: an A4 page 595 × 842 pixels, readable in the docs and small in git


@dataclass(frozen=True)
class Picture:
    name: str  # file name in the output folder
    source: str  # "book" or "agenda"
    page: int  # 0-based page index in that PDF


def _outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    """The bookmarks as (depth, title, 0-based page index), in order."""
    found: list[tuple[int, str, int]] = []

    def walk(entries: Sequence[object], depth: int) -> None:
        for entry in entries:
            if isinstance(entry, list):
                walk(entry, depth + 1)
            elif isinstance(entry, Destination):
                page = reader.get_destination_page_number(entry)
                found.append((depth, str(entry.title), page if page is not None else -1))

    walk(reader.outline, 0)
    return found


def book_pages(book: bytes) -> dict[str, int]:
    """The cover, the first 目录 page and the first paper's first page of the book."""
    outline = _outline(PdfReader(BytesIO(book)))
    contents = next(page for depth, title, page in outline if depth == 0 and title.replace(" ", "") == "目录")
    topic = next(index for index, (depth, title, _page) in enumerate(outline) if depth == 0 and title.startswith("专题"))
    paper = outline[topic + 1][2]
    return {"cover": 0, "contents": contents, "paper": paper}


def render_page(pdf: bytes, page: int, target: Path, resolution: int = RESOLUTION) -> None:
    """One page of `pdf` as a PNG at `target`."""
    with tempfile.TemporaryDirectory(prefix="seminar-docs-images-") as folder:
        source = Path(folder) / "source.pdf"
        source.write_bytes(pdf)
        number = str(page + 1)
        subprocess.run(
            ["pdftoppm", "-r", str(resolution), "-png", "-singlefile", "-f", number, "-l", number,
             str(source), str(target.with_suffix(""))],
            check=True, capture_output=True, timeout=120,
        )
    shrink_png(target)


def shrink_png(path: Path) -> None:
    """A 256-colour palette without dithering, as the browser journey's screenshots: a third of the size,
    the text as sharp."""
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    small.save(path, optimize=True)


async def write_docs_images(settings: Settings, out: Path) -> list[Path]:
    """Build the demo with its book (in the database `settings` name, opened by the caller) and write the
    pictures into `out`; returns their paths."""
    from seminar.app import create_app
    from seminar.demo import DEMO_PASSWORD, DEMO_SLUG, build_demo
    from seminar.proceedings.models import BuildKind, BuildStatus, ProceedingsBuild
    from seminar.submissions.models import Blob

    summary = await build_demo(DEMO_PASSWORD, base_url=settings.base_url, proceedings=True)
    build = await ProceedingsBuild.filter(
        seminar_id=summary.seminar.id, kind=BuildKind.BOOK, volume__isnull=True, published=True,
        status=BuildStatus.DONE,
    ).order_by("-id").first()
    if build is None or build.blob_id is None:
        raise RuntimeError("the demo's book did not build: are the fonts installed? (uv run seminar setup)")
    book = bytes((await Blob.get(sha256=build.blob_id)).content)
    transport = httpx.ASGITransport(app=create_app(settings))
    async with httpx.AsyncClient(transport=transport, base_url=settings.base_url) as client:
        response = await client.get(f"/{DEMO_SLUG}/agenda.pdf")
        response.raise_for_status()
        agenda = response.content
    pages = book_pages(book)
    pictures = (
        Picture("book-cover.png", "book", pages["cover"]),
        Picture("book-contents.png", "book", pages["contents"]),
        Picture("book-paper.png", "book", pages["paper"]),
        Picture("agenda-print.png", "agenda", 0),
    )
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for picture in pictures:
        target = out / picture.name
        render_page(book if picture.source == "book" else agenda, picture.page, target)
        written.append(target)
    return written
