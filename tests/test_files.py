"""File responses: a Chinese name survives with an ASCII fallback, a name cannot break the header,
If-None-Match is read by the weak comparison, a file on disk is served in ranges."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from seminar.files import bytes_response, content_disposition, etag_matches, file_response, not_modified


def _header_filename(header: str) -> str:
    """The name an RFC 6266 client reads: `filename*` (charset'language'percent-encoded) wins."""
    charset, _language, encoded = header.split("filename*=", 1)[1].split("'", 2)
    return unquote(encoded, encoding=charset)


def test_a_chinese_name_is_encoded_by_rfc_5987_with_an_ascii_fallback() -> None:
    header = content_disposition("广州市-论文清单 v2.xlsx")

    assert header == (
        "attachment; filename=\"___-____ v2.xlsx\"; "
        "filename*=UTF-8''%E5%B9%BF%E5%B7%9E%E5%B8%82-%E8%AE%BA%E6%96%87%E6%B8%85%E5%8D%95%20v2.xlsx"
    )
    assert _header_filename(header) == "广州市-论文清单 v2.xlsx"


def test_inline_files_say_so() -> None:
    assert content_disposition("议程.pdf", inline=True).startswith('inline; filename="__.pdf"; ')


@pytest.mark.parametrize(
    "name", ['say "hi".docx', "a\\b.docx", "line\r\nSet-Cookie: x=1.docx", "tab\there.docx", "semi;colon=1.docx"]
)
def test_quotes_backslashes_and_line_breaks_cannot_end_the_header(name: str) -> None:
    header = content_disposition(name)
    fallback = header.split('filename="', 1)[1].split('"', 1)[0]

    assert header.isascii() and header.isprintable()  # no CR, LF or tab: one header, one line
    assert header.count('"') == 2 and "\\" not in header
    assert _header_filename(header) == name
    assert len(fallback) == len(name)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, False),
        ("", False),
        ('"abc"', True),
        ('W/"abc"', True),  # If-None-Match compares weakly
        ('"abd"', False),
        ('"ab"', False),
        ("abc", False),  # not a quoted tag
        ("*", True),
        (" * ", True),
        ('"x", "abc"', True),
        ('"x",W/"abc" ,"y"', True),
        ('"x", "y"', False),
        ('"a,bc", "x"', False),  # a comma inside a tag is part of it
        ('"abc" junk', False),
    ],
)
def test_if_none_match(header: str | None, expected: bool) -> None:
    assert etag_matches(header, '"abc"') is expected


def test_a_weak_etag_of_ours_matches_its_strong_form_too() -> None:
    assert etag_matches('"abc"', 'W/"abc"') and etag_matches('W/"abc"', 'W/"abc"')


def test_a_tag_with_a_comma_inside_matches_as_a_whole() -> None:
    assert etag_matches('"x", "a,bc"', '"a,bc"')


def _request(**headers: str) -> Request:
    return Request({"type": "http", "method": "GET", "headers": [(k.encode(), v.encode()) for k, v in headers.items()]})


def test_bytes_answer_304_with_their_headers_when_the_client_has_them() -> None:
    cached = {"Cache-Control": "public, no-cache"}

    fresh = bytes_response(_request(), b"BEGIN", "text/calendar", filename="议程.ics", etag='"e1"', headers=cached)
    again = bytes_response(
        _request(**{"if-none-match": '"e1"'}), b"BEGIN", "text/calendar", filename="议程.ics", etag='"e1"', headers=cached
    )

    assert (fresh.status_code, fresh.body, fresh.headers["etag"]) == (200, b"BEGIN", '"e1"')
    assert (again.status_code, again.body, again.headers["etag"]) == (304, b"", '"e1"')
    assert again.headers["cache-control"] == fresh.headers["cache-control"] == "public, no-cache"
    assert not_modified(_request(**{"if-none-match": '"e2"'}), '"e1"') is None


async def test_a_file_on_disk_is_served_in_ranges_with_our_etag_and_name(tmp_path: Path) -> None:
    path = tmp_path / "book.pdf"
    path.write_bytes(bytes(range(256)) * 4)

    async def endpoint(request: Request) -> Response:
        return file_response(path, "application/pdf", filename="论文集.pdf", inline=True, etag='"book"')

    app = Starlette(routes=[Route("/book.pdf", endpoint)])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        whole = await client.get("/book.pdf")
        part = await client.get("/book.pdf", headers={"Range": "bytes=10-19"})
        past_the_end = await client.get("/book.pdf", headers={"Range": "bytes=5000-"})
        same = await client.get("/book.pdf", headers={"Range": "bytes=0-3", "If-Range": '"book"'})
        changed = await client.get("/book.pdf", headers={"Range": "bytes=0-3", "If-Range": '"older"'})

    assert (whole.status_code, whole.content, whole.headers["etag"]) == (200, path.read_bytes(), '"book"')
    assert whole.headers["content-disposition"] == "inline; filename=\"___.pdf\"; filename*=UTF-8''" + (
        "%E8%AE%BA%E6%96%87%E9%9B%86.pdf"
    )
    assert whole.headers["accept-ranges"] == "bytes"
    assert (part.status_code, part.content) == (206, bytes(range(10, 20)))
    assert past_the_end.status_code == 416
    assert (same.status_code, same.content) == (206, bytes(range(4)))
    assert (changed.status_code, len(changed.content)) == (200, 1024)
