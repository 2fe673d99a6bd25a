"""Pages of uploaded PDFs laid into the book: their printed content only, nothing that can act.

A PDF from a city can carry link annotations running JavaScript or opening `javascript:` and
outside URIs, launch actions, embedded files, form fields, and page-open actions (/AA). None
of it may reach the book every attendee downloads. So each uploaded page is reduced to what
is printed — its content stream, its resources and its boxes — before it is laid under its
placeholder: its /Annots, /AA and every other page key are dropped, and its resources are
walked to remove any action, script, embedded file or form they might smuggle in. The
document-level parts of the upload (catalog, /OpenAction, /Names, /AcroForm) are never read.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, nullcontext
from typing import Any

MM = 72 / 25.4
# Where an uploaded page goes on its placeholder: between the running head and the folio.
INSERT_BOX_MM = (14.0, 26.0, 196.0, 265.0)  # left, bottom, right, top (PDF coordinates, from the bottom)

# What a page keeps: what is printed and where. Everything else (/Annots, /AA, /Metadata,
# /PieceInfo, /Thumb, /B, /StructParents, /Tabs …) is dropped.
PAGE_KEYS = frozenset({
    "/Type", "/Parent", "/Contents", "/Resources", "/MediaBox", "/CropBox", "/BleedBox", "/TrimBox", "/ArtBox",
    "/Rotate", "/UserUnit", "/Group",
})
# Keys that never belong in what a page prints: actions, scripts, files, forms, links.
ACTIVE_KEYS = frozenset({
    "/A", "/AA", "/JS", "/JavaScript", "/OpenAction", "/Launch", "/URI", "/EmbeddedFile", "/EmbeddedFiles",
    "/EF", "/FileAttachment", "/AcroForm", "/Annots", "/Names", "/Dests", "/Next", "/GoToE", "/GoToR",
    "/ImportData", "/SubmitForm", "/ResetForm", "/Sound", "/Movie", "/RichMedia", "/Rendition",
})


def _scrub(value: Any, seen: set[tuple[int, int]]) -> None:
    """Remove every active key from a resource tree, following indirect objects once each."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    if isinstance(value, IndirectObject):
        key = (value.idnum, value.generation)
        if key in seen:
            return
        seen.add(key)
        value = value.get_object()
    if isinstance(value, DictionaryObject):  # streams (form XObjects, images) are dictionaries too
        for key in [key for key in value if key in ACTIVE_KEYS]:
            del value[key]
        for item in list(value.values()):
            _scrub(item, seen)
    elif isinstance(value, ArrayObject):
        for item in value:
            _scrub(item, seen)


def printed_page(source: Any) -> Any:
    """A copy of an uploaded page with only what it prints; rotated (landscape) pages turned upright in their content."""
    from pypdf import PdfWriter
    from pypdf.generic import NameObject

    page = PdfWriter().add_page(source)  # a copy in a throwaway writer: the upload's catalog stays behind
    for key in [key for key in page if key not in PAGE_KEYS]:
        del page[key]
    if "/Resources" in page:
        _scrub(page[NameObject("/Resources")], set())
    if page.rotation:
        # Turn a rotated (landscape) page upright in its content so the scaling is right.
        page.transfer_rotation_to_content()
    return page


def insert_pdf_pages(
    pdf: bytes,
    anchors: list[set[str]],
    uploads: Mapping[int, bytes],
    guard: Callable[[int], AbstractContextManager[object]] = lambda number: nullcontext(),
) -> bytes:
    """Lay each uploaded page under its placeholder page (found by its anchor), scaled into the text area.

    `guard(number)` is entered around each paper's pages (the typesetter's per-paper budget).
    """
    from pypdf import PdfReader, PdfWriter

    def placeholder(number: int, index: int) -> int:
        return next(i for i, names in enumerate(anchors) if f"pdf-{number}-{index}" in names)

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    lay_in_uploads(writer, placeholder, uploads, guard)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def lay_in_uploads(
    writer: Any,
    placeholder: Callable[[int, int], int],
    uploads: Mapping[int, bytes],
    guard: Callable[[int], AbstractContextManager[object]] = lambda number: nullcontext(),
) -> None:
    """Lay each uploaded page under the writer's page `placeholder(paper number, page index)`, scaled
    into the text area (the same place on either side)."""
    from pypdf import PdfReader, Transformation

    left, bottom, right, top = (value * MM for value in INSERT_BOX_MM)
    for number, data in uploads.items():
        with guard(number):
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                reader.decrypt("")
            for index, source in enumerate(reader.pages):
                page = printed_page(source)
                box = page.cropbox
                width, height = float(box.width), float(box.height)
                scale = min((right - left) / width, (top - bottom) / height)
                x = left + ((right - left) - width * scale) / 2 - float(box.left) * scale
                y = bottom + ((top - bottom) - height * scale) / 2 - float(box.bottom) * scale
                writer.pages[placeholder(number, index)].merge_transformed_page(
                    page, Transformation().scale(scale).translate(x, y), over=False
                )


def label_pages(pdf: bytes, cover_label: str, body_start: int | None) -> bytes:
    """The viewer's page labels match the print (`set_page_labels`), written as an incremental update,
    so the typeset file is kept byte for byte before it."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(io.BytesIO(pdf), incremental=True)
    set_page_labels(writer, len(PdfReader(io.BytesIO(pdf)).pages), cover_label, body_start)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def set_page_labels(writer: Any, count: int, cover_label: str, body_start: int | None) -> None:
    """The viewer's page labels match the print: the cover by name, the front matter i, ii …, and
    from the first topic divider (printed page 1) on, the printed numbers."""
    from pypdf.constants import PageLabelStyle

    writer.set_page_label(0, 0, prefix=cover_label)
    front_end = (body_start if body_start is not None else count) - 1
    if front_end >= 1:
        writer.set_page_label(1, front_end, style=PageLabelStyle.LOWERCASE_ROMAN, start=1)
    if body_start is not None and body_start < count:
        writer.set_page_label(body_start, count - 1, style=PageLabelStyle.DECIMAL, start=1)
