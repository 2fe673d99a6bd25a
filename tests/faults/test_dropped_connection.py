"""A read whose pooled connection the database server had ended is asked again; a write is not."""

from __future__ import annotations

import asyncpg
import httpx
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from seminar.app import build_routes
from seminar.middleware import DatabaseUnavailableMiddleware


def _site_whose_first_query_hits_a_dropped_connection() -> tuple[Starlette, list[str]]:
    calls: list[str] = []

    async def page(request: Request) -> Response:
        calls.append(request.method)
        if len(calls) == 1:
            # What asyncpg raises when the server ended the connection while it sat in the pool.
            raise asyncpg.ConnectionDoesNotExistError("connection was closed in the middle of operation")
        return PlainTextResponse("名单")

    app = Starlette(
        routes=[Route("/page", page, methods=["GET", "POST"]), *build_routes()],  # the 503 page links to the site
        middleware=[Middleware(DatabaseUnavailableMiddleware, default_locale="zh_Hans")],
    )
    return app, calls


async def _request(app: Starlette, method: str) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        return await client.request(method, "/page")


async def test_a_read_on_a_dropped_connection_is_answered_by_asking_again() -> None:
    app, calls = _site_whose_first_query_hits_a_dropped_connection()

    response = await _request(app, "GET")

    assert response.status_code == 200 and response.text == "名单"
    assert calls == ["GET", "GET"]


async def test_a_write_on_a_dropped_connection_is_not_sent_twice() -> None:
    app, calls = _site_whose_first_query_hits_a_dropped_connection()

    response = await _request(app, "POST")

    assert response.status_code == 503 and "暂时无法访问" in response.text
    assert response.headers["retry-after"] == "30"
    assert calls == ["POST"]
