"""QR codes as inline SVG, drawn on the server (no script, nothing from elsewhere: CSP allows only self)."""

from __future__ import annotations

import segno
from markupsafe import Markup


def qr_svg(data: str, title: str) -> Markup:
    """An <svg> with a viewBox (the page's CSS sets its size), dark modules on white so it scans in any theme."""
    code = segno.make(data, error="m")
    return Markup(code.svg_inline(scale=1, omitsize=True, dark="#000", light="#fff", title=title, svgclass="qr"))
