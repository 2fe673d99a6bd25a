"""The account's "API tokens" page: make a named read-only token for one seminar, see them with their last use, revoke."""

from __future__ import annotations

import datetime as dt

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from seminar import i18n
from seminar.api import actions, queries
from seminar.api.forms import TokenForm
from seminar.errors import UserError
from seminar.forms import SelectChoice, bind
from seminar.i18n import _
from seminar.permissions import can_make_api_token
from seminar.seminars.models import Seminar
from seminar.web import actor, flash, redirect, render, signed_in_user


async def _seminars_for(request: Request) -> list[Seminar]:
    """The seminars this person may make a token for, newest first."""
    who = actor(request)
    query = Seminar.all() if who.is_admin else Seminar.filter(id__in=list(who.roles))
    return [seminar for seminar in await query.order_by("-starts_on", "-id") if can_make_api_token(who, seminar)]


async def tokens(request: Request) -> Response:
    user = signed_in_user(request)
    seminars = await _seminars_for(request)
    token_form = await bind(TokenForm, request)
    token_form.seminar.choices = [SelectChoice("", _("Choose a seminar")), *(SelectChoice(s.id, s.title) for s in seminars)]
    secret = None
    status = 200
    if request.method == "POST":
        status = 400
        if token_form.validate():
            seminar = next(s for s in seminars if s.id == token_form.seminar.data)
            today = i18n.local_now().date()
            try:
                token, secret = await actions.create_token(user, seminar, token_form.name.data, token_form.expires_on.data, today)
            except UserError as error:
                (getattr(token_form, error.field).errors if error.field else token_form.form_errors).append(error.message)
            else:
                status = 200
                token_form = TokenForm()
                token_form.seminar.choices = [SelectChoice("", _("Choose a seminar")), *(SelectChoice(s.id, s.title) for s in seminars)]
    context = {"form": token_form, "tokens": await queries.tokens_of(user), "secret": secret, "has_seminars": bool(seminars),
               "now": dt.datetime.now(dt.UTC)}
    response = render(request, "accounts/api_tokens.html", context, status_code=status)
    response.headers["Cache-Control"] = "no-store"  # the secret is shown once, and must not stay in a cache
    return response


async def revoke(request: Request) -> Response:
    user = signed_in_user(request)
    token = await actions.revoke_token(user, request.path_params["token_id"], dt.datetime.now(dt.UTC))
    flash(request, _("The token “%(name)s” is revoked: it no longer works.", name=token.name))
    return redirect(request, "api:tokens")


routes: list[BaseRoute] = [
    Route("/profile/api-tokens", tokens, methods=["GET", "POST"], name="api:tokens"),
    Route("/profile/api-tokens/{token_id:int}/revoke", revoke, methods=["POST"], name="api:revoke_token"),
]
