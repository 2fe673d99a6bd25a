"""The finished demo seminar's 签到: most approved attendees checked in by the staff member on each day.

Deterministic, and done once: a seminar with any check-in is left alone. Every seventh attendee (in
registration order) did not come, so the organizer's "missing by unit" and the 参会证明 (only for
those checked in) show what a real seminar's records do.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from seminar.accounts.models import User
from seminar.checkin.models import CheckIn, CheckInMethod
from seminar.checkin.queries import days_of
from seminar.registration.models import Registration, RegistrationStatus
from seminar.seminars.models import Seminar

ABSENT_EVERY = 7  # the 7th, 14th … approved registration did not come
FIRST_SCAN = dt.time(8, 10)  # 签到 opens before the 9:00 opening


async def build_demo_checkins(seminar: Seminar, staff: User) -> int:
    """Check in the approved attendees who came, on each of the seminar's days; how many check-ins were made."""
    if await CheckIn.exists(seminar_id=seminar.id):
        return 0
    registrations = await Registration.filter(
        seminar_id=seminar.id, status=RegistrationStatus.APPROVED
    ).order_by("created_at", "id")
    came = [r for index, r in enumerate(registrations, start=1) if index % ABSENT_EVERY]
    zone = ZoneInfo(seminar.time_zone)
    rows = [
        CheckIn(
            seminar_id=seminar.id, user_id=registration.user_id, day=day,
            at=dt.datetime.combine(day, FIRST_SCAN, zone) + dt.timedelta(seconds=40 * index),
            by_id=staff.id, method=CheckInMethod.SCAN if index % 5 else CheckInMethod.LIST,
        )
        for day in await days_of(seminar)
        for index, registration in enumerate(came)
    ]
    await CheckIn.bulk_create(rows)
    return len(rows)
