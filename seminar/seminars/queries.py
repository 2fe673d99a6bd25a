"""Loading seminars and what their pages show."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from starlette.exceptions import HTTPException
from tortoise.functions import Count

from seminar.accounts.models import Role, Unit
from seminar.accounts.roles import ROLE_ORDER
from seminar.db import attach, instance, rows, selected
from seminar.i18n import _
from seminar.seminars.models import Seminar, Topic
from seminar.seminars.rules import key_dates


def seminar_columns(alias: str, unit_alias: str, prefix: str = "") -> str:
    """The SELECT list of a seminar (`alias`) and its organizing unit (`unit_alias`, a left join), for `seminar_in`."""
    return f"{selected(Seminar, alias, prefix)}, {selected(Unit, unit_alias, prefix + 'unit.')}"


def seminar_in(row: Any, prefix: str = "") -> Seminar | None:
    """The seminar with its organizing unit in a row selected with `seminar_columns`, None when it names none."""
    seminar = instance(Seminar, row, prefix)
    if seminar is not None:
        attach(seminar, "organizer_unit", instance(Unit, row, prefix + "unit."))
    return seminar


@functools.cache
def _seminar_sql() -> str:
    return f"""
        SELECT {seminar_columns("s", "u")} FROM seminar s LEFT JOIN unit u ON u.id = s.organizer_unit_id
        WHERE s.slug = $1"""


async def get_seminar_or_404(slug: str) -> Seminar:
    """The seminar with its organizing unit: every seminar page asks, so one hand-written query."""
    found = await rows(_seminar_sql(), [slug])
    seminar = seminar_in(found[0]) if found else None
    if seminar is None:
        raise HTTPException(status_code=404)
    return seminar


async def all_seminars() -> list[Seminar]:
    """Every seminar with its organizing unit, in no particular order (`rules.index_order` sorts them)."""
    return await Seminar.all().select_related("organizer_unit")


async def get_topic_or_404(seminar: Seminar, topic_id: int) -> Topic:
    """Only a topic of this seminar: another seminar's topic id is simply not found here."""
    topic = await Topic.get_or_none(id=topic_id, seminar_id=seminar.id)
    if topic is None:
        raise HTTPException(status_code=404)
    return topic


async def topics_of(seminar: Seminar) -> list[Topic]:
    return await Topic.filter(seminar_id=seminar.id).order_by("position", "id")


async def role_counts(seminar: Seminar) -> dict[str, int]:
    """People holding each role in the seminar (one person with two roles counts in both)."""
    rows = (
        await Role.filter(seminar_id=seminar.id)
        .annotate(count=Count("id"))
        .group_by("name")
        .values_list("name", "count")
    )
    return {str(name): int(count) for name, count in rows}


async def unit_choices() -> list[tuple[int, str]]:
    """Units an organizing unit can be chosen from, in the official order."""
    return list(await Unit.all().order_by("sort_order", "id").values_list("id", "name"))


async def manage_page(seminar: Seminar, now: dt.datetime) -> dict[str, Any]:
    """What the seminar's dashboard shows: its key dates seen from `now`, how many people hold each role, how many topics."""
    moments: list[tuple[str, dt.date | dt.datetime | None]] = [
        (_("Submission opens"), seminar.submission_opens_at),
        (_("Submission deadline"), seminar.submission_deadline),
        (_("Review deadline"), seminar.review_deadline),
        (_("Authors notified"), seminar.notification_on),
        (_("Deadline for final versions"), seminar.final_version_deadline),
        (_("Seminar begins"), seminar.starts_on),
    ]
    return {
        "seminar": seminar,
        "key_dates": key_dates(moments, now),
        "role_counts": await role_counts(seminar),
        "role_order": ROLE_ORDER,
        "topic_count": await Topic.filter(seminar_id=seminar.id).count(),
    }
