"""A router that tries only the routes that could match the request's first two path segments.

Starlette's router tries every route in order, and the seminar's own pages (`/{slug}/…`) come
last because they hold the catch-alls: a request for `/{slug}/schedule.xml` ran over a hundred
regular expressions before reaching its own. A route whose first segments are plain text
(`/manage/…`, `/{slug}/agenda`) can only match paths with those segments, so each pair of first
segments gets the routes that could match it, in their original order. Which route answers,
405s and slash redirects included, is what the full list would give: a trailing slash added or
removed changes no segment before the last, and `tests/test_routing.py` checks every route.

Addresses are made the same way: Starlette's `url_path_for` asks every route in turn (an exception
from each that has another name), which a page with thirty links did for each link; here it asks
only the routes of that name and those that may hold it (mounts), in the router's order, and keeps
the address it found for those parameters (the routes are fixed once the app serves).
"""

from __future__ import annotations

from typing import Any

from starlette._utils import get_route_path
from starlette.datastructures import URLPath
from starlette.routing import BaseRoute, NoMatchFound, Route, Router, WebSocketRoute
from starlette.types import Receive, Scope, Send

from seminar.operations.logs import note_routed

DEPTH = 2
# Addresses kept by `SegmentRouter.url_path_for`: a page's links for its papers, people, builds…
PATHS_KEPT = 8192
KEPT_TYPES = (str, int)
ANY = None  # a parameter there, or the route ends before: any segment may come


def leading_segments(path: str) -> tuple[str, ...]:
    """The first DEPTH segments of a path, "" for those it lacks (`/a` and `/a/` both give ("a", ""))."""
    parts = path.lstrip("/").split("/", DEPTH)[:DEPTH]
    return tuple(parts) + ("",) * (DEPTH - len(parts))


def route_pattern(route: BaseRoute) -> tuple[str | None, ...]:
    """Per leading segment, the text a path must have there to match the route, or ANY."""
    path = getattr(route, "path", None)
    if not isinstance(path, str) or not path.startswith("/"):
        return (ANY,) * DEPTH  # a Host route, or anything without a path
    pattern: list[str | None] = []
    for segment in path.lstrip("/").split("/")[:DEPTH]:
        if ":path}" in segment:
            break  # the parameter may span segments: nothing after it is known
        pattern.append(ANY if "{" in segment else segment)
    return tuple(pattern) + (ANY,) * (DEPTH - len(pattern))


def could_match(pattern: tuple[str | None, ...], segments: tuple[str, ...]) -> bool:
    return all(wanted is ANY or wanted == given for wanted, given in zip(pattern, segments))


class SegmentRouter(Router):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._narrowed: dict[tuple[str | None, ...], Router] = {}
        self._known: tuple[frozenset[str], ...] | None = None  # per position, the texts routes ask for
        self._named: dict[str, list[BaseRoute]] = {}
        self._paths: dict[tuple[str, tuple[tuple[str, type, Any], ...]], URLPath] = {}

    def candidates(self, path: str) -> list[BaseRoute]:
        """The routes that could match `path`, in the router's order."""
        segments = leading_segments(path)
        return [route for route in self.routes if could_match(route_pattern(route), segments)]

    def _router_for(self, path: str) -> Router:
        if self._known is None:  # the routes are fixed once the app serves
            patterns = [route_pattern(route) for route in self.routes]
            self._known = tuple(
                frozenset(text for p in patterns if (text := p[i]) is not None) for i in range(DEPTH)  # ANY is None
            )
        segments = leading_segments(path)
        key = tuple(s if s in known else ANY for s, known in zip(segments, self._known))
        router = self._narrowed.get(key)
        if router is None:
            router = Router(self.candidates(path), redirect_slashes=self.redirect_slashes, default=self.default)
            self._narrowed[key] = router
        return router

    def url_path_for(self, name: str, /, **path_params: Any) -> URLPath:
        if not all(type(value) in KEPT_TYPES for value in path_params.values()):  # a model, say: afresh each time
            return self._url_path_for(name, path_params)
        # The type is part of the key: a route may turn 1 and "1" into different addresses.
        key = (name, tuple((param, type(value), value) for param, value in sorted(path_params.items())))
        if (found := self._paths.get(key)) is not None:
            return found
        if len(self._paths) >= PATHS_KEPT:  # start over rather than grow
            self._paths.clear()
        found = self._paths[key] = self._url_path_for(name, path_params)
        return found

    def _url_path_for(self, name: str, path_params: dict[str, Any]) -> URLPath:
        named = self._named.get(name)
        if named is None:  # a route's own name, or a mount's, which may name one of its routes
            named = self._named[name] = [
                route for route in self.routes if not isinstance(route, Route | WebSocketRoute) or route.name == name
            ]
        for route in named:
            try:
                return route.url_path_for(name, **path_params)
            except NoMatchFound:
                pass
        raise NoMatchFound(name, path_params)

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await super().app(scope, receive, send)
            return
        scope.setdefault("router", self)
        note_routed(scope)
        await self._router_for(get_route_path(scope)).app(scope, receive, send)
