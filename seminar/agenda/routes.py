"""The public agenda and its files, and a signed-in person's own agenda; the editor is in editor_routes.py.

Only the latest release is shown, never the draft; the page and each file come from a cache
keyed by the release (`published_files`), with a strong ETag answered by 304. The page and the
calendar and frab files link papers to their public pages only while the proceedings are
public, so whether they are is part of their cache key.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from seminar.agenda import editor_routes, paper_routes
from seminar import i18n
from seminar.agenda.labels import kind_label
from seminar.agenda.published import ACCOUNT, FLASHES, CachedFile, latest_head, mark_shareable, names, with_parts
from seminar.agenda.published_files import (
    FILES,
    file_name,
    person_calendar,
    person_token,
    published_file,
    token_owner,
)
from seminar.agenda.queries import my_agenda_of, release_head
from seminar.files import bytes_response
from seminar.web import absolute_url, actor, pop_flashes, render, render_part, seminar_page, signed_in_user


def _send(request: Request, entry: CachedFile, filename: str, *, inline: bool = True, public: bool = True) -> Response:
    headers = {
        "Cache-Control": "public, no-cache" if public else "private, no-cache",
        # The answer depends on the session cookie; SessionMiddleware says so itself once it has read the session.
        "Vary": "Accept-Language" if getattr(request.session, "accessed", False) else "Accept-Language, Cookie",
    }
    return bytes_response(
        request, entry.content, entry.media_type, filename=filename, inline=inline, etag=entry.etag, headers=headers
    )


async def _not_published(request: Request) -> Response:
    seminar = await seminar_page(request, sign_in=False)
    return render(request, "agenda/none.html", {"seminar": seminar}, status_code=404)


def _published(kind: str) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        slug = request.path_params["slug"]
        if (chosen := request.query_params.get("lang")) in i18n.LOCALES:  # the page's language links
            i18n.set_locale(chosen)
        head = await latest_head(slug, release_head)
        if head is None:
            return await _not_published(request)
        entry = await published_file(request, kind, head)
        signed_in = actor(request).is_authenticated
        # The page is a page like any other: a visitor's flash message (e.g. "logged out") shows here once.
        flashes = pop_flashes(request) if kind == "page" else []
        personal = kind == "page" and (signed_in or bool(flashes))
        if personal:
            parts = {FLASHES: render_part(request, "_flashes.html", {"flashes": flashes})}
            if signed_in:
                parts[ACCOUNT] = render_part(request, "_account_nav.html")
            entry = with_parts(entry, parts)
        elif not signed_in:
            mark_shareable(request.scope, slug, head, release_head)
        return _send(
            request, entry, file_name(kind, slug, head.number), inline=FILES[kind].inline, public=not personal
        )

    endpoint.__name__ = f"published_{kind}"
    return endpoint


async def person_ics(request: Request) -> Response:
    """A speaker's own calendar at a secret address a calendar app can subscribe to (no login)."""
    slug = request.path_params["slug"]
    head = await latest_head(slug, release_head)
    if head is None:
        return await _not_published(request)
    user = await token_owner(request.app.state.settings.secret_key, head.seminar_id, request.path_params["token"])
    if user is None:
        raise HTTPException(status_code=404)
    entry = await person_calendar(request, head, user)
    return _send(request, entry, f"{slug}-my-agenda.ics", public=False)


async def my_agenda(request: Request) -> Response:
    seminar = await seminar_page(request)
    user = signed_in_user(request)
    mine = await my_agenda_of(seminar, user)
    if mine is None:
        return render(request, "agenda/none.html", {"seminar": seminar}, status_code=404)
    token = person_token(request.app.state.settings.secret_key, seminar.id, user.id)
    url = absolute_url(request, "agenda:person_ics", slug=seminar.slug, token=token)
    return render(
        request,
        "agenda/my.html",
        {
            "seminar": seminar, "release": mine.release, "mine": mine.mine, "chaired": mine.chaired, "ics_url": url,
            "webcal_url": "webcal://" + url.split("://", 1)[1], "kind_label": kind_label, "names": names,
        },
    )


routes: list[BaseRoute] = [
    *editor_routes.routes,
    *paper_routes.routes,
    *(Route(f"/{{slug}}/{entry.path}", _published(kind), name=entry.route) for kind, entry in FILES.items()),
    Route("/{slug}/agenda/my", my_agenda, name="agenda:my"),
    Route("/{slug}/agenda/person/{token}.ics", person_ics, name="agenda:person_ics"),
]
