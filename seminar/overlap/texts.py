"""The plain text 查重 reads from a stored file: the manuscript's converted HTML, or a PDF's text layer."""

from __future__ import annotations

import html
import io
import re

_BLOCK_END = re.compile(r"</(?:p|h[1-6]|li|tr|blockquote|pre|caption|table)>|<br\s*/?>", re.IGNORECASE)
_CELL_END = re.compile(r"</t[dh]>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


def html_text(markup: str) -> str:
    """Paragraphs on lines of their own (quotations and the 参考文献 heading are found by line)."""
    text = _CELL_END.sub("\t", _BLOCK_END.sub("\n", markup))
    return html.unescape(_TAG.sub("", text)).strip()


def pdf_text(data: bytes) -> str:
    """The text layer of a PDF, page after page (a scanned PDF has none: the check says so)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages).strip()
