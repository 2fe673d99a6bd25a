"""Reading 签到: the days and sessions, who is expected, who has checked in, who is missing by unit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from seminar.agenda.models import AgendaRelease, AgendaSettings
from seminar.agenda.snapshot import agenda_from_data
from seminar.certificates.checkin import checkin_code, normalise_code
from seminar.certificates.queries import SitePerson, site_people
from seminar.checkin import days as checkin_days
from seminar.checkin.days import SessionChoice
from seminar.checkin.models import CheckIn
from seminar.i18n import format_date
from seminar.seminars.models import Seminar

FOUND_AT_MOST = 20  # people a name search lists


async def days_of(seminar: Seminar) -> list[dt.date]:
    agenda = await AgendaSettings.get_or_none(seminar_id=seminar.id)
    return checkin_days.seminar_days(seminar.starts_on, seminar.ends_on, agenda.days if agenda else None)


async def sessions_of(seminar: Seminar) -> list[SessionChoice]:
    """The sessions of the latest published agenda, in time order; none before it is published."""
    release = await AgendaRelease.filter(seminar_id=seminar.id).order_by("-number").first()
    if release is None:
        return []
    agenda = agenda_from_data(release.data)
    zone = ZoneInfo(seminar.time_zone)
    return [
        SessionChoice(session.key, session.title, session.start.astimezone(zone).date(),
                      f"{session.start.astimezone(zone):%H:%M}", session.room.name)
        for session in sorted(agenda.sessions, key=lambda s: (s.start, s.room.name))
    ]


def expected_of(people: list[SitePerson]) -> list[SitePerson]:
    """Who signs in: everyone on the list but the 工作人员 (organizers and staff), who work the day."""
    return [person for person in people if person.category != "staff"]


async def checkins_of(seminar: Seminar, day: dt.date, session_key: str) -> dict[int, CheckIn]:
    """Who checked in for this day (or session), by person, with who took it."""
    rows = await CheckIn.filter(seminar_id=seminar.id, day=day, session_key=session_key).select_related("by")
    return {row.user_id: row for row in rows}


async def checkin_of(seminar: Seminar, user_id: int, day: dt.date, session_key: str) -> CheckIn | None:
    return await CheckIn.get_or_none(
        seminar_id=seminar.id, user_id=user_id, day=day, session_key=session_key
    ).select_related("by")


@dataclass(frozen=True)
class UnitGroup:
    unit: str
    people: list[SitePerson]


def missing_by_unit(expected: list[SitePerson], checked_in: set[int]) -> list[UnitGroup]:
    """Those not checked in, grouped by unit (省直单位, cities, institutions; units typed by hand last), names in order."""
    missing = sorted((p for p in expected if p.user_id not in checked_in), key=lambda p: (p.unit_order, p.unit, p.name))
    groups: list[UnitGroup] = []
    for person in missing:
        if groups and groups[-1].unit == person.unit:
            groups[-1].people.append(person)
        else:
            groups.append(UnitGroup(person.unit, [person]))
    return groups


def sheet_order(expected: list[SitePerson]) -> list[SitePerson]:
    """The 签到表's order: by unit (省直单位 first, then cities in the official order, institutions), then by name."""
    return sorted(expected, key=lambda p: (p.unit_order, p.unit, p.name, p.user_id))


def find_people(people: list[SitePerson], typed: str, secret_key: str, seminar_id: int) -> list[SitePerson]:
    """Whose badge code was typed (exactly), else whose name or unit contains what was typed."""
    text = typed.strip()
    if not text:
        return []
    code = normalise_code(text)
    if code:
        by_code = [p for p in people if checkin_code(secret_key, seminar_id, p.user_id) == code]
        if by_code:
            return by_code
    return [p for p in people if text in p.name or text in p.unit][:FOUND_AT_MOST]


def is_code_of(person: SitePerson, typed: str, secret_key: str, seminar_id: int) -> bool:
    return checkin_code(secret_key, seminar_id, person.user_id) == normalise_code(typed)


async def counts(seminar: Seminar, expected: list[SitePerson]) -> list[dict[str, object]]:
    """Checked in / expected for each day, and for each session that anyone checked in for."""
    expected_ids = {person.user_id for person in expected}
    rows = await CheckIn.filter(seminar_id=seminar.id).values_list("day", "session_key", "session_title", "user_id")
    seen: dict[tuple[dt.date, str], set[int]] = {}
    titles: dict[str, str] = {}
    for day, session_key, title, user_id in rows:
        if user_id in expected_ids:
            seen.setdefault((day, session_key), set()).add(user_id)
        titles[session_key] = title
    result: list[dict[str, object]] = []
    sessions = await sessions_of(seminar)
    for day in await days_of(seminar):
        label = format_date(day)  # as the reader writes dates: 2026年12月10日
        result.append({"day": day.isoformat(), "label": label, "session": "", "title": "",
                       "checked_in": len(seen.get((day, ""), set())), "expected": len(expected_ids)})
        for session in sessions:
            if session.day == day and (day, session.key) in seen:
                result.append({"day": day.isoformat(), "label": label, "session": session.key, "title": session.title,
                               "checked_in": len(seen[(day, session.key)]), "expected": len(expected_ids)})
    return result


async def sheet_context(seminar: Seminar, day: dt.date, session_title: str = "") -> dict[str, Any]:
    """What the 签到表 prints (templates/certificates/pdf/signin_sheet.html), in Chinese whatever the reader's language."""
    heading = f"{day.year}年{day.month}月{day.day}日" + (f"　{session_title}" if session_title else "")
    people = sheet_order(expected_of(await site_people(seminar)))
    return {"seminar_title": seminar.title, "heading": heading, "people": people}


def person_json(person: SitePerson) -> dict[str, object]:
    return {"id": person.user_id, "name": person.name, "unit": person.unit, "position": person.position}


__all__ = ["site_people"]
