"""File responses: the download's name, its ETag answered by 304, and byte ranges.

Every download goes through here so that a Chinese file name arrives intact (RFC 6266 with an
RFC 5987 `filename*`, and an ASCII `filename` for clients that read only that), and so that
`If-None-Match` is read one way everywhere (weak comparison, `*`, lists, as RFC 9110 says).
Ranges (206, 416, `If-Range`) come from Starlette's `FileResponse`: a file served from disk
gets them, bytes held in memory do not need them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import FileResponse, Response

# An entity tag in an If-None-Match list: optionally weak, then a quoted string (which may hold commas).
_ENTITY_TAG = re.compile(r'\s*(?:W/)?("[^"]*")\s*(?:,|$)')


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """`attachment` (or `inline`) with an ASCII fallback name and the real name RFC 5987-encoded.

    The fallback keeps printable ASCII except `"` and `\\`; every other character, CR and LF
    among them, becomes `_`, so a name can never end the header or start another.
    """
    kind = "inline" if inline else "attachment"
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in filename)
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Whether an If-None-Match header names this entity: `*`, or a tag equal to it by the weak
    comparison (`W/"x"` matches `"x"`). A header that cannot be read matches nothing."""
    if not if_none_match or not if_none_match.strip():
        return False
    if if_none_match.strip() == "*":
        return True
    wanted = etag.removeprefix("W/")
    position, tags = 0, []
    while position < len(if_none_match):
        found = _ENTITY_TAG.match(if_none_match, position)
        if found is None or found.end() == position:
            return False
        tags.append(found.group(1))
        position = found.end()
    return wanted in tags


def not_modified(request: Request, etag: str, headers: Mapping[str, str] | None = None) -> Response | None:
    """A 304 (with the ETag and these headers) if the client already has this entity, else None."""
    if not etag_matches(request.headers.get("if-none-match"), etag):
        return None
    return Response(status_code=304, headers={**(headers or {}), "ETag": etag})


def bytes_response(
    request: Request,
    content: bytes,
    media_type: str,
    *,
    filename: str = "",
    inline: bool = False,
    etag: str = "",
    headers: Mapping[str, str] | None = None,
) -> Response:
    """Bytes held in memory as a file: named if `filename`, answered by 304 if `etag` matches."""
    sent = dict(headers or {})
    if filename:
        sent["Content-Disposition"] = content_disposition(filename, inline=inline)
    if etag:
        if (unchanged := not_modified(request, etag, sent)) is not None:
            return unchanged
        sent["ETag"] = etag
    return Response(content, media_type=media_type, headers=sent)


# How much of a file is read at a time while it is sent.
FILE_CHUNK_BYTES = 1024 * 1024


def file_response(
    path: Path,
    media_type: str,
    *,
    filename: str,
    inline: bool = False,
    etag: str = "",
    headers: Mapping[str, str] | None = None,
) -> Response:
    """A file on disk, with byte ranges. Ask `not_modified` first, before the file is made."""
    sent = {**(headers or {}), "Content-Disposition": content_disposition(filename, inline=inline)}
    if etag:
        sent["ETag"] = etag  # Starlette's own would be from the file's time and size; If-Range compares ours
    response = FileResponse(path, media_type=media_type, headers=sent)
    # Each chunk is read in a worker thread and handed back: Starlette's 64 KiB made a book of a few
    # megabytes dozens of round trips between threads per download.
    response.chunk_size = FILE_CHUNK_BYTES
    return response
