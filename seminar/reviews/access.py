"""What the review pages share besides their seminar (`seminar.web.seminar_page`): mail links and the status of a form page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request

from seminar.config import Settings
from seminar.reviews.actions import MailLinks

if TYPE_CHECKING:
    from seminar.seminars.models import Seminar


def mail_links(request: Request, seminar: Seminar) -> MailLinks:
    """Links for the reviewers' mails: to their "my reviews" page."""
    settings: Settings = request.app.state.settings
    return MailLinks(settings.base_url + request.url_for("reviews:mine", slug=seminar.slug).path)


def form_status(request: Request) -> int:
    """A form page shown again after a POST is a refused form: 400."""
    return 400 if request.method == "POST" else 200
