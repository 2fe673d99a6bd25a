"""The printable 检测报告: the report page's content on A4, rendered by WeasyPrint off the event loop."""

from __future__ import annotations

import asyncio
from functools import cache
from typing import Any

from seminar.config import PROJECT_ROOT

STYLESHEET = PROJECT_ROOT / "static" / "overlap" / "print.css"
_lock = asyncio.Lock()


@cache
def _weasyprint() -> tuple[Any, Any]:
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    return fonts, CSS(filename=str(STYLESHEET), font_config=fonts)


def _pdf(html: str) -> bytes:
    from weasyprint import HTML, URLFetcher

    fonts, stylesheet = _weasyprint()
    document = HTML(string=html, base_url=str(PROJECT_ROOT), url_fetcher=URLFetcher(allowed_protocols={"file"}))
    return bytes(document.write_pdf(stylesheets=[stylesheet], font_config=fonts))


async def report_pdf(html: str) -> bytes:
    """WeasyPrint is CPU-bound: one rendering at a time per process, in a thread."""
    async with _lock:
        return await asyncio.to_thread(_pdf, html)
