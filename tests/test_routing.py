"""The narrowing router answers every path with the route the full, ordered list would pick."""

from __future__ import annotations

import re

import pytest
from starlette.requests import Request
from starlette.routing import BaseRoute, Match, NoMatchFound, Route, Router

from seminar.app import create_app
from seminar.config import Settings
from seminar.routing import SegmentRouter, leading_segments, route_pattern
from seminar.web import url_for

SAMPLE_VALUES = {"int": "7", "path": "a/b.txt", "str": "gd-2021", "": "gd-2021"}


@pytest.fixture
def clean_database() -> None:
    """Pure: no database to empty."""


def _router() -> SegmentRouter:
    router = create_app(Settings(database_url="sqlite://:memory:", secret_key="test")).router
    assert isinstance(router, SegmentRouter)
    return router


def _sample_path(path: str) -> str:
    return re.sub(r"\{\w+(?::(\w+))?\}", lambda m: SAMPLE_VALUES[m.group(1) or ""], path)


def _first_match(routes: list[BaseRoute], path: str, method: str) -> tuple[BaseRoute | None, str]:
    """The route the router would hand the request to, and whether fully or only by path (405)."""
    scope = {"type": "http", "path": path, "root_path": "", "method": method, "headers": []}
    partial = None
    for route in routes:
        match, _child = route.matches(scope)
        if match is Match.FULL:
            return route, "full"
        if match is Match.PARTIAL and partial is None:
            partial = route
    return partial, "partial" if partial else "none"


def _paths_to_try(router: SegmentRouter) -> list[str]:
    paths = {"/", "/nowhere", "/nowhere/", "/gd-2021", "/gd-2021/", "/static", "/static/", "/a/b/c/d"}
    for route in router.routes:
        path = getattr(route, "path", None)
        if isinstance(path, str):
            sample = _sample_path(path) or "/"
            paths.update({sample, sample.rstrip("/") or "/", sample + "/", sample + "/extra"})
    return sorted(paths)


def test_every_path_reaches_the_route_the_full_list_would_pick() -> None:
    router = _router()
    paths = _paths_to_try(router)
    assert len(paths) > 3 * len(router.routes)
    for path in paths:
        for method in ("GET", "POST"):
            expected = _first_match(router.routes, path, method)
            assert _first_match(router.candidates(path), path, method) == expected, (method, path)


def test_a_slash_redirect_is_found_among_the_same_candidates() -> None:
    router = _router()
    for path in _paths_to_try(router):
        if path == "/":
            continue
        other = path.rstrip("/") if path.endswith("/") else path + "/"
        assert leading_segments(path) == leading_segments(other), path
        expected = _first_match(router.routes, other, "GET")
        assert _first_match(router.candidates(path), other, "GET") == expected, path


def test_a_seminar_file_is_looked_for_among_few_routes() -> None:
    router = _router()
    assert len(router.candidates("/gd-2021/schedule.xml")) <= 3 < len(router.routes) // 10


def test_patterns_read_literal_segments_up_to_a_path_parameter() -> None:
    class Fake:
        def __init__(self, path: str) -> None:
            self.path = path

    assert route_pattern(Fake("/manage/people")) == ("manage", "people")  # type: ignore[arg-type]
    assert route_pattern(Fake("/{slug}/agenda")) == (None, "agenda")  # type: ignore[arg-type]
    assert route_pattern(Fake("/static/{path:path}")) == ("static", None)  # type: ignore[arg-type]
    assert route_pattern(Fake("/healthz")) == ("healthz", None)  # type: ignore[arg-type]
    assert route_pattern(Fake("/")) == ("", None)  # type: ignore[arg-type]
    assert leading_segments("/a") == leading_segments("/a/") == ("a", "")


def _named_routes(router: SegmentRouter) -> list[tuple[str, dict[str, object]]]:
    """Each plain route's name with sample parameters (ints where the route converts them)."""
    named = []
    for route in router.routes:
        name, path = getattr(route, "name", None), getattr(route, "path", None)
        if isinstance(name, str) and isinstance(path, str) and isinstance(route, Route):
            params: dict[str, object] = {
                param: 7 if kind == "int" else SAMPLE_VALUES[kind or ""]
                for param, kind in re.findall(r"\{(\w+)(?::(\w+))?\}", path)
            }
            named.append((name, params))
    return named


def test_addresses_are_starlettes_and_stay_so_when_kept() -> None:
    router = _router()
    plain = Router(router.routes)
    named = _named_routes(router)
    assert len(named) > 100

    for _again in range(2):  # the second time from what the router kept
        for name, params in named:
            assert router.url_path_for(name, **params) == plain.url_path_for(name, **params), name
    assert router.url_path_for("static", path="site.css") == plain.url_path_for("static", path="site.css")
    with pytest.raises(NoMatchFound):
        router.url_path_for("no-such-route")


def test_a_page_link_is_starlettes_absolute_address() -> None:
    app = create_app(Settings(database_url="sqlite://:memory:", secret_key="test"))
    requests = [("http", [(b"host", b"127.0.0.1:8000")], ("127.0.0.1", 8000), ""),
                ("https", [(b"host", b"seminar.example.org")], ("127.0.0.1", 8000), "/site"),
                ("http", [], ("10.0.0.1", 8080), ""),  # no Host header: the server's address
                ("http", [], ("10.0.0.2", 80), "/site")]
    for _again in range(2):  # the second time with each request's base as kept from the first
        for scheme, headers, server, root_path in requests:
            scope = {
                "type": "http", "scheme": scheme, "path": "/", "root_path": root_path, "query_string": b"",
                "headers": headers, "app": app, "router": app.router, "server": server,
            }
            request = Request(scope)

            for name, params in [("accounts:login", {}), ("reviews:mine", {"slug": "gd-2021"}),
                                 ("reviews:review", {"slug": "gd-2021", "number": 3}), ("static", {"path": "site.css"})]:
                expected = Request(dict(scope)).url_for(name, **params)
                assert str(url_for(request, name, **params)) == str(expected)
                assert url_for(request, name, **params).path == expected.path
