"""What the typesetter may read: the book's own files by an allow-list, and raster images inlined as data: URIs.

A manuscript is written by a city, so everything WeasyPrint asks for while typesetting it is
treated as hostile. An SVG smuggled in as `data:image/png` would otherwise be parsed as SVG and
its `<image href="file:///…">` fetched: a local file printed in the published book, or
`/dev/zero` read until memory runs out. So the fetcher

- serves `file:` URLs only when the resolved real path (symlinks followed) is a regular file
  inside the book's own folder of static files (`static/proceedings`: its stylesheet, and any
  image or font the book's templates name);
- serves `data:` URIs only when the decoded bytes are a PNG, JPEG, GIF or WebP image by their
  signature, whatever media type the URI claims;
- refuses everything else: other local paths, special files, directories, and every network
  scheme (http, https, ftp …).

Every URL asked is logged in `requested` (data: URIs shortened), and every file actually read
in `opened`, so a build's report can show that no other local path was touched.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import stat
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from seminar.config import PROJECT_ROOT

if TYPE_CHECKING:  # imported where it is used, as it takes a while to import
    from weasyprint.urls import URLFetcher

BOOK_FILES = PROJECT_ROOT / "static" / "proceedings"
MAX_FILE_BYTES = 20 * 2**20  # the largest static file the book may read (a font is a few MB)
SUFFIXES = {
    ".css": "text/css", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
    ".webp": "image/webp", ".otf": "font/otf", ".ttf": "font/ttf", ".woff": "font/woff", ".woff2": "font/woff2",
}
_DATA = re.compile(r"data:(?P<type>[^,;]*)(?P<params>(?:;[^,;]*)*),", re.IGNORECASE)
_SHORT = 80


class RefusedURL(ValueError):
    """The typesetter asked for something outside the allow-list; WeasyPrint reports it as a broken resource."""


def raster_type(data: bytes) -> str | None:
    """The image's media type by its signature, for the four raster formats the book prints; None otherwise."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def short_url(url: str) -> str:
    """A URL as logged: a data: URI by its head and size, never its payload."""
    if url[:5].lower() == "data:":
        return f"{url[:40]}… ({len(url)} characters)" if len(url) > _SHORT else url
    return url if len(url) <= 300 else url[:300] + "…"


def decode_data_uri(url: str) -> bytes:
    match = _DATA.match(url)
    if match is None:
        raise RefusedURL("malformed data: URI")
    payload = url[match.end():]
    if ";base64" in match.group("params").lower():
        try:
            return base64.b64decode(unquote(payload), validate=False)
        except (binascii.Error, ValueError) as error:
            raise RefusedURL("data: URI with broken base64") from error
    return unquote(payload).encode("latin-1", errors="replace")


def allowed_file(url: str, roots: tuple[Path, ...]) -> Path:
    """The real path a file: URL names, if it is a regular file inside one of `roots`; RefusedURL otherwise."""
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        raise RefusedURL("file: URL naming another host")
    from urllib.request import url2pathname  # only to typeset: urllib.request costs every command's start 7 ms

    real = Path(os.path.realpath(url2pathname(parts.path)))
    if not any(real.is_relative_to(root) for root in roots):
        raise RefusedURL("local file outside the book's own files")
    if real.suffix.lower() not in SUFFIXES:
        raise RefusedURL("not a stylesheet, image or font")
    try:
        info = real.stat()
    except OSError as error:
        raise RefusedURL("no such file") from error
    if not stat.S_ISREG(info.st_mode):
        raise RefusedURL("not a regular file")
    if info.st_size > MAX_FILE_BYTES:
        raise RefusedURL("file too large")
    return real


def book_fetcher(roots: tuple[Path, ...] | None = None) -> URLFetcher:
    """A fresh fetcher for one build: its `requested` and `opened` lists are that build's log."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    allowed = tuple(Path(os.path.realpath(root)) for root in (roots or (BOOK_FILES,)))

    class BookFetcher(URLFetcher):
        def __init__(self) -> None:
            super().__init__(allowed_protocols=set(), allow_redirects=False, timeout=1)
            self.requested: list[str] = []
            self.refused: list[str] = []
            self.opened: list[str] = []

        def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
            self.requested.append(short_url(url))
            try:
                return self._serve(url)
            except RefusedURL as error:
                self.refused.append(f"{short_url(url)}: {error}")
                raise

        def _serve(self, url: str) -> URLFetcherResponse:
            scheme = url.split(":", 1)[0].lower() if ":" in url else ""
            if scheme == "data":
                data = decode_data_uri(url)
                kind = raster_type(data)
                if kind is None:
                    raise RefusedURL("data: URI that is not a PNG, JPEG, GIF or WebP image")
                return URLFetcherResponse(url, data, {"Content-Type": kind})
            if scheme == "file":
                real = allowed_file(url, allowed)
                data = real.read_bytes()
                self.opened.append(str(real))
                return URLFetcherResponse(url, data, {"Content-Type": SUFFIXES[real.suffix.lower()]})
            raise RefusedURL(f"the book fetches nothing over {scheme or 'an unknown scheme'}")

    return BookFetcher()
