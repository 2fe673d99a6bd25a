"""Seminar pages: the public list and landing page, and the organizers' pages under /{slug}/manage/.

Who may open a manage page: the seminar's organizers and site admins. Anyone else signed in
gets 403, not 404: a seminar's existence is public (its landing page is), so refusing openly
leaks nothing. Visitors who are not signed in are sent to the login page first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from seminar import i18n
from seminar.accounts.access import mail_links
from seminar.accounts.actions import invite_again
from seminar.errors import UserError
from seminar.forms import bind, show_error
from seminar.i18n import _, ngettext
from seminar.handbook.queries import published_handbook
from seminar.permissions import (
    can_copy_seminar,
    can_create_seminar,
    can_download_handbook,
    can_manage_seminar,
    require,
)
from seminar.proceedings.queries import my_commentaries, published_build
from seminar.seminars import actions, queries
from seminar.seminars.forms import CopyForm, SeminarForm, TopicForm
from seminar.seminars.queries import get_seminar_or_404, get_topic_or_404, topics_of, unit_choices
from seminar.seminars.rules import index_order
from seminar.web import actor, flash, form, redirect, render, signed_in_user, seminar_page

if TYPE_CHECKING:
    from seminar.seminars.models import Seminar


async def _managed_seminar(request: Request) -> Seminar:
    """The seminar named in the path, which the actor must organize; times shown in its zone."""
    return await seminar_page(request, can_manage_seminar)


def _status(request: Request) -> int:
    return 400 if request.method == "POST" else 200


async def index(request: Request) -> Response:
    ordered = index_order(await queries.all_seminars(), i18n.local_now().date())
    return render(request, "seminars/index.html", {"seminars": ordered})


async def landing(request: Request) -> Response:
    seminar = await seminar_page(request, sign_in=False)
    published = await published_build(seminar, None) is not None
    # The 会议手册 lists people: asked for only where this person may download it.
    handbook = can_download_handbook(actor(request), seminar) and await published_handbook(seminar) is not None
    return render(
        request,
        "seminars/landing.html",
        {
            "seminar": seminar, "topics": await topics_of(seminar), "proceedings_published": published,
            "handbook_published": handbook,
            # The 专题点评 this person was named to write: each a button to its text.
            "my_commentaries": await my_commentaries(actor(request), seminar),
        },
    )


async def _earlier_seminar(request: Request, slug: str) -> Seminar | None:
    """The seminar a new one starts from (`?from=` or the form's copy_from): 404 unless the actor runs it."""
    if not slug:
        return None
    earlier = await get_seminar_or_404(slug)
    if not can_copy_seminar(actor(request), earlier):
        raise HTTPException(404)
    return earlier


async def create(request: Request) -> Response:
    user = signed_in_user(request)
    require(can_create_seminar(actor(request)))
    copy_form = await bind(CopyForm, request)
    if request.method == "GET":
        copy_form.copy_from.data = request.query_params.get("from", "")
    earlier = await _earlier_seminar(request, copy_form.copy_from.data or "")
    seminar_form = await bind(SeminarForm, request) if request.method == "POST" or earlier is None else SeminarForm.starting_from(earlier)
    seminar_form.set_units(await unit_choices())
    if request.method == "POST" and seminar_form.validate():
        try:
            seminar = await actions.create_seminar(seminar_form.values(), creator=user, copy_from=earlier)
        except UserError as error:
            show_error(seminar_form, error)
        else:
            if earlier is None:
                flash(request, _("Seminar created with six default topics. You are its organizer."))
                return redirect(request, "seminars:manage", slug=seminar.slug)
            invited = await invite_again(
                seminar, earlier, copy_form.roles(), user,
                request.app.state.settings, mail_links(request),
            ) if copy_form.roles() else 0
            flash(request, _("Seminar created from “%(title)s”: its topics, review form, mail wording and settings are copied. You are its organizer.", title=earlier.title)
                  + (" " + ngettext("%(num)s person is invited again.", "%(num)s people are invited again.", invited) if invited else ""))
            return redirect(request, "accounts:people" if invited else "seminars:manage", slug=seminar.slug)
    return render(request, "seminars/create.html", {"form": seminar_form, "copy_form": copy_form, "earlier": earlier},
                  status_code=_status(request))


async def settings(request: Request) -> Response:
    seminar = await _managed_seminar(request)
    posted = request.method == "POST"
    settings_form = await bind(SeminarForm, request) if posted else SeminarForm.of(seminar)
    settings_form.set_units(await unit_choices())
    status = _status(request)
    if posted and settings_form.validate():
        try:
            saved = await actions.update_seminar(seminar, settings_form.values(), opened_version=settings_form.version.data or 0)
        except UserError as error:
            show_error(settings_form, error)
            status = 409 if error.field == "version" else 400
        else:
            flash(request, _("Settings saved."))
            return redirect(request, "seminars:settings", slug=saved.slug)
    return render(request, "seminars/settings.html", {"seminar": seminar, "form": settings_form}, status_code=status)


async def manage(request: Request) -> Response:
    seminar = await _managed_seminar(request)
    return render(request, "seminars/manage.html", await queries.manage_page(seminar, i18n.local_now()))


async def topics(request: Request) -> Response:
    seminar = await _managed_seminar(request)
    topic_form = await bind(TopicForm, request)
    if request.method == "POST" and topic_form.validate():
        topic = await actions.add_topic(seminar, topic_form.title.data, topic_form.description.data or "")
        flash(request, _("Topic “%(title)s” added.", title=topic.title))
        return redirect(request, "seminars:topics", slug=seminar.slug)
    return render(
        request,
        "seminars/topics.html",
        {"seminar": seminar, "topics": await topics_of(seminar), "form": topic_form},
        status_code=_status(request),
    )


async def topic_edit(request: Request) -> Response:
    seminar = await _managed_seminar(request)
    topic = await get_topic_or_404(seminar, request.path_params["topic_id"])
    topic_form = await bind(TopicForm, request, obj=topic)
    if request.method == "POST" and topic_form.validate():
        await actions.update_topic(topic, topic_form.title.data, topic_form.description.data or "")
        flash(request, _("Topic saved."))
        return redirect(request, "seminars:topics", slug=seminar.slug)
    return render(
        request,
        "seminars/topic_edit.html",
        {"seminar": seminar, "topic": topic, "form": topic_form},
        status_code=_status(request),
    )


async def topic_move(request: Request) -> Response:
    seminar = await _managed_seminar(request)
    topic = await get_topic_or_404(seminar, request.path_params["topic_id"])
    direction = (await form(request)).get("direction")
    if direction not in ("up", "down"):
        raise HTTPException(status_code=400)
    await actions.move_topic(topic, -1 if direction == "up" else 1)
    return redirect(request, "seminars:topics", slug=seminar.slug)


async def topic_delete(request: Request) -> Response:
    seminar = await _managed_seminar(request)
    topic = await get_topic_or_404(seminar, request.path_params["topic_id"])
    if request.method == "POST":
        await actions.delete_topic(topic)
        flash(request, _("Topic “%(title)s” deleted.", title=topic.title))
        return redirect(request, "seminars:topics", slug=seminar.slug)
    return render(request, "seminars/topic_delete.html", {"seminar": seminar, "topic": topic})


routes: list[BaseRoute] = [
    Route("/", index, name="seminars:index"),
    Route("/manage/seminars/new", create, methods=["GET", "POST"], name="seminars:create"),
    Route("/{slug}/", landing, name="seminars:landing"),
    Route("/{slug}/manage/", manage, name="seminars:manage"),
    Route("/{slug}/manage/settings", settings, methods=["GET", "POST"], name="seminars:settings"),
    Route("/{slug}/manage/topics", topics, methods=["GET", "POST"], name="seminars:topics"),
    Route("/{slug}/manage/topics/{topic_id:int}", topic_edit, methods=["GET", "POST"], name="seminars:topic_edit"),
    Route("/{slug}/manage/topics/{topic_id:int}/move", topic_move, methods=["POST"], name="seminars:topic_move"),
    Route(
        "/{slug}/manage/topics/{topic_id:int}/delete",
        topic_delete,
        methods=["GET", "POST"],
        name="seminars:topic_delete",
    ),
]
