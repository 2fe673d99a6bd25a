"""The shared web plumbing: the posted form, read as Starlette reads it."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request

from seminar.web import FORM_FIELDS, clean_form, form

URLENCODED = b"application/x-www-form-urlencoded"
BODIES = [
    b"", b"a", b"a=", b"=b", b"a=1&b=2", b"a=1&&b=2", b"&a=1&", b"a&b", b"a=b=c", b"a+b=c+d", b"==", b"&", b"a==",
    b"a=%E9%80%89%E9%A2%98&b=%zz&c=%", b"a=\xe9\x80\x89&b=\xff", b"a=1;b=2", b"%61=1&a=2", b"a=%2B%26%3D", b" a = 1 ",
    b"comment_to_authors=%E2%80%AE%E9%80%89%E9%A2%98&version=3",  # a bidi override, which the form drops
    b"x=" + b"y" * (1024 * 1024),  # a field over Starlette's limit
    b"&".join([b"f=1"] * FORM_FIELDS), b"&".join([b"f=1"] * (FORM_FIELDS + 1)),  # the most fields, and one more
]


def request(body: bytes, content_type: bytes) -> Request:
    chunks = [body[:7], body[7:]]  # as a server may pass them on

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": chunks.pop(0), "more_body": bool(chunks)}

    scope = {"type": "http", "method": "POST", "path": "/", "headers": [(b"content-type", content_type)], "app": None}
    return Request(scope, receive)


async def read(reader: Any, body: bytes, content_type: bytes) -> FormData | tuple[int, str]:
    try:
        return await reader(request(body, content_type))
    except HTTPException as error:
        return error.status_code, error.detail


async def starlettes(posted: Request) -> FormData:
    return clean_form(await posted.form())


@pytest.mark.parametrize("content_type", [URLENCODED, b"Application/X-WWW-Form-URLEncoded; charset=utf-8"])
@pytest.mark.parametrize("body", BODIES, ids=range(len(BODIES)))
async def test_a_urlencoded_form_reads_as_starlette_reads_it(body: bytes, content_type: bytes) -> None:
    ours = await read(form, body, content_type)

    assert ours == await read(starlettes, body, content_type)
    if body.startswith(b"a=1&b=2"):
        assert ours == FormData([("a", "1"), ("b", "2")])


async def test_a_form_of_too_many_fields_is_refused_as_starlette_refuses_it() -> None:
    body = b"&".join([b"f=1"] * (FORM_FIELDS + 1))

    assert await read(form, body, URLENCODED) == (400, f"Too many fields. Maximum number of fields is {FORM_FIELDS}.")
