"""A certificate as a PDF: the HTML from `templates/certificates/pdf/`, typeset by WeasyPrint.

Certificates are a page each and typesetting is CPU-bound, so `render_async` runs the whole
batch in one child process (`seminar.isolation`): the fonts load once per batch, and the web
process's event loop never waits on WeasyPrint.
"""

from __future__ import annotations

import base64
import io
import logging
import zipfile
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from seminar.accounts.qr import qr_svg as account_qr_svg
from seminar.config import PROJECT_ROOT
from seminar.isolation import Limits, run_limited_async

if TYPE_CHECKING:
    from jinja2 import Environment
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

STATIC = PROJECT_ROOT / "static" / "certificates"
STYLESHEET = STATIC / "certificate.css"
# A page takes ~0.1 s once the fonts are loaded (~1 s); a seminar's few hundred fit well inside.
SECONDS_PER_PAGE = 2.0


@dataclass(frozen=True)
class CertificateSpec:
    """Everything printed on one certificate, as plain data (it crosses to the child process pickled)."""

    kind: str  # award / organization / attendance
    number: str
    title: str
    body: str
    issuer: str
    date_text: str
    verify_url: str
    seal_png: bytes | None = None


def qr_svg(url: str) -> Markup:
    """The address as an inline SVG QR code (medium error correction: a stamped corner still scans)."""
    return account_qr_svg(url, title=url)


@cache
def _environment() -> Environment:
    from seminar.templating import build_environment

    return build_environment()


def certificate_html(spec: CertificateSpec) -> str:
    seal = f"data:image/png;base64,{base64.b64encode(spec.seal_png).decode()}" if spec.seal_png else ""
    template = _environment().get_template("certificates/pdf/certificate.html")
    return template.render(spec=spec, qr=qr_svg(spec.verify_url), seal=seal)


@cache
def _font_config() -> FontConfiguration:
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


@cache
def _stylesheet() -> CSS:
    from weasyprint import CSS

    return CSS(filename=str(STYLESHEET), font_config=_font_config())


def render_pdfs(specs: list[CertificateSpec]) -> list[bytes]:
    """One PDF per certificate, in order. Reads only the certificates' own static files and data: images."""
    from weasyprint import HTML

    from seminar.proceedings.fetcher import book_fetcher

    pdfs = []
    progress = logging.getLogger("weasyprint.progress")
    level = progress.level
    progress.setLevel(logging.WARNING)  # seven lines of steps a page would bury the command's own output
    try:
        for spec in specs:
            document = HTML(
                string=certificate_html(spec), base_url=str(STATIC) + "/", url_fetcher=book_fetcher((STATIC,))
            )
            pdf = document.write_pdf(stylesheets=[_stylesheet()], font_config=_font_config())
            assert pdf is not None, "write_pdf without a target returns the bytes"
            pdfs.append(pdf)
    finally:
        progress.setLevel(level)
    return pdfs


def render_sheets(template: str, stylesheet: str, context: dict[str, Any], area: str = "certificates") -> bytes:
    """One multi-page document (badges, table cards, a seat plan) from `templates/<area>/pdf/<template>`.

    The stylesheet and anything the page fetches come from `static/<area>/` only.
    """
    from weasyprint import CSS, HTML

    from seminar.certificates import badges
    from seminar.proceedings.fetcher import book_fetcher

    env = _environment()
    html = env.get_template(f"{area}/pdf/{template}").render(
        qr=qr_svg, spaced_name=badges.spaced_name, cut_marks=badges.cut_marks, categories=badges.CATEGORIES, **context
    )
    static = PROJECT_ROOT / "static" / area
    progress = logging.getLogger("weasyprint.progress")
    level = progress.level
    progress.setLevel(logging.WARNING)
    try:
        document = HTML(string=html, base_url=str(static) + "/", url_fetcher=book_fetcher((static,)))
        pdf = document.write_pdf(
            stylesheets=[CSS(filename=str(static / stylesheet), font_config=_font_config())], font_config=_font_config()
        )
    finally:
        progress.setLevel(level)
    assert pdf is not None, "write_pdf without a target returns the bytes"
    return pdf


async def render_sheets_async(
    template: str, stylesheet: str, context: dict[str, Any], pages: int, area: str = "certificates"
) -> bytes:
    """`render_sheets` in a child process, its time limit growing with the pages."""
    return await run_limited_async(
        render_sheets, template, stylesheet, context, area,
        limits=Limits(cpu_seconds=int(30 + SECONDS_PER_PAGE * pages), memory_bytes=2 * 2**30),
    )


async def render_async(specs: list[CertificateSpec]) -> list[bytes]:
    """`render_pdfs` in a child process with a time limit that grows with the batch."""
    seconds = 30 + SECONDS_PER_PAGE * len(specs)
    return await run_limited_async(
        render_pdfs, specs, limits=Limits(cpu_seconds=int(seconds), memory_bytes=2 * 2**30)
    )


def zip_of(files: list[tuple[str, bytes]]) -> bytes:
    """The files (name, content) in one zip, in order; PDFs barely compress, the zip is for one download."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files:
            archive.writestr(name, content)
    return buffer.getvalue()
