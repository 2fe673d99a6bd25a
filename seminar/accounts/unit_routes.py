"""The site administrators' units page: the 单位 in their official order, added to and corrected.

`seminar units` writes the built-in list (the 21 cities, zones, departments, institutions); an
office adds what the list lacks (a new zone, a department's renamed office) and sets the 全称 its
covers and certificates print. Edited units are left alone by later runs of the command.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from seminar.accounts import actions, queries
from seminar.accounts.forms import UNIT_KIND_LABELS, UnitForm
from seminar.accounts.units import UnitKind
from seminar.errors import UserError
from seminar.forms import bind, show_error
from seminar.i18n import _
from seminar.permissions import can_administer_site, require
from seminar.web import actor, flash, redirect, render, signed_in_user

if TYPE_CHECKING:
    from seminar.accounts.models import Unit


def _require_admin(request: Request) -> None:
    signed_in_user(request)
    require(can_administer_site(actor(request)))


async def units(request: Request) -> Response:
    _require_admin(request)
    found = await queries.units_page()
    names = {unit.id: unit.name for unit in found}
    return render(request, "accounts/units.html", {"units": found, "parents": names, "kinds": UNIT_KIND_LABELS})


async def _unit_form(request: Request, unit: Unit | None) -> Response:
    unit_form = await bind(UnitForm, request, obj=unit)
    if unit is not None and request.method == "GET":
        unit_form.parent.data = unit.parent_id
    unit_form.set_choices(await queries.units_in_order(), unit)
    if request.method == "POST" and unit_form.validate():
        fields = actions.UnitFields(
            name=unit_form.name.data, name_hant=unit_form.name_hant.data, full_name=unit_form.full_name.data,
            kind=UnitKind(unit_form.kind.data), sort_order=int(unit_form.sort_order.data or 0),
            parent_id=unit_form.parent.data, pinyin=unit_form.pinyin.data,
        )
        try:
            saved = await actions.save_unit(unit, fields)
        except UserError as error:
            show_error(unit_form, error)
        else:
            flash(request, _("Unit “%(name)s” saved.", name=saved.name))
            return redirect(request, "accounts:units")
    return render(request, "accounts/unit_form.html", {"unit": unit, "form": unit_form},
                  status_code=400 if request.method == "POST" else 200)


async def unit_new(request: Request) -> Response:
    _require_admin(request)
    return await _unit_form(request, None)


async def unit_edit(request: Request) -> Response:
    _require_admin(request)
    return await _unit_form(request, await queries.unit_or_404(request.path_params["unit_id"]))


routes: list[BaseRoute] = [
    Route("/manage/units", units, name="accounts:units"),
    Route("/manage/units/new", unit_new, methods=["GET", "POST"], name="accounts:unit_new"),
    Route("/manage/units/{unit_id:int}", unit_edit, methods=["GET", "POST"], name="accounts:unit_edit"),
]
