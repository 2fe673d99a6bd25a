"""Which days and sessions a seminar checks people in for, and until when a badge checks anyone in.

Plain data in and out, but `now()`, which tests replace.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

# A badge checks people in until this many days after the seminar's last day (a late 签到 typed in
# the day after); after that its token is expired.
MARGIN_DAYS = 2


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def local_today(time_zone: str) -> dt.date:
    return now().astimezone(ZoneInfo(time_zone)).date()


def seminar_days(starts_on: dt.date, ends_on: dt.date, agenda_days: list[str] | None = None) -> list[dt.date]:
    """The agenda's days when the organizers set them (a 报到 day before the first session included), else every
    day from the first to the last."""
    if agenda_days:
        days = sorted({dt.date.fromisoformat(day) for day in agenda_days})
        if days:
            return days
    count = max((ends_on - starts_on).days, 0) + 1
    return [starts_on + dt.timedelta(days=offset) for offset in range(count)]


def default_day(days: list[dt.date], today: dt.date) -> dt.date:
    """Today if it is one of the days; before the seminar its first day, after it its last."""
    if today in days:
        return today
    upcoming = [day for day in days if day >= today]
    return upcoming[0] if upcoming else days[-1]


def closes_at(ends_on: dt.date, time_zone: str) -> dt.datetime:
    """The moment a seminar's badges stop checking anyone in: midnight after its last day plus the margin."""
    return dt.datetime.combine(ends_on + dt.timedelta(days=MARGIN_DAYS + 1), dt.time(0), ZoneInfo(time_zone))


def is_expired(ends_on: dt.date, time_zone: str, moment: dt.datetime) -> bool:
    return moment >= closes_at(ends_on, time_zone)


@dataclass(frozen=True)
class SessionChoice:
    """A session of the published agenda that staff may check people in for."""

    key: str
    title: str
    day: dt.date
    start: str  # "09:00", local
    room: str
