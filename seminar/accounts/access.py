"""What the web layer of this area needs before any action: who is asking, which seminar, mail links."""

from __future__ import annotations

from starlette.requests import Request

from seminar.accounts.actions import Links
from seminar.permissions import can_manage_people, has_seminar_role
from seminar.seminars.models import Seminar
from seminar.web import seminar_page


def mail_links(request: Request) -> Links:
    settings = request.app.state.settings
    return Links(settings.base_url, lambda name, **params: str(request.app.url_path_for(name, **params)))


async def people_seminar(request: Request) -> Seminar:
    """The seminar whose people the organizer manages: 404 to outsiders, 403 to its other members."""
    return await seminar_page(request, can_manage_people, hidden_unless=has_seminar_role)
