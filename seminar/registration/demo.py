"""The demo seminar's 参会回执: plausible details for every approved registration that has none yet.

Deterministic (the same registrations get the same details on every run), so the counts page and
the export look like a real 会务组's: most stay in single rooms, some share, a few live nearby;
arrivals the day before or on the first morning by 高铁 or plane; one 清真 and one 素食 diet.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tortoise.transactions import in_transaction

from seminar.registration.models import Registration, RegistrationStatus
from seminar.registration.receipt import Diet, Gender, Lodging, Rank
from seminar.seminars.models import Seminar

FEMININE = set("颖丽娟燕芳静敏霞红梅萍玲婷慧琳洁雪晶岚")
ARRIVALS = (
    (-1, "G6101 16:20 广州南站"), (0, "CZ3402 08:35 白云机场"), (-1, "G1003 18:05 广州南站"), (0, "自驾"),
    (-1, "D7421 15:40 广州东站"), (0, "G6015 08:10 广州南站"), (-1, "ZH9875 19:30 白云机场"), (0, "乘坐单位公务车"),
)
DEPARTURES = ("G6118 17:45 广州南站", "CZ3419 20:10 白云机场", "自驾", "G1010 16:30 广州南站")
LODGING = (Lodging.SINGLE, Lodging.SINGLE, Lodging.SHARED, Lodging.SINGLE, Lodging.SHARED, Lodging.NONE)


def _rank(position: str) -> Rank:
    if any(word in position for word in ("厅长", "巡视员", "书记")):
        return Rank.BUREAU
    if any(word in position for word in ("处长", "主任", "调研员", "局长")):
        return Rank.COUNTY
    if any(word in position for word in ("科长", "干部", "科员")):
        return Rank.TOWNSHIP
    return Rank.OTHER


def demo_receipt(index: int, name: str, position: str, starts_on: dt.date, ends_on: dt.date) -> dict[str, Any]:
    """The `index`-th registration's details (pure, so a test can read what the demo gives)."""
    offset, arrival_transport = ARRIVALS[index % len(ARRIVALS)]
    lodging = LODGING[index % len(LODGING)]
    diet = Diet.HALAL if index % 11 == 3 else Diet.VEGETARIAN if index % 11 == 7 else Diet.NONE
    return {
        "gender": Gender.FEMALE if name[-1:] in FEMININE else Gender.MALE,
        "ethnicity": "回族" if diet == Diet.HALAL else "壮族" if index % 13 == 5 else "汉族",
        "rank": _rank(position),
        "arrival_on": starts_on + dt.timedelta(days=offset),
        "arrival_transport": arrival_transport,
        "departure_on": ends_on,
        "departure_transport": DEPARTURES[index % len(DEPARTURES)],
        "lodging": lodging,
        "diet": diet,
        "companions": 1 if index % 9 == 4 else 0,
        "companion_names": "随行司机" if index % 9 == 4 else "",
        "receipt_note": "需要开具会议费发票" if index % 10 == 6 else "",
    }


async def fill_demo_receipts(seminar: Seminar) -> int:
    """Details for the approved registrations without any (those already given are left alone); how many filled."""
    registrations = await Registration.filter(
        seminar_id=seminar.id, status=RegistrationStatus.APPROVED, receipt_updated_at=None
    ).order_by("id")
    now = dt.datetime.now(dt.UTC)
    async with in_transaction():
        for index, registration in enumerate(registrations):
            values = demo_receipt(index, registration.name, registration.position, seminar.starts_on, seminar.ends_on)
            await Registration.filter(id=registration.id).update(**values, receipt_updated_at=now)
    return len(registrations)
