"""Serving a built book: a strong ETag from its SHA-256, 304 on a match, byte ranges, a Chinese file name.

The PDF lives in the database as a blob; to serve ranges without holding the book in memory it
is copied once into `DATA_DIR/proceedings/<sha256>.pdf` (written to a temporary name, then
renamed, so no reader ever sees half a file) and sent by `seminar.files.file_response`, which
answers `Range` with 206 (or 416 for a range past the end) and honours `If-Range`.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response

from seminar.files import file_response, not_modified
from seminar.submissions.models import Blob


def etag_of(sha256: str) -> str:
    return f'"{sha256}"'


async def cached_file(sha256: str, data_dir: Path) -> Path:
    folder = data_dir / "proceedings"
    path = folder / f"{sha256}.pdf"
    if path.exists():
        return path
    blob = await Blob.get(sha256=sha256)
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, suffix=".part")
    with os.fdopen(handle, "wb") as file:
        file.write(bytes(blob.content))
    os.replace(temporary, path)
    return path


async def pdf_response(request: Request, sha256: str, filename: str, *, public: bool) -> Response:
    etag = etag_of(sha256)
    # A public book may sit in shared caches; an attendees-only book only in the reader's own.
    cache_control = "public, max-age=0, must-revalidate" if public else "private, max-age=0, must-revalidate"
    headers = {"Cache-Control": cache_control}
    if (unchanged := not_modified(request, etag, headers)) is not None:
        return unchanged
    path = await cached_file(sha256, request.app.state.settings.data_dir)
    return file_response(path, "application/pdf", filename=filename, inline=True, etag=etag, headers=headers)
