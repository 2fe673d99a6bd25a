"""An unknown seminar answers 404 on every seminar route, to everyone: no login page first.

The routes are read from the app's router, so a new `/{slug}/…` route is checked as soon as it exists.
"""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.routing import Route

from tests.conftest import Client
from tests.factories import make_organizer, make_seminar, make_user

UNKNOWN = "no-such-seminar"
# A value for each kind of path parameter besides the slug; what it names does not matter, the seminar is not there.
SAMPLES: dict[str, object] = {"integer": 1, "string": "x", "path": "x"}


def seminar_requests(app: Starlette) -> list[tuple[str, str]]:
    """(method, path) of every route under /{slug}/, its parameters filled, the slug naming no seminar."""
    found: list[tuple[str, str]] = []
    for route in app.routes:
        if not isinstance(route, Route) or not route.path.startswith("/{slug}"):
            continue
        params = {name: SAMPLES[type(convertor).__name__.removesuffix("Convertor").lower()]
                  for name, convertor in route.param_convertors.items() if name != "slug"}
        path = route.url_path_for(route.name, slug=UNKNOWN, **params)
        found.extend((method, str(path)) for method in sorted((route.methods or {"GET"}) - {"HEAD"}))
    return found


async def answers(client: Client, requests: list[tuple[str, str]]) -> dict[str, int]:
    answered = {}
    for method, path in requests:
        if method == "POST":
            response = await client.post_form(path)
        else:
            response = await client.request(method, path)
        answered[f"{method} {path}"] = response.status_code
    return answered


def test_there_are_seminar_routes_to_walk(app: Starlette) -> None:
    requests = seminar_requests(app)

    assert len(requests) > 50
    assert ("GET", f"/{UNKNOWN}/reviews/") in requests and ("POST", f"/{UNKNOWN}/papers/new") in requests


@pytest.mark.parametrize("who", ["anonymous", "signed in", "organizer elsewhere", "admin"])
async def test_an_unknown_seminar_is_not_found_on_every_seminar_route(app: Starlette, client: Client, who: str) -> None:
    if who == "signed in":
        await make_user(email="someone@example.org")
        await client.login("someone@example.org")
    elif who == "organizer elsewhere":
        await make_organizer(await make_seminar())
        await client.login("organizer@example.org")
    elif who == "admin":
        await make_user(email="admin@example.org", is_admin=True)
        await client.login("admin@example.org")

    answered = await answers(client, seminar_requests(app))

    assert {request: status for request, status in answered.items() if status != 404} == {}
