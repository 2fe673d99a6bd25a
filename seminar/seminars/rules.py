"""Pure rules about seminars: slugs, the order of dates, local times, topic order, the index order.

No ORM, no HTTP: plain values in, plain values (or translated messages) out.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar
from zoneinfo import ZoneInfo

from seminar.i18n import _
from seminar.seminars.defaults import RESERVED_SLUGS

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX_LENGTH = 50


def slug_problem(slug: str) -> str | None:
    """Why `slug` cannot name a seminar's address, or None if it can (uniqueness is checked elsewhere)."""
    if not slug:
        return _("Please enter a short name for the address.")
    if len(slug) > SLUG_MAX_LENGTH:
        return _("The short name may have at most %(count)s characters.", count=SLUG_MAX_LENGTH)
    if not SLUG_PATTERN.match(slug):
        return _(
            "Use only lowercase letters, digits and single hyphens between them, for example gd-2026."
        )
    if slug in RESERVED_SLUGS:
        return _("“%(slug)s” is used by the site itself; please choose another short name.", slug=slug)
    return None


@dataclass(frozen=True)
class Schedule:
    starts_on: dt.date
    ends_on: dt.date
    submission_opens_at: dt.datetime | None
    submission_deadline: dt.datetime | None
    review_deadline: dt.datetime | None


def schedule_problems(schedule: Schedule) -> dict[str, str]:
    """Field name → message for every date out of order. Dates left empty are not compared."""
    problems: dict[str, str] = {}
    if schedule.ends_on < schedule.starts_on:
        problems["ends_on"] = _("The seminar cannot end before it starts.")
    opens, deadline, review = (
        schedule.submission_opens_at,
        schedule.submission_deadline,
        schedule.review_deadline,
    )
    if opens is not None and deadline is not None and not opens < deadline:
        problems["submission_deadline"] = _("The submission deadline must come after submission opens.")
    if review is not None:
        earlier = deadline or opens
        if earlier is not None and review < earlier:
            problems["review_deadline"] = _(
                "The review deadline cannot come before the submission deadline."
            )
    return problems


def to_aware(local: dt.datetime | None, zone: str) -> dt.datetime | None:
    """A wall-clock time typed in a form (naive), read in the seminar's zone."""
    if local is None:
        return None
    return local.replace(tzinfo=ZoneInfo(zone))


def to_local(moment: dt.datetime | None, zone: str) -> dt.datetime | None:
    """The wall-clock time in the seminar's zone, naive, as a datetime-local input shows it."""
    if moment is None:
        return None
    return moment.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def is_valid_zone(zone: str) -> bool:
    try:
        ZoneInfo(zone)
    except (ValueError, KeyError):  # ZoneInfoNotFoundError is a KeyError
        return False
    return True


def moved(ids: Sequence[int], moving: int, offset: int) -> list[int]:
    """`ids` in their new order after `moving` goes `offset` places (−1 up, +1 down), clamped at the ends."""
    order = list(ids)
    index = order.index(moving)
    target = max(0, min(len(order) - 1, index + offset))
    order.insert(target, order.pop(index))
    return order


def days_until(moment: dt.date | dt.datetime, now: dt.datetime) -> int:
    """Whole calendar days from `now` to `moment` in `now`'s zone (negative once past)."""
    if isinstance(moment, dt.datetime):
        day = moment.astimezone(now.tzinfo).date()
    else:
        day = moment
    return (day - now.date()).days


def countdown(moment: dt.date | dt.datetime, now: dt.datetime) -> str:
    days = days_until(moment, now)
    if days == 0:
        return _("today")
    if days > 0:
        return _("in %(days)s days", days=days) if days != 1 else _("tomorrow")
    return _("%(days)s days ago", days=-days) if days != -1 else _("yesterday")


@dataclass(frozen=True)
class KeyDate:
    label: str
    moment: dt.date | dt.datetime
    countdown: str
    past: bool


def key_dates(moments: Sequence[tuple[str, dt.date | dt.datetime | None]], now: dt.datetime) -> list[KeyDate]:
    """The moments that are set, in the order given, each with how far it is from `now` and whether it has passed."""
    return [
        KeyDate(label, moment, countdown(moment, now), days_until(moment, now) < 0)
        for label, moment in moments
        if moment is not None
    ]


class Dated(Protocol):
    starts_on: dt.date
    ends_on: dt.date


T = TypeVar("T", bound=Dated)


def index_order(seminars: Sequence[T], today: dt.date) -> list[T]:
    """Upcoming and running seminars first, soonest first; then past ones, most recent first."""
    upcoming = sorted((s for s in seminars if s.ends_on >= today), key=lambda s: s.starts_on)
    past = sorted((s for s in seminars if s.ends_on < today), key=lambda s: s.starts_on, reverse=True)
    return upcoming + past
