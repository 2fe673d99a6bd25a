"""What the web layer of this area needs before any action: who is asking, which seminar, mail links."""

from __future__ import annotations

from starlette.requests import Request

from seminar.accounts.actions import Links
from seminar.permissions import can_manage_people, has_seminar_role, require
from seminar.seminars.models import Seminar
from seminar.seminars.queries import get_seminar_or_404
from seminar.web import actor, signed_in_user


def mail_links(request: Request) -> Links:
    settings = request.app.state.settings
    return Links(settings.base_url, lambda name, **params: str(request.app.url_path_for(name, **params)))


async def people_seminar(request: Request) -> Seminar:
    """The seminar whose people the organizer manages: 404 to outsiders, 403 to its other members."""
    signed_in_user(request)
    seminar = await get_seminar_or_404(request.path_params["slug"])
    current = actor(request)
    require(has_seminar_role(current, seminar), status_code=404)
    require(can_manage_people(current, seminar))
    return seminar
