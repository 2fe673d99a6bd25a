"""Checking a person in: once per day (or session); a second time finds the first and changes nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from seminar.accounts.models import User
from seminar.checkin import days as checkin_days
from seminar.checkin.models import CheckIn, CheckInMethod
from seminar.seminars.models import Seminar

# A scan queued on a phone without signal keeps the time it was made, if that is believable.
OFFLINE_AT_MOST = dt.timedelta(hours=12)


@dataclass(frozen=True)
class Outcome:
    checkin: CheckIn
    new: bool  # False: the person had already checked in for that day or session (`checkin` says when, by whom)


def moment_of(scanned_at: dt.datetime | None) -> dt.datetime:
    """When the check-in happened: the scan's own time if it was queued offline and is believable, else now."""
    current = checkin_days.now()
    if scanned_at is not None and scanned_at.tzinfo is not None and current - OFFLINE_AT_MOST <= scanned_at <= current:
        return scanned_at
    return current


async def check_in(
    seminar: Seminar, user_id: int, day: dt.date, *, session_key: str = "", session_title: str = "",
    by: User, method: CheckInMethod, scanned_at: dt.datetime | None = None,
) -> Outcome:
    """Record the 签到 unless there is one for that person, day and session; either way the row that stands."""
    async with in_transaction() as connection:
        found = await CheckIn.filter(
            seminar_id=seminar.id, user_id=user_id, day=day, session_key=session_key
        ).using_db(connection).select_related("by").first()
        if found is not None:
            return Outcome(found, new=False)
        try:
            async with in_transaction() as inner:  # a savepoint: a racing scan of the same badge loses here
                created = await CheckIn.create(
                    seminar_id=seminar.id, user_id=user_id, day=day, session_key=session_key,
                    session_title=session_title, at=moment_of(scanned_at), by_id=by.id, method=method, using_db=inner,
                )
        except IntegrityError:
            pass
        else:
            created.by = by
            return Outcome(created, new=True)
    existing = await CheckIn.get(seminar_id=seminar.id, user_id=user_id, day=day, session_key=session_key).select_related("by")
    return Outcome(existing, new=False)
