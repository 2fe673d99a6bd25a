"""The list of seminars and each seminar's public landing page."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from seminar.seminars.models import Seminar
from seminar.seminars.queries import get_seminar_or_404, topics_of
from seminar.web import render


async def index(request: Request) -> Response:
    seminars = await Seminar.all().select_related("organizer_unit")
    return render(request, "seminars/index.html", {"seminars": seminars})


async def landing(request: Request) -> Response:
    seminar = await get_seminar_or_404(request.path_params["slug"])
    return render(
        request, "seminars/landing.html", {"seminar": seminar, "topics": await topics_of(seminar)}
    )


routes: list[BaseRoute] = [
    Route("/", index, name="seminars:index"),
    Route("/{slug}/", landing, name="seminars:landing"),
]
