"""The organizers' printed sheets for the day: 参会证 (badges with a check-in QR code) and 桌签 (table cards)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from seminar.certificates import badges, queries
from seminar.certificates.document import render_sheets_async
from seminar.files import bytes_response
from seminar.permissions import can_print_badges
from seminar.web import seminar_page

PDF = "application/pdf"


async def badge_sheets(request: Request) -> Response:
    seminar = await seminar_page(request, can_print_badges)
    settings = request.app.state.settings
    people = await queries.badge_people(seminar, settings.secret_key, settings.base_url)
    pages = badges.sheets(people)
    pdf = await render_sheets_async("badges.html", "badges.css", {**badges.title_context(seminar.title), "sheets": pages},
                                    len(pages))
    return bytes_response(request, pdf, PDF, filename=f"{seminar.title}-参会证.pdf")


async def table_cards(request: Request) -> Response:
    seminar = await seminar_page(request, can_print_badges)
    settings = request.app.state.settings
    people = await queries.badge_people(seminar, settings.secret_key, settings.base_url)
    cards = badges.table_cards(people)
    pdf = await render_sheets_async("table_cards.html", "table_cards.css", {**badges.title_context(seminar.title), "cards": cards},
                                    len(cards))
    return bytes_response(request, pdf, PDF, filename=f"{seminar.title}-桌签.pdf")


routes: list[BaseRoute] = [
    Route("/{slug}/manage/badges.pdf", badge_sheets, name="certificates:badges"),
    Route("/{slug}/manage/table-cards.pdf", table_cards, name="certificates:table_cards"),
]
